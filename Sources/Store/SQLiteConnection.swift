import CSQLite

/// One SQLite connection (`sqlite3*`), owned by an actor so that exactly one task uses it at a time.
///
/// Guarantees:
/// - The handle is opened with `SQLITE_OPEN_NOMUTEX` (the actor serialises access) and without URI
///   filenames; a path that starts with `file:` is taken literally as a relative file name.
/// - `init` succeeds only if the file is a readable SQLite database (or a new, empty one).
/// - Read-write connections run with `journal_mode=DELETE` (a rollback journal: never WAL, whose
///   memory-mapped `-shm` index can kill the process with SIGBUS; see `SQLiteHandle.open`),
///   `synchronous=NORMAL`, `foreign_keys=ON`, `temp_store=MEMORY`; no connection maps the file
///   (`mmap_size=0`). Every connection waits up to `busyTimeoutMilliseconds` for a lock before
///   reporting `.busy`.
/// - After a statement fails with an I/O error, "corrupt" or "not a database", the next statement
///   outside a transaction runs on a freshly opened handle, so a repaired file is read afresh
///   rather than from stale cached pages.
/// - Statements are prepared once and cached (at most `StatementCache.capacity`), and are reset and
///   their bindings cleared after every use, so no statement holds a read transaction open.
/// - Its jobs run on a private serial queue, never on the cooperative thread pool.
/// - The handle is closed (`sqlite3_close_v2`) when the actor is released (see `SQLiteHandle`).
public actor SQLiteConnection {
    /// How long any statement waits for another connection's lock before failing with `.busy`.
    public static let busyTimeoutMilliseconds: Int32 = 5000
    /// Largest journal file a connection may keep on disk (`journal_size_limit`); ours delete
    /// theirs, so this bounds only a journal left in persistent mode by another program.
    public static let walSizeLimitBytes = 4 << 20

    /// The path this connection was opened with.
    public nonisolated let path: String
    /// Whether the connection only reads (`query_only`; see `SQLiteHandle.open`).
    public nonisolated let isReadOnly: Bool

    private let database: SQLiteHandle
    private var savepointDepth = 0
    private let executor: SQLiteExecutor

    /// Runs this actor's jobs on its private queue (see `SQLiteExecutor`).
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// Opens `path` read-write (creating the file if missing, configuring the rollback journal,
    /// `synchronous=NORMAL` and foreign keys) or for reading only (never creating it). Throws `.cannotOpen` with SQLite's message when the file cannot
    /// be opened or is not a database; the parent directory must already exist.
    public init(path: String, readOnly: Bool) throws(StoreError) {
        self.database = try SQLiteHandle.open(path: path, readOnly: readOnly, busyTimeoutMilliseconds: Self.busyTimeoutMilliseconds)
        self.path = path
        self.isReadOnly = readOnly
        self.executor = SQLiteExecutor(label: "lustores.sqlite.\(readOnly ? "reader" : "writer")")
    }

    /// Runs one or more `;`-separated statements that take no parameters (e.g. a migration script),
    /// discarding any rows. Stops at the first failing statement and throws its error.
    public func execute(_ sql: String) throws(StoreError) {
        try database.execute(sql)
    }

    /// Runs exactly one statement with `bindings` for its `?` parameters and returns every row, each
    /// value in SQLite's own storage class. Throws if the text holds more than one statement or the
    /// number of bindings differs from the number of parameters.
    public func query(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError) -> [[SQLValue]] {
        try database.query(sql, bindings)
    }

    /// Runs exactly one statement to completion, discarding any rows. `changes` is the number of rows
    /// that statement itself inserted, updated or deleted (0 for other statements); `lastRowID` is
    /// the rowid of the most recent successful INSERT on this connection.
    @discardableResult
    public func run(_ sql: String, _ bindings: [SQLValue] = []) throws(StoreError)
        -> (changes: Int, lastRowID: Int64)
    {
        try database.run(sql, bindings)
    }

    /// Runs `body` atomically: `BEGIN IMMEDIATE` (taking the write lock up front, waiting up to the
    /// busy timeout) and `COMMIT` when it returns, `ROLLBACK` when it throws, then rethrows its error
    /// unchanged. Called inside another transaction, it uses a savepoint instead, so an inner
    /// failure undoes only the inner work. `body` runs on this actor without suspending, so nothing
    /// else uses the connection meanwhile; it is `@Sendable`, so it captures only Sendable values.
    public func transaction<T: Sendable>(_ body: @Sendable (isolated SQLiteConnection) throws -> T) throws -> T {
        if database.isInTransaction {
            return try nestedTransaction(body)
        }
        return try inTransaction(begin: "BEGIN IMMEDIATE", body)
    }

    private func nestedTransaction<T: Sendable>(_ body: @Sendable (isolated SQLiteConnection) throws -> T) throws -> T {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "lustores_savepoint_\(savepointDepth)"
        try database.step("SAVEPOINT \(name)")
        do {
            let result = try body(self)
            try database.step("RELEASE \(name)")
            return result
        } catch {
            if database.isInTransaction {
                _ = try? database.step("ROLLBACK TO \(name)")
                _ = try? database.step("RELEASE \(name)")
            }
            throw error
        }
    }

    /// Runs `body` inside one read transaction (`BEGIN DEFERRED` … `COMMIT`), so every statement it
    /// runs sees the same committed snapshot of the database, even while another connection
    /// writes. Works on read-only connections. Inside an open transaction it just runs `body`.
    /// `body` runs on this actor without suspending.
    public func read<T: Sendable>(_ body: @Sendable (isolated SQLiteConnection) throws -> T) throws -> T {
        if database.isInTransaction {
            return try body(self)
        }
        return try inTransaction(begin: "BEGIN DEFERRED", body)
    }

    /// `begin`, then `body`, then `COMMIT`; `ROLLBACK` (if SQLite has not already rolled back) when
    /// anything throws, and the error rethrown unchanged.
    private func inTransaction<T: Sendable>(begin: String, _ body: @Sendable (isolated SQLiteConnection) throws -> T) throws -> T {
        try database.step(begin)
        do {
            let result = try body(self)
            try database.step("COMMIT")
            return result
        } catch {
            if database.isInTransaction {
                _ = try? database.step("ROLLBACK")
            }
            throw error
        }
    }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool {
        database.isInTransaction
    }

    /// Proves the database answers: `PRAGMA schema_version` opens a read transaction and reads the
    /// schema cookie from the file's header (a `SELECT 1` would succeed without touching the file).
    public func ping() throws(StoreError) {
        try database.ping()
    }

    /// Runs `body` with this connection in one hop to its queue: several statements that belong
    /// together cost one thread switch, not one each. Writes in `body` are not made atomic; use
    /// `transaction` for that.
    public func perform<T: Sendable>(_ body: @Sendable (isolated SQLiteConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        try body(self)
    }

    /// Drops the cached statements and pages and opens the file at `path` afresh (never creating
    /// it): for a file that was replaced at that path. Throws when it cannot be opened, keeping the
    /// old handle.
    func reopen() throws(StoreError) {
        try database.renew()
    }

    /// Number of prepared statements currently cached (at most `StatementCache.capacity`).
    var cachedStatementCount: Int { database.statements.count }

    /// Runs `body` with this connection's handle, on this actor (for code in this module that
    /// works on a handle whoever owns it, such as `Store.probe`).
    func withHandle<T: Sendable>(_ body: @Sendable (SQLiteHandle) throws(StoreError) -> T) throws(StoreError) -> T {
        try body(database)
    }
}
