/// Every failure the store reports. Cases and their `code` strings are stable: other modules map
/// them onto protocol errors, and operators grep logs for them.
///
/// `description` is one line meant for an operator: it names the file, the SQLite result code and
/// message, or the schema versions involved, and never contains bound parameter values.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory that should hold the database file is missing and could not be created.
    case cannotCreateDirectory(path: String, message: String)
    /// The database file could not be opened, or is not an SQLite database.
    case cannotOpen(path: String, message: String)
    /// A statement failed. `code` is SQLite's extended result code (the primary code is
    /// `code & 0xff`); `sql` is the statement's first words, never its bound values.
    case sqlite(code: Int32, message: String, sql: String)
    /// The database stayed locked by another connection for longer than the busy timeout.
    case busy(message: String, sql: String)
    /// Applying migration `version` failed; nothing of that migration was kept.
    case migrationFailed(version: Int, message: String)
    /// The file's schema is newer than this build understands; it was left untouched.
    case schemaTooNew(found: Int, supported: Int)

    /// The stable machine-readable code of the case, e.g. `"schema_too_new"`.
    public var code: String {
        switch self {
        case .cannotCreateDirectory: return "cannot_create_directory"
        case .cannotOpen: return "cannot_open"
        case .sqlite: return "sqlite_error"
        case .busy: return "busy"
        case .migrationFailed: return "migration_failed"
        case .schemaTooNew: return "schema_too_new"
        }
    }

    /// One operator-readable line describing what failed and where.
    public var description: String {
        switch self {
        case .cannotCreateDirectory(let path, let message):
            return "cannot create database directory '\(path)': \(message)"
        case .cannotOpen(let path, let message):
            return "cannot open database '\(path)': \(message)"
        case .sqlite(let code, let message, let sql):
            return "SQLite error \(code) running `\(sql)`: \(message)"
        case .busy(let message, let sql):
            return "database is busy: another connection held the lock for more than "
                + "\(SQLiteConnection.busyTimeoutMilliseconds) ms while running `\(sql)`: \(message)"
        case .migrationFailed(let version, let message):
            return "schema migration \(version) failed and was rolled back: \(message)"
        case .schemaTooNew(let found, let supported):
            return "database schema version \(found) is newer than this build supports (\(supported)); "
                + "upgrade lustores-mcp or point it at another database file"
        }
    }
}

extension StoreError {
    /// Most words of a statement kept by `summarize`.
    static let sqlSummaryWordLimit = 8
    /// Most characters of a statement kept by `summarize`.
    static let sqlSummaryCharacterLimit = 80

    /// The first words of `sql` on one line, for error messages: whitespace collapsed, cut at
    /// `sqlSummaryWordLimit` words or `sqlSummaryCharacterLimit` characters, "…" when cut.
    static func summarize(_ sql: String) -> String {
        let words = sql.split(whereSeparator: { $0.isWhitespace })
        var summary = words.prefix(sqlSummaryWordLimit).joined(separator: " ")
        var cut = words.count > sqlSummaryWordLimit
        if summary.count > sqlSummaryCharacterLimit {
            summary = String(summary.prefix(sqlSummaryCharacterLimit))
            cut = true
        }
        return cut ? summary + " …" : summary
    }
}

extension StoreError {
    /// What failed, in product terms, for a message a client sees: names no file, path, SQL or
    /// value (`description` has those, for the log), e.g. "the volume holding the database is full".
    public var clientReason: String {
        switch self {
        case .cannotCreateDirectory: return "the folder for the database cannot be created"
        case .cannotOpen: return "the database file cannot be opened"
        case .busy: return "the database stayed locked by another connection or process"
        case .migrationFailed: return "the database could not be upgraded to this version's schema"
        case .schemaTooNew: return "the database was written by a newer version of lustores-mcp"
        case .sqlite(let code, _, _): return Self.clientReason(sqliteCode: code)
        }
    }

    /// SQLite's extended code for a write to a file that was deleted or moved.
    static let readOnlyDatabaseMoved: Int32 = 8 | (4 << 8)

    private static func clientReason(sqliteCode code: Int32) -> String {
        switch code & 0xff {
        case 3, 23: return "access to the database file was denied"
        case 8 where code == readOnlyDatabaseMoved: return "the database file has been deleted or moved"
        case 8: return "the database cannot be written: its file or volume is read-only"
        case 10: return "the database file cannot be read or written: the system reported an input-output error"
        case 11: return "the database file is damaged"
        case 13: return "the volume holding the database is full"
        case 14: return "the database file or its journal cannot be opened"
        case 15: return "another program holds the database's locks in a way this server cannot use"
        case 26: return "the database file is not a database"
        default: return "a database query failed"
        }
    }
}
