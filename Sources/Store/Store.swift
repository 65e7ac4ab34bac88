import Foundation
import Synchronization

/// The server's SQLite database: one writer connection and a small pool of read-only connections
/// on the same WAL file, so reads run in parallel with each other and with the single writer.
///
/// Guarantees once `open` returns: the file exists, its schema is at `Migrations.latestVersion`,
/// and every connection has been opened and configured. Writes go through `writer` (one actor, so
/// they are serialised); reads may use `reader()`, which sees every committed write.
public final class Store: Sendable {
    /// Read-only connections opened by default: one per core of the target machine (2). SQLite
    /// reads are CPU-bound once the pages are cached, so more readers than cores gain nothing.
    public static let defaultReaderCount = 2
    /// Directory under the data home that holds the database.
    public static let applicationDirectoryName = "lustores-mcp"
    /// File name of the default database.
    public static let databaseFileName = "store.sqlite"

    /// The database file's path, as given to `open`.
    public let path: String
    /// The only read-write connection. Use its `transaction` for anything that writes twice.
    public let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let nextReader = Atomic<Int>(0)
    let inlineReader: InlineReader

    private init(path: String, writer: SQLiteConnection, readers: [SQLiteConnection], inlineReader: InlineReader) {
        self.path = path
        self.writer = writer
        self.readers = readers
        self.inlineReader = inlineReader
    }

    /// Opens (creating if needed) the database at `path`: creates missing parent directories with
    /// mode 0700, opens the writer, applies pending migrations (refusing a newer schema), then opens
    /// `readerCount` read-only connections (at least one) and the inline reader `probe` uses.
    /// Throws `StoreError` describing the first step that failed; nothing is left open on failure.
    public static func open(path: String, readerCount: Int = defaultReaderCount) async throws(StoreError) -> Store {
        try DatabaseDirectory.create(parentDirectory(of: path))
        let writer = try SQLiteConnection(path: path, readOnly: false)
        let applied = try await Migrator.migrate(writer)
        if !applied.isEmpty {
            // A migration may rewrite much of the file through the log: fold it back now, once,
            // rather than have every later start-up replay it.
            try await writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        var readers: [SQLiteConnection] = []
        for _ in 0..<max(1, readerCount) {
            readers.append(try SQLiteConnection(path: path, readOnly: true))
        }
        return Store(path: path, writer: writer, readers: readers, inlineReader: try InlineReader(path: path))
    }

    /// Folds the write-ahead log into the database file and truncates it, so the next process to
    /// open the file starts without replaying it. For an orderly shutdown; harmless at any time
    /// (readers in flight only make it partial).
    public func checkpoint() async {
        _ = try? await writer.query("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// A read-only connection, taken round-robin from the pool. It cannot write: writes through it
    /// fail with SQLite's read-only error.
    public func reader() -> SQLiteConnection {
        let ticket = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        return readers[Int(UInt(bitPattern: ticket) % UInt(readers.count))]
    }

    /// Runs `body` in one read transaction on a reader (see `SQLiteConnection.read`), so all it
    /// reads comes from one committed snapshot.
    public func read<T: Sendable>(
        _ body: @escaping @Sendable (isolated SQLiteConnection) throws(StoreError) -> T
    ) async throws(StoreError) -> T {
        do {
            return try await reader().read { db in try body(db) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .sqlite(code: 1, message: "\(error)", sql: "read transaction")  // body throws only StoreError
        }
    }

    /// What `probe` found.
    public struct Probe: Sendable {
        /// How long the timed ping took: a read transaction that reads the file header.
        public let latency: Duration
        /// The rows of the probe's query.
        public let rows: [[SQLValue]]
    }

    /// Proves the database answers with a timed ping (`PRAGMA schema_version`), then runs `sql`, a
    /// small read, on the same connection. Runs on the caller's own thread, with no thread switch,
    /// when the inline reader is free and no lock is in its way; otherwise (a concurrent probe, or
    /// `.busy`) on a pooled reader's queue, where waiting for a lock does not hold a cooperative thread.
    nonisolated(nonsending) public func probe(_ sql: String, _ bindings: [SQLValue] = []) async throws(StoreError) -> Probe {
        if let probe = try inlineReader.ifAvailable({ handle throws(StoreError) in try Self.probe(handle, sql, bindings) }) {
            return probe
        }
        return try await reader().withHandle { handle throws(StoreError) in try Self.probe(handle, sql, bindings) }
    }

    private static func probe(_ handle: SQLiteHandle, _ sql: String, _ bindings: [SQLValue]) throws(StoreError) -> Probe {
        let started = ContinuousClock.now
        try handle.ping()
        let latency = ContinuousClock.now - started
        return Probe(latency: latency, rows: try handle.query(sql, bindings))
    }

    /// The schema version recorded in the file (`MAX(version)` of `schema_version`).
    public func schemaVersion() async throws(StoreError) -> Int {
        try await Migrator.currentVersion(reader())
    }

    /// Where the database lives when none is configured, per the XDG Base Directory spec:
    /// `$XDG_DATA_HOME/lustores-mcp/store.sqlite` when `XDG_DATA_HOME` is an absolute path
    /// (an empty or relative value is ignored, as the spec requires), otherwise
    /// `$HOME/.local/share/lustores-mcp/store.sqlite`, falling back to the account's home
    /// directory when `HOME` is unset or empty. Reads nothing but `environment` unless that fallback
    /// is needed; creates nothing.
    public static func defaultPath(environment: [String: String]) -> String {
        let dataHome: String
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            dataHome = xdg
        } else {
            var home = environment["HOME"] ?? ""
            if home.isEmpty {
                home = FileManager.default.homeDirectoryForCurrentUser.path
            }
            dataHome = withoutTrailingSlashes(home) + "/.local/share"
        }
        return withoutTrailingSlashes(dataHome) + "/" + applicationDirectoryName + "/" + databaseFileName
    }

    private static func withoutTrailingSlashes(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.hasSuffix("/") {
            trimmed = trimmed.dropLast()
        }
        return String(trimmed)
    }

    /// The folder holding the database file ("." when `path` is a bare file name).
    public var directory: String {
        let parent = Self.parentDirectory(of: path)
        return parent.isEmpty ? "." : parent
    }

    /// The directory part of `path`: "" for a bare file name (the working directory), "/" for a
    /// file at the root.
    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
