import CSQLite

/// Owns one open `sqlite3*` and its cached prepared statements, runs statements on it
/// synchronously, and releases both when it is released: statements finalized, then the handle
/// closed with `sqlite3_close_v2`.
///
/// Not Sendable: each handle has exactly one owner that serialises every use of it — a
/// `SQLiteConnection` actor (its isolation) or an `InlineReader` (its mutex). The handle was opened
/// `SQLITE_OPEN_NOMUTEX`, so that owner is the only thing keeping two threads out of SQLite at once.
final class SQLiteHandle {
    /// The open connection.
    let pointer: OpaquePointer
    /// Statements prepared on `pointer`.
    private(set) var statements = StatementCache()

    /// Takes ownership of an open connection.
    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(pointer)
    }

    /// Opens `path` read-write (creating the file if missing, configuring WAL, `synchronous=NORMAL`,
    /// foreign keys, `temp_store=MEMORY` and `journal_size_limit`) or read-only, with SQLite's
    /// extended result codes and the given busy timeout. Throws `.cannotOpen` with SQLite's message
    /// when the file cannot be opened or is not a database; the parent directory must already exist.
    static func open(path: String, readOnly: Bool, busyTimeoutMilliseconds: Int32) throws(StoreError) -> SQLiteHandle {
        // Debian builds SQLite with URI filenames on globally; "./" keeps a "file:" name literal.
        let filename = path.hasPrefix("file:") ? "./" + path : path
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(filename, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(opened)
            throw .cannotOpen(path: path, message: message)
        }
        let handle = SQLiteHandle(opened)  // closes the connection if a step below throws
        sqlite3_extended_result_codes(opened, 1)
        sqlite3_busy_timeout(opened, busyTimeoutMilliseconds)
        // Reading the schema forces SQLite to read the file header, so a file that is not a
        // database fails here rather than on the first query.
        var script = "SELECT count(*) FROM sqlite_schema;"
        if !readOnly {
            // temp_store MEMORY keeps statement journals (written for every statement that fires a
            // trigger or checks a foreign key) off temporary files: millions of pwrite calls in a bulk load.
            // journal_size_limit: a checkpoint that resets the WAL also truncates it to this size,
            // so the next process to open the file does not replay a large stale log at start-up.
            script += "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"
            script += " PRAGMA journal_size_limit = \(SQLiteConnection.walSizeLimitBytes);"
        }
        var errorMessage: UnsafeMutablePointer<CChar>?
        let setup = sqlite3_exec(opened, script, nil, nil, &errorMessage)
        let message = errorMessage.map { String(cString: $0) } ?? handle.message
        sqlite3_free(errorMessage)
        guard setup == SQLITE_OK else {
            throw .cannotOpen(path: path, message: "\(message) (SQLite error \(setup))")
        }
        return handle
    }

    /// Runs a `;`-separated script that takes no parameters, discarding any rows; stops at the first
    /// failing statement and throws its error.
    func execute(_ sql: String) throws(StoreError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(pointer, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard code == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? message
            throw Self.failure(code: code, message: message, sql: sql)
        }
    }

    /// Runs exactly one statement with `bindings` and returns every row.
    func query(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> [[SQLValue]] {
        let statement = try prepared(sql)
        defer { Self.finish(statement) }
        try statement.bind(bindings, sql: sql)
        let columns = statement.columnCount
        var rows: [[SQLValue]] = []
        while true {
            let code = sqlite3_step(statement.pointer)
            if code == SQLITE_ROW {
                rows.append(statement.row(columns: columns))
            } else if code == SQLITE_DONE {
                return rows
            } else {
                throw Self.failure(code: code, message: message, sql: sql)
            }
        }
    }

    /// Runs exactly one statement to completion, discarding rows; see `SQLiteConnection.run`.
    func run(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> (changes: Int, lastRowID: Int64) {
        let statement = try prepared(sql)
        defer { Self.finish(statement) }
        try statement.bind(bindings, sql: sql)
        let totalBefore = sqlite3_total_changes64(pointer)
        var code = sqlite3_step(statement.pointer)
        while code == SQLITE_ROW {
            code = sqlite3_step(statement.pointer)
        }
        guard code == SQLITE_DONE else {
            throw Self.failure(code: code, message: message, sql: sql)
        }
        let changed = sqlite3_total_changes64(pointer) != totalBefore ? Int(sqlite3_changes64(pointer)) : 0
        return (changes: changed, lastRowID: sqlite3_last_insert_rowid(pointer))
    }

    /// Runs one statement that needs no parameters, stepping it once (BEGIN, COMMIT, SAVEPOINT…).
    func step(_ sql: String) throws(StoreError) {
        let statement = try prepared(sql)
        defer { Self.finish(statement) }
        let code = sqlite3_step(statement.pointer)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw Self.failure(code: code, message: message, sql: sql)
        }
    }

    /// Proves the database answers: `PRAGMA schema_version` opens a read transaction and reads the
    /// schema cookie from the file's header (a `SELECT 1` would succeed without touching the file).
    func ping() throws(StoreError) {
        let sql = "PRAGMA schema_version"
        let rows = try query(sql)
        guard rows.count == 1, rows[0].first?.intValue != nil else {
            throw .sqlite(code: SQLITE_ERROR, message: "no schema version in the file header", sql: sql)
        }
    }

    /// Whether a transaction is open.
    var isInTransaction: Bool {
        sqlite3_get_autocommit(pointer) == 0
    }

    /// SQLite's message for the last failure on this connection.
    var message: String {
        String(cString: sqlite3_errmsg(pointer))
    }

    /// The cached statement for `sql`, preparing and caching it first if needed. Rejects text that
    /// holds no statement or more than one.
    private func prepared(_ sql: String) throws(StoreError) -> Statement {
        if let cached = statements.lookup(sql) {
            return Statement(pointer: cached)
        }
        var statement: OpaquePointer?
        var trailingStatement = false
        let code = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(pointer, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
            if code == SQLITE_OK, let tail, tail.pointee != 0 {
                // Anything but whitespace and comments after the first statement is a second one.
                var extra: OpaquePointer?
                let extraCode = sqlite3_prepare_v2(pointer, tail, -1, &extra, nil)
                trailingStatement = extraCode != SQLITE_OK || extra != nil
                sqlite3_finalize(extra)
            }
            return code
        }
        guard code == SQLITE_OK else {
            throw Self.failure(code: code, message: message, sql: sql)
        }
        guard let statement, !trailingStatement else {
            sqlite3_finalize(statement)
            let message = statement == nil
                ? "no SQL statement in the text"
                : "more than one statement; query() and run() take one, execute() takes a script"
            throw .sqlite(code: SQLITE_MISUSE, message: message, sql: StoreError.summarize(sql))
        }
        statements.insert(statement, for: sql)
        return Statement(pointer: statement)
    }

    /// Returns a used statement to its initial state so it holds no locks and no bound values.
    private static func finish(_ statement: Statement) {
        sqlite3_reset(statement.pointer)
        sqlite3_clear_bindings(statement.pointer)
    }

    /// Maps a failing result code to `.busy` (lock contention) or `.sqlite`.
    static func failure(code: Int32, message: String, sql: String) -> StoreError {
        let primary = code & 0xff
        if primary == SQLITE_BUSY || primary == SQLITE_LOCKED {
            return .busy(message: message, sql: StoreError.summarize(sql))
        }
        return .sqlite(code: code, message: message, sql: StoreError.summarize(sql))
    }
}
