import CSQLite

/// Owns one open `sqlite3*` and its cached prepared statements, runs statements on it
/// synchronously, and releases both when it is released: statements finalized, then the handle
/// closed with `sqlite3_close_v2`.
///
/// Not Sendable: each handle has exactly one owner that serialises every use of it — a
/// `SQLiteConnection` actor (its isolation) or an `InlineReader` (its mutex). The handle was opened
/// `SQLITE_OPEN_NOMUTEX`, so that owner is the only thing keeping two threads out of SQLite at once.
final class SQLiteHandle {
    /// The open connection; replaced by `renew`.
    private(set) var pointer: OpaquePointer
    /// Statements prepared on `pointer`.
    private(set) var statements = StatementCache()
    /// How `pointer` was opened, so that `renew` can open the same file the same way.
    private let path: String
    private let readOnly: Bool
    private let busyTimeoutMilliseconds: Int32
    /// A statement failed in a way that may leave stale state behind: pages read from a damaged
    /// file stay in the page cache (SQLite trusts its cache until the file's change counter
    /// moves, which restoring the damaged bytes does not do), and a descriptor that saw an I/O
    /// error may stay broken. The next statement outside a transaction first renews the handle.
    private var needsRenewal = false

    /// Takes ownership of an open connection to `path`.
    private init(_ pointer: OpaquePointer, path: String, readOnly: Bool, busyTimeoutMilliseconds: Int32) {
        self.pointer = pointer
        self.path = path
        self.readOnly = readOnly
        self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(pointer)
    }

    /// Opens `path` read-write (creating the file if missing, in rollback-journal mode,
    /// `synchronous=NORMAL`, foreign keys, `temp_store=MEMORY` and `journal_size_limit`) or for
    /// reading only, with SQLite's extended result codes, no memory mapping, and the given busy
    /// timeout. Throws `.cannotOpen` with SQLite's message when the file cannot be opened or is not a
    /// database; the parent directory must already exist and a reading handle never creates the file.
    ///
    /// Why no WAL: a WAL database keeps its index in the `-shm` file, memory-mapped and shared by
    /// every connection. When the kernel cannot back a write to that mapping (the file made
    /// immutable, its volume remounted read-only or out of space, the file truncated), the process
    /// gets SIGBUS and dies; no error code exists to catch. The rollback journal does all its I/O
    /// with read and write calls, which fail with an error the store reports (`MCP_UNAVAILABLE`).
    /// WAL without shared memory (`locking_mode=EXCLUSIVE`, the `unix-excl` VFS) would lock every
    /// other process out of the file, and other processes (a second server, `import`, `call`) are
    /// meant to share it. `mmap_size=0` keeps reads of the database file off mappings too.
    ///
    /// A reading handle is opened read-write when the file allows it, with `query_only` on: it
    /// still cannot write, but it can roll back the hot journal a killed writer left behind, where
    /// a `SQLITE_OPEN_READONLY` handle would fail until some writer came along.
    static func open(path: String, readOnly: Bool, busyTimeoutMilliseconds: Int32) throws(StoreError) -> SQLiteHandle {
        let pointer = try connect(path: path, readOnly: readOnly, create: !readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        return SQLiteHandle(pointer, path: path, readOnly: readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
    }

    /// Replaces the connection with a new one to the same path, opened the same way but never
    /// creating the file: every cached statement and cached page is dropped. On failure the old
    /// connection is kept and the error thrown. Must not be called inside a transaction.
    func renew() throws(StoreError) {
        let fresh = try Self.connect(path: path, readOnly: readOnly, create: false, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        statements.removeAll()
        sqlite3_close_v2(pointer)
        pointer = fresh
        needsRenewal = false
    }

    /// Renews the connection if a failure asked for it, or if a read-write handle could only open
    /// the file read-only (its volume was read-only then, and may not be now), and no transaction
    /// is open; a failed renewal leaves the old connection in place (its next failure says what is
    /// wrong).
    private func renewIfNeeded() {
        guard needsRenewal || (!readOnly && sqlite3_db_readonly(pointer, "main") == 1), !isInTransaction else { return }
        try? renew()
    }

    /// Opens and configures one `sqlite3*` (see `open`); closes it again if configuring fails.
    private static func connect(path: String, readOnly: Bool, create: Bool, busyTimeoutMilliseconds: Int32) throws(StoreError) -> OpaquePointer {
        // Debian builds SQLite with URI filenames on globally; "./" keeps a "file:" name literal.
        let filename = path.hasPrefix("file:") ? "./" + path : path
        // Without CREATE a missing file fails; when the file or its volume is read-only, SQLite
        // falls back to opening it read-only by itself.
        let flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE | SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(filename, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let message = opened.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(opened)
            throw .cannotOpen(path: path, message: message)
        }
        sqlite3_extended_result_codes(opened, 1)
        sqlite3_busy_timeout(opened, busyTimeoutMilliseconds)
        var script = "PRAGMA mmap_size = 0;"
        if readOnly {
            script += " PRAGMA query_only = ON;"
        } else {
            // A file left in WAL mode (by an older build, or the benchmark kit) is converted. With
            // locking_mode EXCLUSIVE set first, SQLite keeps that file's WAL index in this
            // connection's heap instead of mapping its -shm file; NORMAL takes effect once the
            // journal mode is no longer WAL, at the next statement.
            script += " PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = DELETE; PRAGMA locking_mode = NORMAL;"
        }
        // Reading the file header here makes a file that is not a database fail at open rather
        // than at the first query. The writer reads the whole schema (the migrations need it);
        // a reader reads only the header's schema cookie and parses the schema, triggers and all,
        // at its first query: start-up opens several readers and would otherwise wait for each
        // to parse it (measured: 28 → 10 ms of CPU for a cold `serve`).
        script += readOnly ? " PRAGMA schema_version;" : " SELECT count(*) FROM sqlite_schema;"
        if !readOnly {
            // temp_store MEMORY keeps statement journals (written for every statement that fires a
            // trigger or checks a foreign key) off temporary files: millions of pwrite calls in a bulk load.
            // journal_size_limit bounds a journal file that a connection keeps (never ours: DELETE).
            script += " PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY;"
            script += " PRAGMA journal_size_limit = \(SQLiteConnection.walSizeLimitBytes);"
        }
        var errorMessage: UnsafeMutablePointer<CChar>?
        let setup = sqlite3_exec(opened, script, nil, nil, &errorMessage)
        let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(opened))
        sqlite3_free(errorMessage)
        guard setup == SQLITE_OK else {
            sqlite3_close_v2(opened)
            throw .cannotOpen(path: path, message: "\(message) (SQLite error \(setup))")
        }
        return opened
    }

    /// Runs a `;`-separated script that takes no parameters, discarding any rows; stops at the first
    /// failing statement and throws its error.
    func execute(_ sql: String) throws(StoreError) {
        renewIfNeeded()
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(pointer, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        guard code == SQLITE_OK else {
            let message = errorMessage.map { String(cString: $0) } ?? message
            throw failure(code: code, message: message, sql: sql)
        }
    }

    /// Runs exactly one statement with `bindings` and returns every row.
    func query(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> [[SQLValue]] {
        renewIfNeeded()
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
                throw failure(code: code, message: message, sql: sql)
            }
        }
    }

    /// Runs exactly one statement to completion, discarding rows; see `SQLiteConnection.run`.
    func run(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> (changes: Int, lastRowID: Int64) {
        renewIfNeeded()
        let statement = try prepared(sql)
        defer { Self.finish(statement) }
        try statement.bind(bindings, sql: sql)
        let totalBefore = sqlite3_total_changes64(pointer)
        var code = sqlite3_step(statement.pointer)
        while code == SQLITE_ROW {
            code = sqlite3_step(statement.pointer)
        }
        guard code == SQLITE_DONE else {
            throw failure(code: code, message: message, sql: sql)
        }
        let changed = sqlite3_total_changes64(pointer) != totalBefore ? Int(sqlite3_changes64(pointer)) : 0
        return (changes: changed, lastRowID: sqlite3_last_insert_rowid(pointer))
    }

    /// Runs one statement that needs no parameters, stepping it once (BEGIN, COMMIT, SAVEPOINT…).
    func step(_ sql: String) throws(StoreError) {
        renewIfNeeded()
        let statement = try prepared(sql)
        defer { Self.finish(statement) }
        let code = sqlite3_step(statement.pointer)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw failure(code: code, message: message, sql: sql)
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
            throw failure(code: code, message: message, sql: sql)
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

    /// SQLite primary result codes after which the connection is renewed: I/O error, corrupt,
    /// not a database (see `needsRenewal`), read-only (a file whose mode or volume changed).
    static let renewingCodes: Set<Int32> = [SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_READONLY]

    /// `failure`, noting that the connection must be renewed when the code says the file
    /// misbehaved.
    private func failure(code: Int32, message: String, sql: String) -> StoreError {
        if Self.renewingCodes.contains(code & 0xff) {
            needsRenewal = true
        }
        return Self.failure(code: code, message: message, sql: sql)
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
