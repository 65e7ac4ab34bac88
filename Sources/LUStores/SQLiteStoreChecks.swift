import MCP
import Store
import TestExecution

/// The checks of the built-in suites on the SQLite store: real checks of its data, one per name.
///
/// `sales`: every sale's totals equal the sum of its lines; every line's VAT is its subtotal × rate
/// rounded half-up to the penny; every sale's charge code exists; no item has negative stock; no
/// sale is dated in the future. `system`: `PRAGMA integrity_check` and `foreign_key_check` are
/// clean; the schema is at this build's version; the database's volume is used no more than the
/// disk threshold. Checks are single SQL aggregates (one pass each, fine on a million sales) on a
/// connection of their own, so they never hold up `get_status` or the tools' readers; a failing
/// check names at most ``maxReportedOffenders`` offending records.
public struct SQLiteStoreChecks: StoreChecks {
    /// Offending record ids named in one failure message.
    public static let maxReportedOffenders = 10

    /// The store checked.
    public let store: Store
    /// Percent of the database's volume in use above which the disk check fails.
    public let diskThreshold: Double

    /// Checks of `store`; the disk check fails above `diskThreshold` percent used.
    public init(store: Store, diskThreshold: Double = StatusMonitor.Thresholds.defaultPercent) {
        self.store = store
        self.diskThreshold = diskThreshold
    }

    /// Five names for `sales`, four for `system`, as the type's description lists them.
    public func checkNames(of suite: BuiltInSuite) -> [String] {
        switch suite {
        case .sales:
            return ["sale totals equal the sum of their lines", "line VAT matches its rate", "every sale's charge code exists",
                    "no negative stock", "no sale dated in the future"]
        case .system:
            return ["integrity_check is clean", "foreign_key_check is clean", "schema is at the current version",
                    "free disk above the threshold"]
        }
    }

    /// The five sales checks on one read-only connection.
    public func runSalesChecks(now: String, progress: @Sendable (CheckResult) async -> Void) async -> [CheckResult] {
        await run(.sales, progress) { index, connection in
            switch index {
            case 0: return try await offenders(connection, Self.unbalancedSales, "sales whose totals differ from their lines")
            case 1: return try await offenders(connection, Self.wrongLineVAT, "sale lines whose VAT does not match their rate")
            case 2: return try await offenders(connection, Self.unknownChargeCodes, "sales with an unknown charge code")
            case 3: return try await offenders(connection, Self.negativeStock, "items with negative stock")
            default: return try await offenders(connection, Self.futureSales, "sales dated after \(now)", [.text(now)])
            }
        }
    }

    /// The four system checks on one read-only connection.
    public func runSystemChecks(progress: @Sendable (CheckResult) async -> Void) async -> [CheckResult] {
        await run(.system, progress) { index, connection in
            switch index {
            case 0:
                let rows = try await connection.query("PRAGMA integrity_check(\(Self.maxReportedOffenders))")
                let messages = rows.compactMap { $0.first?.stringValue }
                return messages == ["ok"] ? nil : messages.joined(separator: "; ")
            case 1:
                return try await offenders(connection, Self.foreignKeyProblems, "rows whose foreign key points nowhere")
            case 2:
                let version = try await connection.perform { connection throws(StoreError) in try Migrator.currentVersion(connection) }
                return version == Migrations.latestVersion ? nil
                    : "schema version \(version), this build expects \(Migrations.latestVersion)"
            default:
                guard let used = ResourceSampler.diskUsage(of: store.directory) else {
                    return "cannot read the use of the volume holding \(store.path)"
                }
                return used <= diskThreshold ? nil
                    : "the volume holding the database is \(Int(used.rounded()))% used (threshold \(Int(diskThreshold))%)"
            }
        }
    }

    /// Runs check `index` of `suite` for each of its names on one read-only connection; `check`
    /// answers nil when the check passes, else what is wrong.
    private func run(_ suite: BuiltInSuite, _ progress: @Sendable (CheckResult) async -> Void,
                     _ check: (Int, SQLiteConnection) async throws -> String?) async -> [CheckResult] {
        let names = checkNames(of: suite)
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: store.path, readOnly: true)
        } catch {
            return names.map { CheckResult($0, failure: "cannot open the database: \(Self.productTerms(error))") }
        }
        var results: [CheckResult] = []
        for (index, name) in names.enumerated() {
            let result: CheckResult
            do {
                result = CheckResult(name, failure: try await check(index, connection))
            } catch {
                result = CheckResult(name, failure: "the check could not run: \(Self.productTerms(error))")
            }
            results.append(result)
            await progress(result)
        }
        return results
    }

    /// nil when `sql` finds nothing; else how many it found and the first few (`sql` selects one
    /// text column and must be usable as a subquery).
    private func offenders(_ connection: SQLiteConnection, _ sql: String, _ what: String,
                           _ bindings: [SQLValue] = []) async throws -> String? {
        let sample = try await connection.query(sql + " LIMIT \(Self.maxReportedOffenders + 1)", bindings)
        guard !sample.isEmpty else { return nil }
        var count = sample.count
        if count > Self.maxReportedOffenders {
            count = Int(try await connection.query("SELECT COUNT(*) FROM (\(sql))", bindings).first?.first?.intValue ?? 0)
        }
        let names = sample.prefix(Self.maxReportedOffenders).map { $0.first.map(Self.text) ?? "?" }
        let more = count > names.count ? ", …" : ""
        return "\(count) \(what): \(names.joined(separator: ", "))\(more)"
    }

    private static func text(_ value: SQLValue) -> String {
        switch value {
        case .text(let text): return text
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        default: return "?"
        }
    }

    /// Sales whose subtotal, VAT or total differs from the sums of their lines (a sale without
    /// lines must be all zero), or whose total is not subtotal + VAT.
    static let unbalancedSales = """
        SELECT s.sale_id FROM sales s LEFT JOIN sale_items i ON i.sale_id = s.id
        GROUP BY s.id
        HAVING s.subtotal_amount != COALESCE(SUM(i.subtotal), 0) OR s.vat_amount != COALESCE(SUM(i.vat_amount), 0)
            OR s.total_amount != COALESCE(SUM(i.total_with_vat), 0) OR s.total_amount != s.subtotal_amount + s.vat_amount
        """

    /// Lines whose VAT is not subtotal × rate rounded half-up (away from zero at .5) in integer
    /// arithmetic — the rate as basis points, so 0.2 × 1250 is exactly 250 — or whose total is not
    /// subtotal + VAT.
    static let wrongLineVAT = """
        SELECT s.sale_id || ' line ' || i.id FROM sale_items i JOIN sales s ON s.id = i.sale_id
        WHERE i.vat_amount != (CASE WHEN i.subtotal >= 0
                THEN (i.subtotal * CAST(ROUND(i.vat_rate * 10000) AS INTEGER) + 5000) / 10000
                ELSE -((-i.subtotal * CAST(ROUND(i.vat_rate * 10000) AS INTEGER) + 5000) / 10000) END)
           OR i.total_with_vat != i.subtotal + i.vat_amount
        """

    static let unknownChargeCodes = """
        SELECT s.sale_id FROM sales s WHERE NOT EXISTS (SELECT 1 FROM charge_codes c WHERE c.code = s.charge_code)
        """

    static let negativeStock = "SELECT sku FROM items WHERE current_stock < 0"

    static let futureSales = "SELECT sale_id FROM sales WHERE created_at > ?"

    static let foreignKeyProblems = """
        SELECT "table" || ' row ' || COALESCE(rowid, '?') || ' → ' || parent FROM pragma_foreign_key_check
        """

    /// What failed, for a check's result a client reads: never SQL text or a path.
    static func productTerms(_ error: any Error) -> String {
        (error as? any DataSourceFailure)?.clientReason ?? "an internal error (the server log has the details)"
    }
}
