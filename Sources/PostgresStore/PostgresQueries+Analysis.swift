import CLibPQ
import Store

/// The SQL of `analyze_sales` on a LUStores database, by the same contract as `get_sales`: the
/// charge code compared case-insensitively, time bounds bound as naive UTC `timestamp`s and
/// compared with `created_at`, rows without `created_at` never read, money and quantities summed
/// exactly in `numeric`.
extension PostgresQueries {
    /// The extent statement, the groups (or periods) statement and, for the line-level groupings,
    /// their totals.
    static func analysis(_ query: SalesAnalysisQuery) -> [BoundStatement] {
        var conditions = ["s.created_at IS NOT NULL"]
        var types: [Oid] = []
        var values: [String] = []
        func bind(_ type: Oid, _ value: String) -> String {
            types.append(type)
            values.append(value)
            return "$\(values.count)"
        }
        if let code = query.chargeCode { conditions.append("upper(s.charge_code) = upper(\(bind(PGType.text, code)))") }
        if let from = query.from { conditions.append("s.created_at >= \(bind(PGType.timestamp, timestamp(from)))") }
        if let to = query.to { conditions.append("s.created_at < \(bind(PGType.timestamp, timestamp(to)))") }
        if let status = query.status { conditions.append("s.status = \(bind(PGType.text, status.rawValue))") }
        let clause = conditions.joined(separator: " AND ")
        let extent = BoundStatement(sql: "SELECT min(s.created_at), max(s.created_at) FROM sales s WHERE \(clause)",
                                    types: types, values: values)
        let earning = "s.status IN ('completed', 'paid')"
        let lineSums = "count(DISTINCT si.sale_id), COALESCE(sum(si.total_with_vat), 0), COALESCE(sum(si.vat_amount), 0), "
            + "COALESCE(sum(si.quantity), 0)"
        let lines = "FROM sales s JOIN sale_items si ON si.sale_id = s.id LEFT JOIN items i ON i.id = si.item_id"
        switch query.grouping {
        case .item:
            let sql = "SELECT COALESCE(si.item_id::text, ''), COALESCE(min(i.name), min(si.item_name)), \(lineSums) "
                + "\(lines) WHERE \(clause) AND \(earning) GROUP BY si.item_id"
            return [extent, BoundStatement(sql: sql, types: types, values: values),
                    BoundStatement(sql: "SELECT \(lineSums) \(lines) WHERE \(clause) AND \(earning)", types: types, values: values)]
        case .category:
            let sql = "SELECT COALESCE(c.name, ''), COALESCE(c.name, ''), \(lineSums) "
                + "\(lines) LEFT JOIN categories c ON c.id = i.category_id WHERE \(clause) AND \(earning) GROUP BY c.name"
            return [extent, BoundStatement(sql: sql, types: types, values: values),
                    BoundStatement(sql: "SELECT \(lineSums) \(lines) WHERE \(clause) AND \(earning)", types: types, values: values)]
        case .chargeCode, .status, .periods:
            break
        }
        let key: String
        var outer = "g.k, g.k"
        var join = ""
        switch query.grouping {
        case .chargeCode:
            key = "upper(m.charge_code)"
            outer = "COALESCE(c.code, g.code), COALESCE(c.title, g.code)"
            join = " LEFT JOIN LATERAL (SELECT c.code, c.title FROM chargecodes c WHERE upper(c.code) = g.k "
                + "ORDER BY c.code LIMIT 1) c ON true"
        case .periods(let boundaries):
            let clamped = boundaries.map { min(max($0, query.from ?? .min), query.to ?? .max) }
            let list = "{" + clamped.map(timestamp).joined(separator: ",") + "}"
            key = clamped.count < 2 ? "'0'" : "width_bucket(m.created_at, \(bind(PGType.text, list))::timestamp[])::text"
        default:
            key = "m.status"
        }
        let sql = "WITH m AS (SELECT s.id, s.charge_code, s.status, s.total_amount, s.vat_amount, s.created_at, "
            + "\(earning) AS earning FROM sales s WHERE \(clause)), "
            + "q AS (SELECT si.sale_id, sum(si.quantity) AS quantity FROM sale_items si "
            + "WHERE si.sale_id IN (SELECT id FROM m WHERE earning) GROUP BY si.sale_id) "
            + "SELECT \(outer), g.n, g.revenue, g.vat, g.quantity FROM (SELECT \(key) AS k, min(m.charge_code) AS code, "
            + "count(*) AS n, COALESCE(sum(m.total_amount) FILTER (WHERE m.earning), 0) AS revenue, "
            + "COALESCE(sum(m.vat_amount) FILTER (WHERE m.earning), 0) AS vat, COALESCE(sum(q.quantity), 0) AS quantity "
            + "FROM m LEFT JOIN q ON q.sale_id = m.id GROUP BY 1) g\(join)"
        return [extent, BoundStatement(sql: sql, types: types, values: values)]
    }

    static func analysisResult(_ results: [PGRows], grouping: SalesAnalysisQuery.Grouping) throws(PostgresError) -> SalesAnalysis {
        guard results.count >= 2, results[0].count == 1 else { throw PostgresError(.unexpectedResult, "the analysis statements returned an unexpected number of rows") }
        var analysis = SalesAnalysis()
        if !results[0].isNull(0, 0), !results[0].isNull(0, 1),
           let first = UTCTime.parseStored(try results[0].utcSecond(0, 0)),
           let last = UTCTime.parseStored(try results[0].utcSecond(0, 1)) {
            analysis.extent = (first, last)
        }
        let rows = results[1]
        var groups: [SalesGroup] = []
        for row in 0..<rows.count {
            groups.append(SalesGroup(key: try rows.text(row, 0), label: try rows.text(row, 1), figures: try figures(rows, row, from: 2)))
        }
        switch grouping {
        case .periods(let boundaries):
            var periods = Array(repeating: SalesFigures(), count: max(0, boundaries.count - 1))
            for group in groups {
                // width_bucket numbers the periods from 1; 0 and n are outside them.
                guard let bucket = Int(group.key), bucket >= 1, bucket <= periods.count else { continue }
                periods[bucket - 1] = periods[bucket - 1] + group.figures
            }
            analysis.periods = periods
            analysis.totals = periods.reduce(SalesFigures(), +)
        case .item, .category:
            guard results.count == 3, results[2].count == 1 else {
                throw PostgresError(.unexpectedResult, "the analysis statements returned an unexpected number of rows")
            }
            analysis.groups = groups
            analysis.totals = try figures(results[2], 0, from: 0)
        case .chargeCode, .status:
            analysis.groups = groups
            analysis.totals = groups.reduce(SalesFigures()) { $0 + $1.figures }
        }
        return analysis
    }

    /// Count, revenue, VAT, quantity from four columns starting at `column`.
    private static func figures(_ rows: PGRows, _ row: Int, from column: Int) throws(PostgresError) -> SalesFigures {
        SalesFigures(count: try rows.int64(row, column), revenuePence: try rows.pence(row, column + 1),
                     vatPence: try rows.pence(row, column + 2), quantityThousandths: try rows.thousandths(row, column + 3))
    }
}
