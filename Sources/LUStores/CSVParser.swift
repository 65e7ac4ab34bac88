import Store

/// RFC 4180 CSV: records separated by CRLF (a lone LF is accepted too), fields by commas; a field
/// in double quotes may hold commas, quotes (written twice) and line breaks.
///
/// Guarantees: every record comes with the line number it starts on; a quote inside an unquoted
/// field, text after a closing quote, an unterminated quoted field or bytes that are not UTF-8 are
/// errors naming the line; empty lines are skipped; a UTF-8 byte-order mark at the start is
/// ignored. Linear in the input.
enum CSVParser {
    /// One record: the physical line it starts on (from 1) and its fields.
    struct Record: Equatable {
        let line: Int
        let fields: [String]
    }

    static func parse(_ bytes: [UInt8]) throws(ImportError) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var quoted = false        // inside a quoted field
        var wasQuoted = false     // the current field was quoted and has been closed
        var fieldStarted = false  // anything seen in the current record

        func text(_ bytes: [UInt8], line: Int) throws(ImportError) -> String {
            guard let string = String(validating: bytes, as: UTF8.self) else {
                throw ImportError("line \(line)", "the text is not UTF-8")
            }
            return string
        }

        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                        wasQuoted = true
                    }
                } else {
                    if byte == 0x0A { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: ","):
                fields.append(try text(field, line: recordLine))
                field.removeAll(keepingCapacity: true)
                wasQuoted = false
                fieldStarted = true
            case 0x0D where index < bytes.count && bytes[index] == 0x0A:
                continue  // the LF ends the record
            case 0x0A:
                if fieldStarted || !field.isEmpty || wasQuoted {
                    fields.append(try text(field, line: recordLine))
                    records.append(Record(line: recordLine, fields: fields))
                }
                fields.removeAll(keepingCapacity: true)
                field.removeAll(keepingCapacity: true)
                wasQuoted = false
                fieldStarted = false
                line += 1
                recordLine = line
            case UInt8(ascii: "\""):
                guard field.isEmpty, !wasQuoted else {
                    throw ImportError("line \(line)", "a double quote inside a field that does not start with one")
                }
                quoted = true
                fieldStarted = true
            default:
                guard !wasQuoted else {
                    throw ImportError("line \(line)", "text after the closing quote of a field")
                }
                field.append(byte)
                fieldStarted = true
            }
        }
        if quoted {
            throw ImportError("line \(recordLine)", "a quoted field is not closed before the end of the file")
        }
        if fieldStarted || !field.isEmpty || wasQuoted {
            fields.append(try text(field, line: recordLine))
            records.append(Record(line: recordLine, fields: fields))
        }
        return records
    }
}
