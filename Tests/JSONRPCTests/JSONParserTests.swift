import Testing
@testable import JSONRPC

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(#" {"a": [1, -2, 3.5, 1e3, true, false, null, "x"], "b": {}} "#)
        #expect(value == ["a": [1, -2, 3.5, 1000.0, true, false, nil, "x"], "b": [:]])
    }

    @Test func keepsIntegersApartFromFractions() throws {
        #expect(try JSONParser.parse("7") == .integer(7))
        #expect(try JSONParser.parse("7.0") == .double(7))
        #expect(try JSONParser.parse("-0") == .integer(0))
        #expect(try JSONParser.parse("9223372036854775807") == .integer(Int64.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .integer(Int64.min))
        // One past the range is still a number, just not an integer.
        #expect(try JSONParser.parse("9223372036854775808") == .double(9223372036854775808))
    }

    @Test func decodesEscapesAndUnicode() throws {
        #expect(try JSONParser.parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
        #expect(try JSONParser.parse(#""\u00e9\u4e2d""#) == .string("é中"))
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try JSONParser.parse("\"héllo 中文 😀\"") == .string("héllo 中文 😀"))
    }

    @Test func replacesLoneSurrogatesRatherThanFailing() throws {
        #expect(try JSONParser.parse(#""\ud83d""#) == .string("\u{FFFD}"))
        #expect(try JSONParser.parse(#""\ude00x""#) == .string("\u{FFFD}x"))
        #expect(try JSONParser.parse(#""\ud83d\u0041""#) == .string("\u{FFFD}A"))
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "[1 2]", "{\"a\" 1}", "{\"a\":}", "{1:2}", "01", "1.", ".5", "-", "1e", "+1",
        "tru", "nul", "\"abc", "\"a\\x\"", "\"\\u12\"", "\"\\u12G4\"", "[1] x", "{}{}", "NaN", "Infinity", "'a'",
        "\"a\u{01}b\"", "\"line\nbreak\"",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    /// Found by the fuzzer: `3e685` overflowed to infinity and was written back as `null`.
    @Test(arguments: ["3e685", "-1e400", "[1e309]", #"{"id":922337203e+6854775807}"#])
    func rejectsNumbersBeyondTheRangeOfADouble(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func keepsTinyNumbersThatUnderflowToZero() throws {
        #expect(try JSONParser.parse("1e-400") == .double(0))
    }

    @Test func rejectsInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xFF, 0xFE, 0x22]
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        let overlong: [UInt8] = [0x22, 0xC0, 0xAF, 0x22]
        #expect(throws: JSONParseError.self) { try JSONParser.parse(overlong) }
        let escapedThenBad: [UInt8] = Array(#""\n"#.utf8) + [0xED, 0xA0, 0x80, 0x22]
        #expect(throws: JSONParseError.self) { try JSONParser.parse(escapedThenBad) }
    }

    @Test func boundsNesting() throws {
        let deepest = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(throws: Never.self) { try JSONParser.parse(deepest) }
        let tooDeep = String(repeating: "[", count: JSONParser.maximumDepth + 1) + String(repeating: "]", count: JSONParser.maximumDepth + 1)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(tooDeep) }
        // A hostile prefix far deeper than the stack could take fails fast instead of crashing.
        #expect(throws: JSONParseError.self) { try JSONParser.parse(String(repeating: "{\"a\":", count: 100_000)) }
    }

    @Test func reportsWhereParsingStopped() {
        do {
            _ = try JSONParser.parse("[1, 2, x]")
            Issue.record("expected an error")
        } catch {
            #expect(error.offset == 7)
        }
    }

    @Test func repeatedKeysKeepTheLastValue() throws {
        let value = try JSONParser.parse(#"{"a":1,"a":2}"#)
        #expect(value["a"] == .integer(2))
    }
}

@Suite struct JSONWriterTests {
    @Test func writesCompactJSONInOrder() {
        let value: JSONValue = ["b": 1, "a": [true, nil, 2.5, "x"]]
        #expect(JSONWriter.string(value) == #"{"b":1,"a":[true,null,2.5,"x"]}"#)
    }

    @Test func escapesEverythingThatWouldBreakALine() {
        let text = "q\"b\\n\nr\rt\t\u{0}\u{1f}é"
        let written = JSONWriter.string(.string(text))
        #expect(written == #""q\"b\\n\nr\rt\t\u0000\u001fé""#)
        #expect(!JSONWriter.bytes(.string(text)).contains(0x0A))
    }

    @Test func writesNumbersThatReadBack() throws {
        for number in [0.1, 12.5, 1e-5, 1e20, -3.25, 123456.789, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude] {
            #expect(try JSONParser.parse(JSONWriter.bytes(.double(number))) == .double(number))
        }
        for number in [Int64.min, -1, 0, 1, 42, Int64.max] {
            #expect(JSONWriter.string(.integer(number)) == String(number))
        }
    }

    @Test func writesNonFiniteNumbersAsNull() {
        #expect(JSONWriter.string(.double(.nan)) == "null")
        #expect(JSONWriter.string(.double(.infinity)) == "null")
    }

    @Test func roundTripsNestedValues() throws {
        let value: JSONValue = ["id": "x", "list": [["k": "v\n"], [], [:], -7, 0.5], "unicode": "😀 中"]
        #expect(try JSONParser.parse(JSONWriter.bytes(value)) == value)
    }
}
