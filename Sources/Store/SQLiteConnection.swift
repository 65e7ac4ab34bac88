import CSQLite

/// One SQLite connection (`sqlite3*`), owned by an actor so that exactly one task uses it at a time.
///
/// Guarantees:
/// - The handle is opened with `SQLITE_OPEN_NOMUTEX` (the actor serialises access) and without URI
///   filenames; a path that starts with `file:` is taken literally as a relative file name.
/// - `init` succeeds only if the file is a readable SQLite database (or a new, empty one).
/// - Read-write connections run with `journal_mode=WAL`, `synchronous=NORMAL`, `foreign_keys=ON`,
///   `temp_store=MEMORY`;
///   every connection waits up to `busyTimeoutMilliseconds` for a lock before reporting `.busy`.
/// - Statements are prepared once and cached (at most `StatementCache.capacity`), and are reset and
///   their bindings cleared after every use, so no statement holds a read transaction open.
/// - Its jobs run on a private serial queue, never on the cooperative thread pool.
/// - The handle is closed (`sqlite3_close_v2`) when the actor is released (see `SQLiteHandle`).
public actor SQLiteConnection {
    /// How long any statement waits for another connection's lock before failing with `.busy`.
    public static let busyTimeoutMilliseconds: Int32 = 5000
    /// Largest write-ahead log kept on disk after a checkpoint resets it (`journal_size_limit`).
    public static let walSizeLimitBytes = 4 << 20

    /// The path this connection was opened with.
    public nonisolated let path: String
    /// Whether the connection was opened `SQLITE_OPEN_READONLY`.
    public nonisolated let isReadOnly: Bool

    private let database: SQLiteHandle
    private var handle: OpaquePointer { database.pointer }
    private var savepointDepth = 0
    private let executor: SQLiteExecutor

    /// Runs this actor's jobs on its private queue (see `SQLiteExecutor`).
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// Opens `path` read-write (creating the file if missing, configuring WAL, `synchronous=NORMAL`
    /// and foreign keys) or read-only. Throws `.cannotOpen` with SQLite's message when the file cannot
    /// be opened or is not a database; the parent directory must already exist.
    public init(path: String, readOnly: Bool) throws(StoreError) {
        self.database = SQLiteHandle(try Self.openHandle(path: path, readOnly: readOnly))
        self.path = path
        self.isReadOnly = readOnly
        self.executor = SQLiteExecutor(label: "lustores.sqlite.\(readOnly ? "reader" : "writer")")
    }

    /// Runs one or more `;`-separated statements that take no parameters (e.g. a migration script),
    /// discarding any rows. Stops at the first failing statement and throws its error.
    public func execute(_ sql: String) throws(StoreError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard code == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? Self.message(handle)
            throw Self.failure(code: code, message: message, sql: sql)
        }
    }

    /// Runs exactly one statement with `bindings` for its `?` parameters and returns every row, each
    /// value in SQLite's own storage class. Throws if the text holds more than one statement or the
    /// number of bindings differs from the number of parameters.
    public func query(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> [[SQLValue]] {
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
                throw Self.failure(code: code, message: Self.message(handle), sql: sql)
            }
        }
    }

    /// Runs exactly one statement to completion, discarding any rows. `changes` is the number of rows
    /// that statement itself inserted, updated or deleted (0 for other statements); `lastRowID` is
    /// the rowid of the most recent successful INSERT on this connection.
    @discardableResult
    public func run(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError)
        -> (changes: Int, lastRowID: Int64)
    {
        let statement = try prepared(sql)
        defer { Self.finish(statement) }
        try statement.bind(bindings, sql: sql)
        let totalBefore = sqlite3_total_changes64(handle)
        var code = sqlite3_step(statement.pointer)
        while code == SQLITE_ROW {
            code = sqlite3_step(statement.pointer)
        }
        guard code == SQLITE_DONE else {
            throw Self.failure(code: code, message: Self.message(handle), sql: sql)
        }
        let changed = sqlite3_total_changes64(handle) != totalBefore ? Int(sqlite3_changes64(handle)) : 0
        return (changes: changed, lastRowID: sqlite3_last_insert_rowid(handle))
    }

    /// Runs `body` atomically: `BEGIN IMMEDIATE` (taking the write lock up front, waiting up to the
    /// busy timeout) and `COMMIT` when it returns, `ROLLBACK` when it throws, then rethrows its error
    /// unchanged. Called inside another transaction, it uses a savepoint instead, so an inner
    /// failure undoes only the inner work. `body` runs on this actor without suspending, so nothing
    /// else uses the connection meanwhile; it is `@Sendable`, so it captures only Sendable values.
    public func transaction<T: Sendable>(_ body: @Sendable (isolated SQLiteConnection) throws -> T) throws -> T {
        if sqlite3_get_autocommit(handle) == 0 {
            return try nestedTransaction(body)
        }
        return try inTransaction(begin: "BEGIN IMMEDIATE", body)
    }

    private func nestedTransaction<T: Sendable>(_ body: @Sendable (isolated SQLiteConnection) throws -> T) throws -> T {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "lustores_savepoint_\(savepointDepth)"
        try step("SAVEPOINT \(name)")
        do {
            let result = try body(self)
            try step("RELEASE \(name)")
            return result
        } catch {
            if sqlite3_get_autocommit(handle) == 0 {
                _ = try? step("ROLLBACK TO \(name)")
                _ = try? step("RELEASE \(name)")
            }
            throw error
        }
    }

    /// Runs `body` inside one read transaction (`BEGIN DEFERRED` … `COMMIT`), so every statement it
    /// runs sees the same committed snapshot of the database, even while another connection
    /// writes. Works on read-only connections. Inside an open transaction it just runs `body`.
    /// `body` runs on this actor without suspending.
    public func read<T: Sendable>(_ body: @Sendable (isolated SQLiteConnection) throws -> T) throws -> T {
        if sqlite3_get_autocommit(handle) == 0 {
            return try body(self)
        }
        return try inTransaction(begin: "BEGIN DEFERRED", body)
    }

    /// `begin`, then `body`, then `COMMIT`; `ROLLBACK` (if SQLite has not already rolled back) when
    /// anything throws, and the error rethrown unchanged.
    private func inTransaction<T: Sendable>(begin: String, _ body: @Sendable (isolated SQLiteConnection) throws -> T) throws -> T {
        try step(begin)
        do {
            let result = try body(self)
            try step("COMMIT")
            return result
        } catch {
            if sqlite3_get_autocommit(handle) == 0 {
                _ = try? step("ROLLBACK")
            }
            throw error
        }
    }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool {
        sqlite3_get_autocommit(handle) == 0
    }

    /// Proves the database answers: `PRAGMA schema_version` opens a read transaction and reads the
    /// schema cookie from the file's header (a `SELECT 1` would succeed without touching the file).
    public func ping() throws(StoreError) {
        let sql = "PRAGMA schema_version"
        let rows = try query(sql)
        guard rows.count == 1, rows[0].first?.intValue != nil else {
            throw .sqlite(code: SQLITE_ERROR, message: "no schema version in the file header", sql: sql)
        }
    }

    /// Runs `body` with this connection in one hop to its queue: several statements that belong
    /// together cost one thread switch, not one each. Writes in `body` are not made atomic; use
    /// `transaction` for that.
    public func perform<T: Sendable>(_ body: @Sendable (isolated SQLiteConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        try body(self)
    }

    /// Number of prepared statements currently cached (at most `StatementCache.capacity`).
    var cachedStatementCount: Int { database.statements.count }

    // MARK: - Statements

    private func step(_ sql: String) throws(StoreError) {
        let statement = try prepared(sql)
        defer { Self.finish(statement) }
        let code = sqlite3_step(statement.pointer)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw Self.failure(code: code, message: Self.message(handle), sql: sql)
        }
    }

    /// The cached statement for `sql`, preparing and caching it first if needed. Rejects text that
    /// holds no statement or more than one.
    private func prepared(_ sql: String) throws(StoreError) -> Statement {
        if let cached = database.statements.lookup(sql) {
            return Statement(pointer: cached)
        }
        var statement: OpaquePointer?
        var trailingStatement = false
        let code = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v3(handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
            if code == SQLITE_OK, let tail, tail.pointee != 0 {
                // Anything but whitespace and comments after the first statement is a second one.
                var extra: OpaquePointer?
                let extraCode = sqlite3_prepare_v2(handle, tail, -1, &extra, nil)
                trailingStatement = extraCode != SQLITE_OK || extra != nil
                sqlite3_finalize(extra)
            }
            return code
        }
        guard code == SQLITE_OK else {
            throw Self.failure(code: code, message: Self.message(handle), sql: sql)
        }
        guard let statement, !trailingStatement else {
            sqlite3_finalize(statement)
            let message = statement == nil
                ? "no SQL statement in the text"
                : "more than one statement; query() and run() take one, execute() takes a script"
            throw .sqlite(code: SQLITE_MISUSE, message: message, sql: StoreError.summarize(sql))
        }
        database.statements.insert(statement, for: sql)
        return Statement(pointer: statement)
    }

    /// Returns a used statement to its initial state so it holds no locks and no bound values.
    private static func finish(_ statement: Statement) {
        sqlite3_reset(statement.pointer)
        sqlite3_clear_bindings(statement.pointer)
    }

    // MARK: - Opening

    private static func openHandle(path: String, readOnly: Bool) throws(StoreError) -> OpaquePointer {
        // Debian builds SQLite with URI filenames on globally; "./" keeps a "file:" name literal.
        let filename = path.hasPrefix("file:") ? "./" + path : path
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(filename, &opened, flags, nil)
        guard code == SQLITE_OK, let handle = opened else {
            let message = opened.map(Self.message) ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(opened)
            throw .cannotOpen(path: path, message: message)
        }
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
        // Reading the schema forces SQLite to read the file header, so a file that is not a
        // database fails here rather than on the first query.
        var script = "SELECT count(*) FROM sqlite_schema;"
        if !readOnly {
            // temp_store MEMORY keeps statement journals (written for every statement that fires a
            // trigger or checks a foreign key) off temporary files: millions of pwrite calls in a bulk load.
            // journal_size_limit: a checkpoint that resets the WAL also truncates it to this size,
            // so the next process to open the file does not replay a large stale log at start-up.
            script += "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"
            script += " PRAGMA journal_size_limit = \(walSizeLimitBytes);"
        }
        var errorMessage: UnsafeMutablePointer<CChar>?
        let setup = sqlite3_exec(handle, script, nil, nil, &errorMessage)
        let message = errorMessage.map { String(cString: $0) } ?? Self.message(handle)
        sqlite3_free(errorMessage)
        guard setup == SQLITE_OK else {
            sqlite3_close_v2(handle)
            throw .cannotOpen(path: path, message: "\(message) (SQLite error \(setup))")
        }
        return handle
    }

    // MARK: - Errors

    private static func message(_ handle: OpaquePointer) -> String {
        String(cString: sqlite3_errmsg(handle))
    }

    /// Maps a failing result code to `.busy` (lock contention) or `.sqlite`.
    private static func failure(code: Int32, message: String, sql: String) -> StoreError {
        let primary = code & 0xff
        if primary == SQLITE_BUSY || primary == SQLITE_LOCKED {
            return .busy(message: message, sql: StoreError.summarize(sql))
        }
        return .sqlite(code: code, message: message, sql: StoreError.summarize(sql))
    }
}
