import Testing
@testable import JSONRPC

/// The writer's fast paths (two-decimal doubles, escaping in place, the growing byte buffer) write
/// exactly what the plain definitions say.
@Suite("JSON writer fast paths")
struct JSONWriterFastPathTests {
    @Test("doubles print as Swift's description, on and off the two-decimal fast path")
    func doublesMatchDescription() {
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var values: [Double] = [0.1, 0.2, 0.3, 1.005, 2.675, 12.0, 100.5, -0.01, 0.01, 1e12, 9_999_999_999_999.99,
                                1e13, 1e15, 1e16, 123_456_789.12, -0.0, 0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0.125]
        for _ in 0..<200_000 {
            let k = Int64(bitPattern: next() % 2_000_000_000_000) - 1_000_000_000_000
            values += [Double(k) / 100, Double(k % 100_000) / 100, Double(k % 1000) / 1000, Double(k) / 7]
        }
        for value in values {
            #expect(JSONWriter.string(.double(value)) == value.description, "\(value)")
        }
    }

    @Test("strings escape quotes, backslashes and every control character, however long")
    func escaping() throws {
        var raw = ""
        var expected = "\""
        for scalar in 0..<0x20 {
            raw.unicodeScalars.append(Unicode.Scalar(UInt8(scalar)))
            switch scalar {
            case 0x0A: expected += "\\n"
            case 0x0D: expected += "\\r"
            case 0x09: expected += "\\t"
            case 0x08: expected += "\\b"
            case 0x0C: expected += "\\f"
            default: expected += "\\u00" + String(scalar, radix: 16).leftPadded(to: 2)
            }
        }
        raw += "\"\\é😀"
        expected += "\\\"\\\\é😀\""
        #expect(JSONWriter.string(.string(raw)) == expected)
        let long = String(repeating: "\"quoted\" \\ text\n", count: 5000)  // far past the first buffer
        let written = JSONWriter.string(.string(long))
        #expect(try JSONParser.parse(written) == .string(long))
        let nested: JSONValue = .array((0..<3000).map { .object(JSONObject([("k\($0)", .string(long.prefix($0 % 50).description))])) })
        #expect(try JSONParser.parse(JSONWriter.bytes(nested)) == nested)
        var appended: [UInt8] = Array("prefix ".utf8)
        JSONWriter.write(["a": 1], into: &appended)
        #expect(String(decoding: appended, as: UTF8.self) == #"prefix {"a":1}"#)
    }

    @Test("integers at the edges")
    func integers() {
        for value: Int64 in [0, 1, -1, 9, 10, -10, 99, 100, .max, .min, 1_000_000_007] {
            #expect(JSONWriter.string(.integer(value)) == String(value))
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
