import MCP
import Store

/// The suites built into the server: real checks of the store, one test case per check.
///
/// `sales`: every sale's totals equal the sum of its lines; every line's VAT is its subtotal × rate
/// rounded half-up to the penny; every sale's charge code exists; no item has negative stock; no
/// sale is dated in the future. `system`: `PRAGMA integrity_check` and `foreign_key_check` are
/// clean; the schema is at this build's version; the database's volume is used no more than the
/// disk threshold. Checks are single SQL aggregates (one pass each, fine on a million sales) on a
/// connection of their own, so they never hold up `get_status` or the tools' readers; a failing
/// check names at most ``maxReportedOffenders`` offending records.
public enum BuiltInSuite: String, Sendable, CaseIterable {
    case sales
    case system

    /// Offending record ids named in one failure message.
    public static let maxReportedOffenders = 10

    /// The names of the suite's test cases, in the order they run.
    public var checkNames: [String] {
        switch self {
        case .sales:
            return ["sale totals equal the sum of their lines", "line VAT matches its rate", "every sale's charge code exists",
                    "no negative stock", "no sale dated in the future"]
        case .system:
            return ["integrity_check is clean", "foreign_key_check is clean", "schema is at the current version",
                    "free disk above the threshold"]
        }
    }

    /// What a check needs besides the database.
    public struct Environment: Sendable {
        public var store: Store
        /// Percent of the database's volume in use above which the disk check fails.
        public var diskThreshold: Double
        /// Now, ISO 8601 UTC (sales after it are in the future).
        public var now: String

        public init(store: Store, diskThreshold: Double, now: String = Timestamp.now()) {
            self.store = store
            self.diskThreshold = diskThreshold
            self.now = now
        }
    }

    /// Runs every check in order, calling `progress` with the cases so far after each.
    public func run(_ environment: Environment, progress: @Sendable (TestReport) async -> Void) async -> TestReport {
        var report = TestReport()
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: environment.store.path, readOnly: true)
        } catch {
            for name in checkNames { report.record(name, .failed, message: "cannot open the database: \(error)", suite: rawValue) }
            return report
        }
        for (index, name) in checkNames.enumerated() {
            do {
                if let problem = try await check(index, connection, environment) {
                    report.record(name, .failed, message: problem, suite: rawValue)
                } else {
                    report.record(name, .passed, suite: rawValue)
                }
            } catch {
                report.record(name, .failed, message: "the check could not run: \(error)", suite: rawValue)
            }
            await progress(report)
        }
        return report
    }

    /// nil when check `index` passes, else what is wrong.
    private func check(_ index: Int, _ connection: SQLiteConnection, _ environment: Environment) async throws -> String? {
        switch (self, index) {
        case (.sales, 0): return try await offenders(connection, Self.unbalancedSales, "sales whose totals differ from their lines")
        case (.sales, 1): return try await offenders(connection, Self.wrongLineVAT, "sale lines whose VAT does not match their rate")
        case (.sales, 2): return try await offenders(connection, Self.unknownChargeCodes, "sales with an unknown charge code")
        case (.sales, 3): return try await offenders(connection, Self.negativeStock, "items with negative stock")
        case (.sales, 4):
            return try await offenders(connection, Self.futureSales, "sales dated after \(environment.now)", [.text(environment.now)])
        case (.system, 0):
            let rows = try await connection.query("PRAGMA integrity_check(\(Self.maxReportedOffenders))")
            let messages = rows.compactMap { $0.first?.stringValue }
            return messages == ["ok"] ? nil : messages.joined(separator: "; ")
        case (.system, 1):
            return try await offenders(connection, Self.foreignKeyProblems, "rows whose foreign key points nowhere")
        case (.system, 2):
            let version = try await connection.perform { connection throws(StoreError) in try Migrator.currentVersion(connection) }
            return version == Migrations.latestVersion ? nil
                : "schema version \(version), this build expects \(Migrations.latestVersion)"
        default:
            let directory = environment.store.path.lastIndex(of: "/").map { String(environment.store.path[..<$0]) } ?? "."
            guard let used = ResourceSampler.diskUsage(of: directory.isEmpty ? "/" : directory) else {
                return "cannot read the use of the volume holding \(environment.store.path)"
            }
            return used <= environment.diskThreshold ? nil
                : "the volume holding the database is \(Int(used.rounded()))% used (threshold \(Int(environment.diskThreshold))%)"
        }
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
}
