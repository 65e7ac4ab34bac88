import Store

/// The tools' data read live from a LUStores PostgreSQL database.
///
/// Guarantees:
/// - Every call is one `BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ` transaction sent with its
///   statements and `COMMIT` in one round trip (libpq pipeline mode), on a pooled connection whose
///   session has `statement_timeout`, `lock_timeout`, `default_transaction_read_only` and
///   `application_name=lustores-mcp`; nothing is ever written.
/// - Blocking libpq work runs on each connection's own serial queue, never on Swift's cooperative
///   threads, and every wait is bounded by the connect or statement timeout.
/// - A failure is a ``PostgresError``; `isUnavailable` is true for connection failures, timeouts
///   and locks. A broken connection is replaced on the next call, so the same instance serves again
///   once the server is back.
/// - Creating one does no I/O; the first call connects.
public final class PostgresDataSource: DataSource {
    /// `postgresql`.
    public let engine = "postgresql"
    /// What this source connects to and how patiently.
    public let settings: PostgresSettings
    private let pool: ConnectionPool

    /// A source for `settings`; throws ``PostgresError/Code/invalidSettings`` when libpq cannot
    /// parse the connection string.
    public init(settings: PostgresSettings) throws(PostgresError) {
        try settings.validate()
        self.settings = settings
        pool = ConnectionPool(settings: settings)
    }

    /// The page of sales `query` asks for, by the LUStores contract: newest first by `created_at`
    /// then `id`; the charge code compared case-insensitively; the time bounds compared with
    /// `created_at` as naive UTC; revenue over `completed` and `paid` sales.
    public func salesPage(_ query: SalesQuery) async throws(PostgresError) -> SalesPage {
        let statements = PostgresQueries.sales(query)
        return try await pool.withConnection { connection throws(PostgresError) in
            try PostgresQueries.salesPage(try connection.transaction(statements))
        }
    }

    /// The analysis `query` asks for, by the same contract as ``salesPage(_:)``, in one read-only
    /// transaction; sums are exact in `numeric`.
    public func salesAnalysis(_ query: SalesAnalysisQuery) async throws(PostgresError) -> SalesAnalysis {
        let statements = PostgresQueries.analysis(query)
        return try await pool.withConnection { connection throws(PostgresError) in
            try PostgresQueries.analysisResult(try connection.transaction(statements), grouping: query.grouping)
        }
    }

    /// The items matching `filter` by `name, id`, with the figures of every match (stock value
    /// summed exactly in `numeric` and rounded once) and every category name.
    public func inventoryPage(_ filter: InventoryFilter, offset: Int64, limit: Int) async throws(PostgresError) -> InventoryPage {
        let statements = PostgresQueries.inventory(filter, offset: offset, limit: limit)
        return try await pool.withConnection { connection throws(PostgresError) in
            try PostgresQueries.inventoryPage(try connection.transaction(statements))
        }
    }

    /// Every row of `chargecodes` by code (byte order), `valid_from` and `valid_until` read as the
    /// dates of their stored (UTC) timestamps.
    public func chargeCodes() async throws(PostgresError) -> [ChargeCodeRecord] {
        try await read([PostgresQueries.chargeCodes]) { results, _ throws(PostgresError) in
            try PostgresQueries.chargeCodeRecords(results)
        }
    }

    /// A timed `SELECT 1` round trip on a connection kept for pings (connecting first if needed;
    /// the connect time is not counted).
    public func ping() async throws(PostgresError) -> Duration {
        try await pool.withPingConnection { connection throws(PostgresError) in try connection.ping() }
    }

    /// Whether the latest call or ping reached the server (false before the first).
    public var isConnected: Bool { pool.isConnected }

    /// Closes every connection. Calls after this fail with ``PostgresError/Code/closed``.
    public func close() async {
        await pool.close()
    }

    /// Runs `statements` in one read-only transaction and maps the rows with `decode`.
    func read<T: Sendable>(_ statements: [BoundStatement],
                           _ decode: @escaping @Sendable ([PGRows], Int) throws(PostgresError) -> T) async throws(PostgresError) -> T {
        try await pool.withConnection { connection throws(PostgresError) in
            try decode(try connection.transaction(statements), connection.serverVersion)
        }
    }
}
