/// Compact JSON serialisation into UTF-8 bytes.
///
/// Guarantees: the output is one line (every control character in a string is escaped), valid
/// UTF-8, and valid JSON for every input — a non-finite double, which JSON cannot express, is
/// written as `null`. Members are written in the object's order. Numbers are written as Swift's
/// `description` writes them (integers plainly, doubles as the shortest text that reads back).
///
/// The text is built in a `ByteSink` (raw, growable, no per-byte checks): a tool result is
/// serialised twice per answer (its text block and `structuredContent`), so this is on the path
/// of every call.
public enum JSONWriter {
    /// Bytes reserved before writing; grown by doubling.
    static let initialCapacity = 1024

    /// The JSON text of `value` as bytes.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var sink = ByteSink(capacity: initialCapacity)
        write(value, into: &sink)
        return Array(sink.bytes)
    }

    /// The JSON text of `value` as a string.
    public static func string(_ value: JSONValue) -> String {
        var sink = ByteSink(capacity: initialCapacity)
        write(value, into: &sink)
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// Appends the JSON text of `value` to `output`.
    public static func write(_ value: JSONValue, into output: inout [UInt8]) {
        var sink = ByteSink(capacity: initialCapacity)
        write(value, into: &sink)
        output.append(contentsOf: sink.bytes)
    }

    static func write(_ value: JSONValue, into sink: inout ByteSink) {
        switch value {
        case .null: sink.append("null")
        case .bool(let flag): sink.append(flag ? "true" : "false")
        case .integer(let number): writeInteger(number, into: &sink)
        case .double(let number): writeDouble(number, into: &sink)
        case .string(let text): writeString(text, into: &sink)
        case .array(let elements):
            sink.append(UInt8(ascii: "["))
            elements.withUnsafeBufferPointer { elements in
                for index in elements.indices {
                    if index > 0 { sink.append(UInt8(ascii: ",")) }
                    write(elements[index], into: &sink)
                }
            }
            sink.append(UInt8(ascii: "]"))
        case .object(let object):
            sink.append(UInt8(ascii: "{"))
            object.members.withUnsafeBufferPointer { members in
                for index in members.indices {
                    if index > 0 { sink.append(UInt8(ascii: ",")) }
                    writeString(members[index].key, into: &sink)
                    sink.append(UInt8(ascii: ":"))
                    write(members[index].value, into: &sink)
                }
            }
            sink.append(UInt8(ascii: "}"))
        }
    }

    /// Most bytes an Int64 takes in decimal, sign included.
    static let maximumIntegerLength = 20

    static func writeInteger(_ number: Int64, into sink: inout ByteSink) {
        sink.write(reserving: maximumIntegerLength) { out in
            var magnitude = number.magnitude
            let sign = number < 0 ? 1 : 0
            if sign == 1 { out[0] = UInt8(ascii: "-") }
            var digits = 1
            var probe = magnitude
            while probe >= 10 {
                probe /= 10
                digits += 1
            }
            var position = sign + digits - 1
            repeat {
                out[position] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                position -= 1
            } while magnitude > 0
            return sign + digits
        }
    }

    /// Largest hundredths value written by the fast path (|number| < 10^13, where Swift's own
    /// description is still plain decimal notation).
    static let hundredthsLimit: Double = 1e15

    static func writeDouble(_ number: Double, into sink: inout ByteSink) {
        guard number.isFinite else { sink.append("null"); return }
        // Fast path for amounts with at most two decimals (money, most quantities), which a data
        // tool answer is full of: when number is exactly the double nearest to k/100, the text of
        // k/100 reads back to the same double and is what `description` would print, without the
        // general shortest-digits search.
        let hundredths = (number * 100).rounded()
        if number != 0, hundredths.magnitude < hundredthsLimit, hundredths / 100 == number {
            let value = Int64(hundredths)
            if value < 0 { sink.append(UInt8(ascii: "-")) }
            writeInteger(Int64(value.magnitude / 100), into: &sink)
            sink.append(UInt8(ascii: "."))
            let fraction = Int(value.magnitude % 100)
            sink.append(UInt8(ascii: "0") + UInt8(fraction / 10))
            if fraction % 10 != 0 { sink.append(UInt8(ascii: "0") + UInt8(fraction % 10)) }
            return
        }
        // Swift's description is the shortest text that reads back to the same double, and its
        // forms ("12.5", "1e-05", "1.0e+20") are all valid JSON numbers.
        var text = number.description
        text.withUTF8 { sink.append($0) }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Longest escape of one byte (`\u001f`).
    static let longestEscape = 6

    static func writeString(_ text: String, into sink: inout ByteSink) {
        var text = text
        text.withUTF8 { bytes in
            sink.write(reserving: bytes.count * longestEscape + 2) { out in
                out[0] = UInt8(ascii: "\"")
                var position = 1
                for byte in bytes {
                    if byte >= 0x20, byte != 0x22, byte != 0x5C {
                        out[position] = byte
                        position += 1
                        continue
                    }
                    out[position] = 0x5C
                    switch byte {
                    case 0x22: out[position + 1] = 0x22
                    case 0x5C: out[position + 1] = 0x5C
                    case 0x0A: out[position + 1] = UInt8(ascii: "n")
                    case 0x0D: out[position + 1] = UInt8(ascii: "r")
                    case 0x09: out[position + 1] = UInt8(ascii: "t")
                    case 0x08: out[position + 1] = UInt8(ascii: "b")
                    case 0x0C: out[position + 1] = UInt8(ascii: "f")
                    default:
                        out[position + 1] = UInt8(ascii: "u")
                        out[position + 2] = UInt8(ascii: "0")
                        out[position + 3] = UInt8(ascii: "0")
                        out[position + 4] = hexDigits[Int(byte >> 4)]
                        out[position + 5] = hexDigits[Int(byte & 0xF)]
                        position += 4
                    }
                    position += 2
                }
                out[position] = UInt8(ascii: "\"")
                return position + 1
            }
        }
    }
}
