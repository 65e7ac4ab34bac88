/// The queries behind `analyze_sales` on the embedded store.
///
/// Guarantees:
/// - Everything one analysis reports is read in one read transaction: groups, totals and extent
///   agree with each other even while another connection writes.
/// - Figures are exact integers: pence as stored, quantities (REAL) as thousandths rounded once
///   per line.
/// - Every grouping reads the kept totals of migration 3 (``KeptSalesTotals``) for the whole UTC
///   months, days and hours of the range and of each period, and the rows only for what is left
///   (see the internal `SalesTotalsReader`): a year costs about twelve months per key plus the edges, not
///   O(sales). With a charge code filter, item and category read the rows (their totals have no code).
public enum SalesAnalysisQueries {
    /// The analysis `query` asks for, read from one of `store`'s readers.
    public static func analysis(_ query: SalesAnalysisQuery, in store: Store) async throws(StoreError) -> SalesAnalysis {
        try await store.read { db throws(StoreError) in try analysis(query, on: db) }
    }

    /// The analysis `query` asks for, on `db`, which the caller keeps in one read transaction.
    public static func analysis(_ query: SalesAnalysisQuery, on db: isolated SQLiteConnection) throws(StoreError) -> SalesAnalysis {
        var result = SalesAnalysis()
        if let from = query.from, let to = query.to, from >= to { return result }
        result.extent = try extent(query, on: db)
        let reader = try SalesTotalsReader(query, on: db)
        switch query.grouping {
        case .chargeCode, .status:
            result.groups = try reader.groups(on: db)
            result.totals = result.groups.reduce(SalesFigures()) { $0 + $1.figures }
        case .periods(let boundaries):
            result.periods = try reader.periods(cuts: boundaries.map { min(max($0, query.from ?? .min), query.to ?? .max) }, on: db)
            result.totals = result.periods.reduce(SalesFigures(), +)
        case .item, .category:
            result.groups = try reader.lineGroups(on: db)
            result.totals = result.groups.reduce(SalesFigures()) { $0 + $1.figures }
            result.totals.count = query.chargeCode == nil ? try reader.linedEarningSales(on: db)
                : try reader.linedEarningSalesFromRows(on: db)
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
        if let to, to <= UTCTime.latest {  // beyond the last storable second: no upper bound
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
