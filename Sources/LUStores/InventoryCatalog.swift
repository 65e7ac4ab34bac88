import JSONRPC
import MCP
import Store

/// The items of the store, as `get_inventory` shows them.
///
/// Guarantees:
/// - Answers are exact and current: the catalogue keeps the items in memory (an
///   `InventorySnapshot`) and checks `PRAGMA data_version` on its own read-only connection before
///   every call, so any commit by any connection or process since the snapshot was read makes the
///   call reload it first. Counts and `stock_value` (Σ price × stock, exact, rounded half-up to the
///   penny) cover every matching item.
/// - Items sort by `name, id`; `categories` lists every category by name; `search` matches name or
///   SKU containing the text, case-insensitively; `low_stock` means `stock ≤ minimum_stock`;
///   inactive items only with `include_inactive`.
/// - A catalogue above ``snapshotItemLimit`` items is not held in memory: calls are answered by SQL
///   on the store's readers instead (same answers; case folding of ASCII letters only).
/// - Concurrent calls filter the shared snapshot in parallel; at most one reload runs at a time.
public actor InventoryCatalog {
    /// Most items held in memory (about 300 bytes each).
    public static let snapshotItemLimit: Int64 = 250_000

    private let store: Store
    private let connection: SQLiteConnection
    private let logger: Logger?
    private var snapshot: InventorySnapshot?
    /// The data version at which the catalogue was found to be above the limit.
    private var oversizedAtVersion: Int64?
    private var loading: Task<Loaded, any Error>?

    private enum Loaded: Sendable {
        case snapshot(InventorySnapshot)
        case oversized(dataVersion: Int64)
    }

    /// A catalogue over `store`, with its own read-only connection to the store's file.
    public init(store: Store, logger: Logger? = nil) throws(StoreError) {
        self.store = store
        self.logger = logger
        connection = try SQLiteConnection(path: store.path, readOnly: true)
    }

    /// The `get_inventory` result for `arguments`, or its tool error.
    public nonisolated func inventory(_ arguments: JSONObject) async -> ToolOutcome {
        let request: InventoryArguments
        do {
            request = try InventoryArguments(arguments)
        } catch {
            return error.outcome
        }
        do {
            let page = try await page(request.filter, offset: request.offset, limit: request.limit)
            return .success(Self.json(page, request: request))
        } catch {
            return ToolError.store(error, while: "reading the inventory", logger: logger).outcome
        }
    }

    /// The items matching `filter`, `limit` of them after `offset`, with the figures of all matches.
    public nonisolated func page(_ filter: InventoryFilter, offset: Int64, limit: Int) async throws(StoreError) -> InventoryPage {
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

    /// Reads every item in one read transaction, the data version first (so a commit racing the
    /// read can only make the snapshot look older than it is, which costs a reload, never an
    /// answer from stale rows).
    private static func load(_ db: isolated SQLiteConnection) throws(StoreError) -> Loaded {
        let version = try dataVersion(db)
        let count = try db.query("SELECT COUNT(*) FROM items").first?.first?.intValue ?? 0
        if count > snapshotItemLimit { return .oversized(dataVersion: version) }
        let all = try InventoryQueries.all(on: db)
        return .snapshot(InventorySnapshot(dataVersion: version, items: all.items, categories: all.categories))
    }

    private static func dataVersion(_ db: isolated SQLiteConnection) throws(StoreError) -> Int64 {
        guard let version = try db.query("PRAGMA data_version").first?.first?.intValue else {
            throw .sqlite(code: 20, message: "PRAGMA data_version returned no integer", sql: "PRAGMA data_version")
        }
        return version
    }

    /// `{"items":[…],"categories":[…],"pagination":{…},"summary":{…}}`.
    static func json(_ page: InventoryPage, request: InventoryArguments) -> JSONValue {
        let items: [JSONValue] = page.items.map { item in
            .object(JSONObject([
                ("id", .string(Self.itemID(item.id))),
                ("sku", .string(item.sku)),
                ("name", .string(item.name)),
                ("category", .string(item.category)),
                ("stock", .double(item.stock)),
                ("minimum_stock", .double(item.minimumStock)),
                ("unit", .string(item.unit)),
                ("location", .string(item.location)),
                ("price", Money.pounds(item.pricePence)),
                ("low_stock", .bool(item.isLowOnStock)),
            ]))
        }
        return .object(JSONObject([
            ("items", .array(items)),
            ("categories", .array(page.categories.map { .string($0) })),
            ("pagination", .object(JSONObject([
                ("total", .integer(page.total)), ("page", .integer(request.page)), ("limit", .integer(Int64(request.limit))),
            ]))),
            ("summary", .object(JSONObject([
                ("item_count", .integer(page.total)), ("low_stock_count", .integer(page.lowStockCount)),
                ("stock_value", Money.pounds(page.stockValuePence)),
            ]))),
        ]))
    }

    /// `item_001`: the id with at least three digits.
    static func itemID(_ id: Int64) -> String {
        let digits = String(id.magnitude)
        return "item_" + (id < 0 ? "-" : "") + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}
