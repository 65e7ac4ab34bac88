/// The queries behind `analyze_sales` on the embedded store.
///
/// Guarantees:
/// - Everything one analysis reports is read in one read transaction: groups, totals and extent
///   agree with each other even while another connection writes.
/// - Figures are exact integers: pence as stored, quantities (REAL) as thousandths rounded once
///   per line.
/// - The sale-level groupings (charge code, status, periods) read the kept hourly totals of
///   migration 3 (see ``SalesHourTotals``) for whole UTC hours and the rows only for the partial
///   hours at the ends of the range and of each period, so a year costs O(hours), not O(sales).
///   The line-level groupings (item, category) read the lines of the matching earning sales.
public enum SalesAnalysisQueries {
    /// The analysis `query` asks for, read from one of `store`'s readers.
    public static func analysis(_ query: SalesAnalysisQuery, in store: Store) async throws(StoreError) -> SalesAnalysis {
        try await store.read { db throws(StoreError) in try analysis(query, on: db) }
    }

    /// The analysis `query` asks for, on `db` (inside its own read transaction unless one is open).
    public static func analysis(_ query: SalesAnalysisQuery, on db: isolated SQLiteConnection) throws(StoreError) -> SalesAnalysis {
        var result = SalesAnalysis()
        if let from = query.from, let to = query.to, from >= to { return result }
        result.extent = try extent(query, on: db)
        switch query.grouping {
        case .chargeCode, .status:
            result.groups = try SalesHourTotals.groups(query, on: db)
            result.totals = result.groups.reduce(SalesFigures()) { $0 + $1.figures }
        case .periods(let boundaries):
            result.periods = try SalesHourTotals.periods(query, boundaries: boundaries, on: db)
            result.totals = result.periods.reduce(SalesFigures(), +)
        case .item, .category:
            (result.groups, result.totals) = try lineGroups(query, on: db)
        }
        return result
    }

    /// The `WHERE` conditions on `sales s` of `query`'s filters, with their bindings, in one fixed order.
    static func filters(_ query: SalesAnalysisQuery, from: Int64?, to: Int64?) -> (sql: String, bindings: [SQLValue]) {
        var conditions: [String] = []
        var bindings: [SQLValue] = []
        if let code = query.chargeCode {
            conditions.append("s.charge_code = ?")
            bindings.append(.text(code))
        }
        if let status = query.status {
            conditions.append("s.status = ?")
            bindings.append(.text(status.rawValue))
        }
        if let from {
            conditions.append("s.created_at >= ?")
            bindings.append(.text(UTCTime.format(UTCTime.clamp(from))))
        }
        if let to {
            conditions.append("s.created_at < ?")
            bindings.append(.text(UTCTime.format(UTCTime.clamp(to))))
        }
        return (conditions.isEmpty ? "1" : conditions.joined(separator: " AND "), bindings)
    }

    /// The earliest and latest `created_at` of the matching sales; two index look-ups.
    private static func extent(_ query: SalesAnalysisQuery,
                               on db: isolated SQLiteConnection) throws(StoreError) -> (first: Int64, last: Int64)? {
        let filter = filters(query, from: query.from, to: query.to)
        let rows = try db.query("SELECT (SELECT MIN(s.created_at) FROM sales s WHERE \(filter.sql)), "
                                + "(SELECT MAX(s.created_at) FROM sales s WHERE \(filter.sql))",
                                filter.bindings + filter.bindings)
        guard let row = rows.first, row.count == 2 else { throw shape("sales extent") }
        guard let first = row[0].stringValue.flatMap(UTCTime.parseStored),
              let last = row[1].stringValue.flatMap(UTCTime.parseStored) else { return nil }
        return (first, last)
    }

    /// Per item or per category, over the lines of the matching earning sales, and their totals.
    private static func lineGroups(_ query: SalesAnalysisQuery,
                                   on db: isolated SQLiteConnection) throws(StoreError) -> ([SalesGroup], SalesFigures) {
        let filter = filters(query, from: query.from, to: query.to)
        let lines = "FROM sales s JOIN sale_items si ON si.sale_id = s.id "
            + "WHERE \(filter.sql) AND s.status IN ('completed', 'paid')"
        let sums = "COUNT(DISTINCT si.sale_id), COALESCE(SUM(si.total_with_vat), 0), COALESCE(SUM(si.vat_amount), 0), "
            + "COALESCE(SUM(\(Migrations.thousandths("si.quantity"))), 0)"
        let sql: String
        if query.grouping == .item {
            sql = "SELECT COALESCE(CAST(g.k AS TEXT), ''), COALESCE(i.name, g.name), g.n, g.revenue, g.vat, g.quantity "
                + "FROM (SELECT si.item_id AS k, MAX(si.item_name) AS name, COUNT(DISTINCT si.sale_id) AS n, "
                + "SUM(si.total_with_vat) AS revenue, SUM(si.vat_amount) AS vat, "
                + "SUM(\(Migrations.thousandths("si.quantity"))) AS quantity \(lines) GROUP BY si.item_id) g "
                + "LEFT JOIN items i ON i.id = g.k"
        } else {
            sql = "SELECT COALESCE(c.name, ''), COALESCE(c.name, ''), \(sums) FROM sales s JOIN sale_items si ON si.sale_id = s.id "
                + "LEFT JOIN items i ON i.id = si.item_id LEFT JOIN categories c ON c.id = i.category_id "
                + "WHERE \(filter.sql) AND s.status IN ('completed', 'paid') GROUP BY 1"
        }
        var groups: [SalesGroup] = []
        for row in try db.query(sql, filter.bindings) {
            guard row.count == 6, let key = row[0].stringValue, let label = row[1].stringValue else { throw shape("sales groups") }
            groups.append(SalesGroup(key: key, label: label, figures: try figures(row[2...])))
        }
        guard let totals = try db.query("SELECT \(sums) \(lines)", filter.bindings).first else { throw shape("line totals") }
        return (groups, try figures(totals[...]))
    }

    /// Four integer columns: count, revenue, VAT, quantity.
    static func figures(_ columns: ArraySlice<SQLValue>) throws(StoreError) -> SalesFigures {
        let start = columns.startIndex
        guard columns.count == 4, let count = columns[start].intValue, let revenue = columns[start + 1].intValue,
              let vat = columns[start + 2].intValue, let quantity = columns[start + 3].intValue else {
            throw shape("sales figures")
        }
        return SalesFigures(count: count, revenuePence: revenue, vatPence: vat, quantityThousandths: quantity)
    }

    static func shape(_ what: String) -> StoreError {
        .sqlite(code: 20, message: "unexpected result shape", sql: what)  // SQLITE_MISMATCH
    }
}
