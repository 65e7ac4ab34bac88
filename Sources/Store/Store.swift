import Foundation
import Synchronization

/// The server's SQLite database: one writer connection and a small pool of read-only connections
/// on the same WAL file, so reads run in parallel with each other and with the single writer.
///
/// Guarantees once `open` returns: the file exists, its schema is at `Migrations.latestVersion`,
/// and every connection has been opened and configured. Writes go through `writer` (one actor, so
/// they are serialised); reads may use `reader()`, which sees every committed write.
///
/// The file uses SQLite's rollback journal, not WAL: WAL's index is a memory-mapped `-shm` file,
/// and a write to that mapping that the kernel cannot back (an immutable file, a read-only or full
/// volume) kills the process with SIGBUS. With the journal every failure is an error code, so a
/// filesystem fault fails the call (`MCP_UNAVAILABLE`) and the server keeps serving. The price:
/// a commit briefly holds readers off (they wait, within the busy timeout), and each read
/// transaction takes a POSIX lock (about 10 µs). Readers still read in parallel, and other
/// processes (another server, `import`, `call`) may open the file at the same time.
///
/// `fileFault` (each `get_status`) checks that the file at `path` is still the one the connections
/// hold: a deleted file is reported (writes to it fail: SQLite refuses to write a file that is no
/// longer linked), and a file that appears at the path again is opened in its place.
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
    private let watch: Mutex<Watch>

    /// The file the connections hold, whether someone is reopening them, and that file and its
    /// folder held open for the write checks. The anchors are used and replaced only under the
    /// lock, so a check never asks about a descriptor that a reopening has closed.
    private struct Watch {
        var identity: DatabaseFile.Identity
        var reopening = false
        var anchors: DatabaseFile.Anchors?
    }
    private let reopenings = Atomic<Int>(0)

    private init(path: String, writer: SQLiteConnection, readers: [SQLiteConnection], inlineReader: InlineReader,
                 identity: DatabaseFile.Identity) {
        self.path = path
        self.writer = writer
        self.readers = readers
        self.inlineReader = inlineReader
        self.watch = Mutex(Watch(identity: identity, anchors: DatabaseFile.Anchors.hold(
            file: path, directory: Self.directory(of: path), identity: identity)))
    }

    deinit {
        watch.withLock { $0.anchors?.release() }
    }

    /// Opens (creating if needed) the database at `path`: creates missing parent directories with
    /// mode 0700, opens the writer, applies pending migrations (refusing a newer schema), then opens
    /// `readerCount` read-only connections (at least one) and the inline reader `probe` uses.
    /// Throws `StoreError` describing the first step that failed; nothing is left open on failure.
    public static func open(path: String, readerCount: Int = defaultReaderCount) async throws(StoreError) -> Store {
        try DatabaseDirectory.create(parentDirectory(of: path))
        let writer = try SQLiteConnection(path: path, readOnly: false)
        guard case .found(let identity) = DatabaseFile.identity(of: path) else {
            throw .cannotOpen(path: path, message: "the file vanished as it was opened")
        }
        _ = try await Migrator.migrate(writer)
        await settleKeptTotals(writer)
        var readers: [SQLiteConnection] = []
        for _ in 0..<max(1, readerCount) {
            readers.append(try SQLiteConnection(path: path, readOnly: true))
        }
        return Store(path: path, writer: writer, readers: readers, inlineReader: try InlineReader(path: path),
                     identity: identity)
    }

    /// Rebuilds the analysis totals of days other programs changed (see ``KeptSalesTotals``). A
    /// failure (another writer holding the lock) changes nothing a client sees: readers take dirty
    /// days from the rows, and the next batch or open settles them.
    private static func settleKeptTotals(_ writer: SQLiteConnection) async {
        guard let dirty = try? await writer.query("SELECT 1 FROM analysis_dirty_days LIMIT 1"), !dirty.isEmpty else { return }
        _ = try? await writer.transaction { db in try KeptSalesTotals.settle(on: db) }
    }

    /// Folds a write-ahead log into the database file, for an orderly shutdown. The store keeps no
    /// log (it uses the rollback journal), so this does nothing unless another program switched
    /// the file to WAL; harmless at any time.
    public func checkpoint() async {
        _ = try? await writer.query("PRAGMA wal_checkpoint(TRUNCATE)")
    }

    /// How many times the connections were reopened on a new file at `path` (see `fileFault`).
    /// Anything that caches what it read, or holds a connection of its own, must start afresh when
    /// this changes.
    public var fileGeneration: Int {
        reopenings.load(ordering: .acquiring)
    }

    /// Why the database cannot be written now, in product terms (no path, no SQL), or nil when
    /// nothing is wrong. Checked on the filesystem at each call: the file at `path` must still be
    /// the one the connections hold (a deleted file is a fault; a different file there is opened
    /// in its place, migrated if needed, before this returns), the file and its folder must be
    /// writable and its volume neither read-only nor full. Runs on the caller's thread unless it
    /// has to reopen the connections.
    nonisolated(nonsending) public func fileFault() async -> String? {
        let found: DatabaseFile.Identity
        switch DatabaseFile.identity(of: path) {
        case .missing:
            return "the database file has been deleted; writes are refused until it is restored"
        case .unreadable:
            return "the database file cannot be examined"
        case .found(let identity):
            found = identity
        }
        let claimed = watch.withLock { watch -> Bool? in
            guard watch.identity != found else { return nil }
            guard !watch.reopening else { return false }
            watch.reopening = true
            return true
        }
        switch claimed {
        case nil: break
        case false?: return "the database file was replaced and is being reopened"
        case true?:
            if let problem = await reopen(on: found) { return problem }
        }
        let anchored = watch.withLock { watch -> String?? in
            watch.anchors.map { DatabaseFile.writeProblem($0) }
        }
        return anchored ?? DatabaseFile.writeProblem(file: path, directory: directory)
    }

    /// Reopens every connection on the file now at `path`, whose identity is `identity`, and
    /// migrates it; the reason it failed, or nil.
    nonisolated(nonsending) private func reopen(on identity: DatabaseFile.Identity) async -> String? {
        var problem: String?
        do {
            try await writer.reopen()
            _ = try await Migrator.migrate(writer)
            for reader in readers {
                try await reader.reopen()
            }
            try inlineReader.reopen()
        } catch {
            problem = "the database file was replaced and the new one cannot be used: \(error.clientReason)"
        }
        let anchors = problem == nil ? DatabaseFile.Anchors.hold(file: path, directory: directory, identity: identity) : nil
        watch.withLock { watch in
            if problem == nil {
                watch.identity = identity
                watch.anchors?.release()
                watch.anchors = anchors
            }
            watch.reopening = false
        }
        if problem == nil { reopenings.add(1, ordering: .releasing) }
        return problem
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
    /// small read, in the same read transaction on the same connection. Runs on the caller's own thread, with no thread switch,
    /// when the inline reader is free and no lock is in its way; otherwise (a concurrent probe, or
    /// `.busy`) on a pooled reader's queue, where waiting for a lock does not hold a cooperative thread.
    nonisolated(nonsending) public func probe(_ sql: String, _ bindings: [SQLValue] = []) async throws(StoreError) -> Probe {
        if let probe = try inlineReader.ifAvailable({ handle throws(StoreError) in try Self.probe(handle, sql, bindings) }) {
            return probe
        }
        return try await reader().withHandle { handle throws(StoreError) in try Self.probe(handle, sql, bindings) }
    }

    /// The ping and `sql` share one read transaction: on the rollback journal each transaction
    /// costs a round of POSIX locks and journal checks (about 10 µs), so one is half the price of two.
    private static func probe(_ handle: SQLiteHandle, _ sql: String, _ bindings: [SQLValue]) throws(StoreError) -> Probe {
        let started = ContinuousClock.now
        try handle.step("BEGIN DEFERRED")
        do {
            try handle.ping()
            let latency = ContinuousClock.now - started
            let rows = try handle.query(sql, bindings)
            try handle.step("COMMIT")
            return Probe(latency: latency, rows: rows)
        } catch {
            if handle.isInTransaction { try? handle.step("ROLLBACK") }
            throw error
        }
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
        Self.directory(of: path)
    }

    private static func directory(of path: String) -> String {
        let parent = parentDirectory(of: path)
        return parent.isEmpty ? "." : parent
    }

    /// The directory part of `path`: "" for a bare file name (the working directory), "/" for a
    /// file at the root.
    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
