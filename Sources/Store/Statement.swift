import CSQLite

/// A borrowed view of one prepared statement: binds `SQLValue`s to its parameters and reads its
/// current row. It owns nothing; the `SQLiteConnection` that prepared the statement keeps it alive,
/// uses it only from its own isolation, and resets it after each use.
struct Statement {
    /// The `sqlite3_stmt*`.
    let pointer: OpaquePointer

    /// SQLite's `SQLITE_TRANSIENT`: SQLite copies bound text and blobs before the bind call returns,
    /// so Swift buffers need only live for the duration of the call.
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    }

    /// Binds `values` to parameters 1...n. Throws when the count differs from the statement's
    /// parameter count or SQLite rejects a value (e.g. text over SQLite's length limit).
    func bind(_ values: [SQLValue], sql: String) throws(StoreError) {
        let expected = Int(sqlite3_bind_parameter_count(pointer))
        guard expected == values.count else {
            throw .sqlite(
                code: SQLITE_RANGE,
                message: "statement has \(expected) parameter(s) but \(values.count) value(s) were bound",
                sql: StoreError.summarize(sql))
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code = bind(value, at: index)
            guard code == SQLITE_OK else {
                let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(pointer)))
                throw .sqlite(code: code, message: "binding parameter \(index): \(message)",
                              sql: StoreError.summarize(sql))
            }
        }
    }

    private func bind(_ value: SQLValue, at index: Int32) -> Int32 {
        switch value {
        case .null:
            return sqlite3_bind_null(pointer, index)
        case .integer(let number):
            return sqlite3_bind_int64(pointer, index, number)
        case .real(let number):
            return sqlite3_bind_double(pointer, index, number)
        case .text(let string):
            if string.isEmpty {
                // A NULL data pointer would bind SQL NULL; an empty string must stay text.
                return sqlite3_bind_text64(pointer, index, "", 0, Self.transient, UInt8(SQLITE_UTF8))
            }
            var string = string
            return string.withUTF8 { utf8 in
                utf8.withMemoryRebound(to: CChar.self) { chars in
                    sqlite3_bind_text64(pointer, index, chars.baseAddress, UInt64(chars.count), Self.transient,
                                        UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let bytes):
            if bytes.isEmpty {
                // A NULL data pointer would bind SQL NULL; a zero-length zeroblob is an empty blob.
                return sqlite3_bind_zeroblob(pointer, index, 0)
            }
            return bytes.withUnsafeBytes { raw in
                sqlite3_bind_blob64(pointer, index, raw.baseAddress, UInt64(raw.count), Self.transient)
            }
        }
    }

    /// Number of result columns (0 for statements that return no rows).
    var columnCount: Int32 { sqlite3_column_count(pointer) }

    /// The current row, valid after `sqlite3_step` returned `SQLITE_ROW`.
    func row(columns: Int32) -> [SQLValue] {
        var values: [SQLValue] = []
        values.reserveCapacity(Int(columns))
        for column in 0..<columns {
            values.append(value(at: column))
        }
        return values
    }

    private func value(at column: Int32) -> SQLValue {
        switch sqlite3_column_type(pointer, column) {
        case SQLITE_INTEGER:
            return .integer(sqlite3_column_int64(pointer, column))
        case SQLITE_FLOAT:
            return .real(sqlite3_column_double(pointer, column))
        case SQLITE_TEXT:
            // Text first, then its byte count, as SQLite documents; the count keeps embedded NULs.
            guard let text = sqlite3_column_text(pointer, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(pointer, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            guard let blob = sqlite3_column_blob(pointer, column) else { return .blob([]) }
            let count = Int(sqlite3_column_bytes(pointer, column))
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default:
            return .null
        }
    }
}
