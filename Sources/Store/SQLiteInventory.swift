/// The items of the embedded store, as ``SQLiteDataSource`` serves them.
///
/// Guarantees:
/// - Answers are exact and current: the items are kept in memory (an ``InventorySnapshot``) and
///   `PRAGMA data_version` is checked on a read-only connection of its own before every call, so
///   any commit by any connection or process since the snapshot was read makes the call reload it
///   first. When the store reopens its connections on a new file at its path (``Store/fileGeneration``
///   changed), this connection is reopened too and the snapshot dropped, so a replaced file is never
///   answered from the old one. Counts and the stock value (Σ price × stock, exact, rounded half-up to the penny) cover
///   every matching item.
/// - A catalogue above ``SQLiteDataSource/snapshotItemLimit`` items is not held in memory: calls are
///   answered by SQL on the store's readers instead (same answers; case folding of ASCII letters only).
/// - Concurrent calls filter the shared snapshot in parallel; at most one reload runs at a time.
actor SQLiteInventory {
    private let store: Store
    private let connection: SQLiteConnection
    private var snapshot: InventorySnapshot?
    /// The data version at which the catalogue was found to be above the limit.
    private var oversizedAtVersion: Int64?
    private var loading: Task<Loaded, any Error>?
    /// The store's file generation `connection` is open on.
    private var generation: Int

    private enum Loaded: Sendable {
        case snapshot(InventorySnapshot)
        case oversized(dataVersion: Int64)
    }

    /// The inventory of `store`, with its own read-only connection to the store's file.
    init(store: Store) throws(StoreError) {
        self.store = store
        generation = store.fileGeneration
        connection = try SQLiteConnection(path: store.path, readOnly: true)
    }

    /// The items matching `filter`, `limit` of them after `offset`, with the figures of all matches.
    nonisolated func page(_ filter: InventoryFilter, offset: Int64, limit: Int) async throws(StoreError) -> InventoryPage {
        if let snapshot = try await currentSnapshot() {
            return snapshot.page(filter, offset: offset, limit: limit)
        }
        return try await store.read { db throws(StoreError) in
            try InventoryQueries.page(filter, offset: offset, limit: limit, on: db)
        }
    }

    /// The snapshot of the database as it is now (reloaded if anything was committed since it was
    /// read), or nil when the catalogue is above the limit.
    func currentSnapshot() async throws(StoreError) -> InventorySnapshot? {
        try await followReplacedFile()
        let loadedGeneration = generation
        let version = try await Self.dataVersion(connection)
        if let snapshot, snapshot.dataVersion == version { return snapshot }
        if oversizedAtVersion == version { return nil }
        let task: Task<Loaded, any Error>
        if let loading {
            task = loading
        } else {
            let connection = self.connection
            task = Task { try await connection.read { db in try Self.load(db) } }
            loading = task
        }
        let loaded: Loaded
        do {
            loaded = try await task.value
        } catch {
            if loading == task { loading = nil }
            throw error as? StoreError ?? .sqlite(code: 1, message: "\(error)", sql: "load inventory")
        }
        if loading == task { loading = nil }
        // Read from a file the store has since replaced: answer it (it was current when asked),
        // but keep nothing of it.
        guard loadedGeneration == generation else {
            if case .snapshot(let fresh) = loaded { return fresh }
            return nil
        }
        switch loaded {
        case .snapshot(let fresh):
            if fresh.dataVersion >= (snapshot?.dataVersion ?? .min) { snapshot = fresh }
            oversizedAtVersion = nil
            return fresh
        case .oversized(let at):
            snapshot = nil
            oversizedAtVersion = at
            return nil
        }
    }

    /// Reopens the connection, forgetting the snapshot, when the store has moved to a new file at
    /// its path since the connection was opened (a data version counts commits on one file only).
    private func followReplacedFile() async throws(StoreError) {
        let current = store.fileGeneration
        guard current != generation else { return }
        try await connection.reopen()
        generation = current
        snapshot = nil
        oversizedAtVersion = nil
        loading = nil
    }

    /// Reads every item in one read transaction, the data version first (so a commit racing the
    /// read can only make the snapshot look older than it is, which costs a reload, never an
    /// answer from stale rows).
    private static func load(_ db: isolated SQLiteConnection) throws(StoreError) -> Loaded {
        let version = try dataVersion(db)
        let count = try db.query("SELECT COUNT(*) FROM items").first?.first?.intValue ?? 0
        if count > SQLiteDataSource.snapshotItemLimit { return .oversized(dataVersion: version) }
        let all = try InventoryQueries.all(on: db)
        return .snapshot(InventorySnapshot(dataVersion: version, items: all.items, categories: all.categories))
    }

    private static func dataVersion(_ db: isolated SQLiteConnection) throws(StoreError) -> Int64 {
        guard let version = try db.query("PRAGMA data_version").first?.first?.intValue else {
            throw .sqlite(code: 20, message: "PRAGMA data_version returned no integer", sql: "PRAGMA data_version")
        }
        return version
    }
}
