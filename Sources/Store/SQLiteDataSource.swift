/// The embedded SQLite store as a ``DataSource``: sales from ``SalesQueries``, items from an
/// in-memory snapshot kept current by `PRAGMA data_version`.
///
/// Guarantees, beyond those of ``DataSource``:
/// - Sales: exact figures at any size, from the totals tables (see ``SalesQueries``); `charge_code`
///   matches exactly. The store holds only `completed` and `refunded` sales, so a `paid` filter
///   answers an empty page with zero figures.
/// - Items: every answer reflects every commit made before the call, by any connection or process;
///   `search` folds case for every script and `category` matches the name case-insensitively (above
///   ``snapshotItemLimit`` items, answered by SQL: ASCII case folding only). Items carry no VAT
///   fields (`vatRate` and `vatIncluded` are nil): the store keeps prices before VAT and the rate on
///   each sale line only.
/// - Failures are ``StoreError``s.
public final class SQLiteDataSource: DataSource {
    /// Most items held in memory (about 300 bytes each); above it, inventory answers come from SQL.
    public static let snapshotItemLimit: Int64 = 250_000

    /// `sqlite`.
    public let engine = "sqlite"
    /// The store read from.
    public let store: Store
    private let inventory: SQLiteInventory

    /// A data source over `store`; opens one read-only connection of its own for the inventory.
    public init(store: Store) throws(StoreError) {
        self.store = store
        inventory = try SQLiteInventory(store: store)
    }

    /// The page `query` asks for, read in one read transaction on one of the store's readers.
    public func salesPage(_ query: SalesQuery) async throws -> SalesPage {
        try await SalesQueries.page(query, in: store)
    }

    /// The analysis `query` asks for, read in one read transaction (see ``SalesAnalysisQueries``).
    public func salesAnalysis(_ query: SalesAnalysisQuery) async throws -> SalesAnalysis {
        try await SalesAnalysisQueries.analysis(query, in: store)
    }

    /// The items `filter` asks for, from the current snapshot (or SQL above the limit).
    public func inventoryPage(_ filter: InventoryFilter, offset: Int64, limit: Int) async throws -> InventoryPage {
        try await inventory.page(filter, offset: offset, limit: limit)
    }

    /// Every charge code, read in one read transaction (``InventoryQueries/chargeCodes(on:)``).
    public func chargeCodes() async throws -> [ChargeCodeRecord] {
        try await store.read { db throws(StoreError) in try InventoryQueries.chargeCodes(on: db) }
    }
}

extension StoreError: DataSourceFailure {
    /// SQLite primary result codes meaning the database itself cannot be used right now (I/O
    /// error, corrupt or not a database, cannot open, disk full, lock protocol, permission denied,
    /// read-only file or volume or a deleted file, authorisation), as opposed to a fault in a query.
    static let unavailableSQLiteCodes: Set<Int32> = [3, 8, 10, 11, 13, 14, 15, 23, 26]

    /// True when the database cannot be reached right now: it cannot be opened (or its directory
    /// made), it stayed locked past the busy timeout, or SQLite reports an I/O error, corruption,
    /// a full disk, a failed open or a lock-protocol failure. Anything else is a fault in a query.
    public var isUnavailable: Bool {
        switch self {
        case .cannotOpen, .cannotCreateDirectory, .busy:
            return true
        case .sqlite(let code, _, _):
            return Self.unavailableSQLiteCodes.contains(code & 0xff)
        case .migrationFailed, .schemaTooNew:
            return false
        }
    }
}
