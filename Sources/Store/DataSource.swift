/// Where the tools read the stores' data: sales, items and categories. Two engines implement it:
/// the embedded SQLite store (this module) and a live LUStores PostgreSQL database (module
/// `PostgresStore`). The tools see only this protocol, so none of them knows an SQL dialect.
///
/// Guarantees every implementation gives:
/// - Each call reads one consistent snapshot: a page, its total and its summary agree.
/// - Money is exact (integer pence, never through binary floating point).
/// - Failures are thrown as a ``DataSourceFailure``, so a caller can tell "the database cannot be
///   used right now" from a fault in a query without knowing the engine.
public protocol DataSource: Sendable {
    /// The engine's name for logs and `get_status`, e.g. `sqlite` or `postgresql`.
    var engine: String { get }
    /// The page of sales `query` asks for, newest first, with the exact count and revenue of every
    /// matching sale.
    func salesPage(_ query: SalesQuery) async throws -> SalesPage
    /// The items matching `filter`, `limit` of them after `offset` (by name, then id), with the
    /// figures of every match and every category name.
    func inventoryPage(_ filter: InventoryFilter, offset: Int64, limit: Int) async throws -> InventoryPage
    /// The figures of the sales `query` matches, grouped as it asks (see ``SalesAnalysisQuery`` for
    /// what each figure counts), with the totals and extent of the whole filtered set.
    func salesAnalysis(_ query: SalesAnalysisQuery) async throws -> SalesAnalysis
    /// Every charge code, by code (byte order), with its validity as days.
    func chargeCodes() async throws -> [ChargeCodeRecord]
}

/// A failure of a ``DataSource``, whatever its engine.
public protocol DataSourceFailure: Error, Sendable, CustomStringConvertible {
    /// Whether the database cannot be reached or used right now (down, unreachable, timed out,
    /// locked, I/O error), as opposed to a fault in a query. Callers answer `MCP_UNAVAILABLE`
    /// for these and an internal error otherwise.
    var isUnavailable: Bool { get }
    /// What failed, in product terms a client may read (e.g. "the database file is damaged"):
    /// never a path, SQL text, a bound value or a password.
    var clientReason: String { get }
}
