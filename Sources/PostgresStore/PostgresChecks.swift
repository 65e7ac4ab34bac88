import Store

/// The outcome of one built-in check on PostgreSQL.
public struct CheckOutcome: Sendable, Equatable {
    /// The check's name, stable across runs.
    public let name: String
    /// Whether it passed.
    public let passed: Bool
    /// What was found: the offenders of a failure (at most ``PostgresChecks/maxReportedOffenders``
    /// named), or a fact worth showing for a pass; "" when there is nothing to add.
    public let message: String

    /// An outcome with these values.
    public init(name: String, passed: Bool, message: String) {
        self.name = name
        self.passed = passed
        self.message = message
    }
}

/// The built-in `sales` and `system` suites, run against a LUStores PostgreSQL database.
///
/// Guarantees: each check is one statement in its own read-only transaction (one failing or timing
/// out does not stop the others); a check that cannot run fails with the error's operator
/// description; a failure names at most ``maxReportedOffenders`` offenders and counts them all.
public enum PostgresChecks {
    /// Offenders named in one failure message.
    public static let maxReportedOffenders = 10
    /// The oldest server release the store is tested with (pipeline mode needs libpq 14, not the server).
    public static let minimumServerVersion = 120000

    /// The names of the `sales` suite's checks, in the order they run.
    public static let salesCheckNames = [
        "sale totals equal the sum of their lines within 1p", "sale VAT equals the sum of its lines' VAT within 1p",
        "every sale's charge code is known", "no negative stock", "every sale has a created_at",
    ]
    /// The names of the `system` suite's checks, in the order they run.
    public static let systemCheckNames = [
        "the database answers", "the server version is supported", "transactions are read-only",
        "recommended indexes reported",
    ]

    /// `count(*) OVER ()` counts every offender before LIMIT keeps the first ones.
    static let salesChecks: [(sql: String, what: String)] = [
        ("""
         WITH lines AS (SELECT sale_id, sum(total_with_vat) AS total FROM sale_items GROUP BY sale_id)
         SELECT count(*) OVER (), s.sale_id FROM sales s LEFT JOIN lines l ON l.sale_id = s.id
         WHERE abs(s.total_amount - COALESCE(l.total, 0)) > 0.01 ORDER BY s.id LIMIT \(maxReportedOffenders)
         """, "whose total differs from the sum of its lines by more than 1p"),
        ("""
         WITH lines AS (SELECT sale_id, sum(vat_amount) AS vat FROM sale_items GROUP BY sale_id)
         SELECT count(*) OVER (), s.sale_id FROM sales s LEFT JOIN lines l ON l.sale_id = s.id
         WHERE abs(s.vat_amount - COALESCE(l.vat, 0)) > 0.01 ORDER BY s.id LIMIT \(maxReportedOffenders)
         """, "whose VAT differs from the sum of its lines' VAT by more than 1p"),
        ("""
         SELECT count(*) OVER (), u.code FROM (SELECT DISTINCT s.charge_code AS code FROM sales s
           WHERE NOT EXISTS (SELECT 1 FROM chargecodes c WHERE upper(c.code) = upper(s.charge_code))) u
         ORDER BY u.code LIMIT \(maxReportedOffenders)
         """, "charge code(s) no chargecodes row knows (compared case-insensitively)"),
        ("SELECT count(*) OVER (), sku FROM items WHERE current_stock < 0 ORDER BY sku LIMIT \(maxReportedOffenders)",
         "item(s) with negative stock"),
        ("SELECT count(*) OVER (), sale_id FROM sales WHERE created_at IS NULL ORDER BY id LIMIT \(maxReportedOffenders)",
         "sale(s) without a created_at, left out of every answer"),
    ]
}

extension PostgresDataSource {
    /// The `sales` suite: totals and VAT agree with the lines within 1p, charge codes are known,
    /// no stock is negative, every sale is dated. In ``PostgresChecks/salesCheckNames`` order.
    public func runSalesChecks() async -> [CheckOutcome] {
        var outcomes: [CheckOutcome] = []
        for (index, check) in PostgresChecks.salesChecks.enumerated() {
            let name = PostgresChecks.salesCheckNames[index]
            do throws(PostgresError) {
                let (count, offenders) = try await read([BoundStatement(sql: check.sql, types: [], values: [])]) {
                    results, _ throws(PostgresError) in
                    var offenders: [String] = []
                    for row in 0..<results[0].count { offenders.append(try results[0].text(row, 1)) }
                    return (results[0].count == 0 ? 0 : try results[0].int64(0, 0), offenders)
                }
                let noun = index < 2 ? (count == 1 ? "sale" : "sales") + " " : ""
                outcomes.append(CheckOutcome(
                    name: name, passed: count == 0,
                    message: count == 0 ? "" : "\(count) \(noun)\(check.what): \(offenders.joined(separator: ", "))"
                        + (count > Int64(offenders.count) ? ", …" : "")))
            } catch {
                outcomes.append(CheckOutcome(name: name, passed: false, message: "the check could not run: \(error)"))
            }
        }
        return outcomes
    }

    /// The `system` suite: a timed round trip, the server version, that a call's transaction is
    /// read-only at REPEATABLE READ, and which recommended indexes are missing (reported, passing).
    /// In ``PostgresChecks/systemCheckNames`` order.
    public func runSystemChecks() async -> [CheckOutcome] {
        let names = PostgresChecks.systemCheckNames
        var outcomes: [CheckOutcome] = []
        do throws(PostgresError) {
            let latency = try await ping()
            let milliseconds = Double(latency.components.attoseconds / 1_000_000_000_000) / 1000
                + Double(latency.components.seconds) * 1000
            outcomes.append(CheckOutcome(name: names[0], passed: true, message: "SELECT 1 answered in \(milliseconds) ms"))
        } catch {
            outcomes.append(CheckOutcome(name: names[0], passed: false, message: "\(error)"))
        }
        let statements = [
            BoundStatement(sql: "SELECT current_setting('server_version'), current_setting('transaction_read_only'), "
                           + "current_setting('transaction_isolation')", types: [], values: []),
            BoundStatement(sql: RecommendedIndex.definitionsSQL, types: [], values: []),
        ]
        do throws(PostgresError) {
            let (version, number, readOnly, isolation, missing) = try await read(statements) { results, number throws(PostgresError) in
                (try results[0].text(0, 0), number, try results[0].text(0, 1), try results[0].text(0, 2),
                 try RecommendedIndex.missing(results[1]))
            }
            outcomes.append(CheckOutcome(name: names[1], passed: number >= PostgresChecks.minimumServerVersion,
                                         message: "PostgreSQL \(version)"))
            outcomes.append(CheckOutcome(name: names[2], passed: readOnly == "on" && isolation == "repeatable read",
                                         message: "transaction_read_only \(readOnly), isolation \(isolation)"))
            outcomes.append(CheckOutcome(
                name: names[3], passed: true,
                message: missing.isEmpty ? "all three present"
                    : "missing (for the database's owner): " + missing.map(\.statement).joined(separator: " ")))
        } catch {
            for name in names.dropFirst() {
                outcomes.append(CheckOutcome(name: name, passed: false, message: "the check could not run: \(error)"))
            }
        }
        return outcomes
    }
}
