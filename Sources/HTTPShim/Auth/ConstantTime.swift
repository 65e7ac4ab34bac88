/// Byte-string comparison whose time depends only on the lengths, never on where they differ.
enum ConstantTime {
    static func equals(_ a: [UInt8], _ b: ArraySlice<UInt8>) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let count = max(a.count, b.count)
        var left = a.startIndex
        var right = b.startIndex
        for _ in 0..<count {
            let x = left < a.endIndex ? a[left] : 0
            let y = right < b.endIndex ? b[right] : 0
            difference |= x ^ y
            left += 1
            right += 1
        }
        return difference == 0
    }
}
