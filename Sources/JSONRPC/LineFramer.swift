/// Splits a byte stream into newline-delimited lines with a bound on line length.
///
/// Guarantees: memory held is at most ``maximumLineBytes`` plus one read's worth, whatever the
/// input; a line longer than the bound is skipped to its end and reported once as
/// ``Frame/oversized(byteCount:)``; a trailing `\r` is dropped; blank lines are skipped; the
/// unterminated tail left at end of input is delivered by ``finish(deliver:)`` like any line.
public struct LineFramer: Sendable {
    /// What the framer found in the stream.
    public enum Frame: Sendable, Equatable {
        /// A complete line, without its terminator.
        case line([UInt8])
        /// A line longer than the bound; its bytes were dropped.
        case oversized(byteCount: Int)
    }

    /// The longest line accepted, in bytes, not counting the newline.
    public let maximumLineBytes: Int
    private var pending: [UInt8] = []
    private var discarding = false
    private var discardedCount = 0

    public init(maximumLineBytes: Int) {
        self.maximumLineBytes = maximumLineBytes
    }

    /// Feeds `bytes`, calling `deliver` for each frame completed, in order.
    public mutating func append(_ bytes: UnsafeRawBufferPointer, deliver: (Frame) -> Void) {
        var start = 0
        let count = bytes.count
        while start < count {
            let newline = Self.indexOfNewline(bytes, from: start)
            let end = newline ?? count
            let chunkLength = end - start
            if discarding {
                discardedCount += chunkLength
            } else if pending.count + chunkLength > maximumLineBytes {
                discarding = true
                discardedCount = pending.count + chunkLength
                pending.removeAll(keepingCapacity: false)
            } else if newline != nil, pending.isEmpty {
                deliverLine(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), deliver: deliver)
            } else {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            }
            guard newline != nil else { break }
            if discarding {
                deliver(.oversized(byteCount: discardedCount))
                discarding = false
                discardedCount = 0
            } else if !pending.isEmpty {
                let line = pending
                pending.removeAll(keepingCapacity: true)
                line.withUnsafeBytes { deliverLine($0, deliver: deliver) }
            }
            start = end + 1
        }
    }

    /// Ends the stream: delivers the unterminated tail, if any, as a final frame.
    public mutating func finish(deliver: (Frame) -> Void) {
        if discarding {
            deliver(.oversized(byteCount: discardedCount))
        } else if !pending.isEmpty {
            let line = pending
            line.withUnsafeBytes { deliverLine($0, deliver: deliver) }
        }
        pending = []
        discarding = false
        discardedCount = 0
    }

    private func deliverLine(_ bytes: UnsafeRawBufferPointer, deliver: (Frame) -> Void) {
        var end = bytes.count
        if end > 0, bytes[end - 1] == 0x0D { end -= 1 }
        var blank = true
        for position in 0..<end {
            switch bytes[position] {
            case 0x20, 0x09, 0x0D: continue
            default: blank = false
            }
            break
        }
        if blank { return }
        deliver(.line(Array(bytes[0..<end])))
    }

    private static func indexOfNewline(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, start < bytes.count else { return nil }
        guard let found = memchr(base + start, 0x0A, bytes.count - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
