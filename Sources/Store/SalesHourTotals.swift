/// The sale-level figures of `analyze_sales` (by charge code, by status, by period) from the
/// hourly totals of migration 3 plus the rows of the partial hours.
///
/// Guarantees: every figure equals a plain `COUNT`/`SUM` over `sales` and their lines (tests
/// prove it); whole UTC hours come from `sales_hour_totals` (no charge code filter) or
/// `sales_code_hour_totals`, and only the parts of an interval that are not whole hours are read
/// from the rows, so a year costs O(hours in it) plus O(sales in the partial hours).
enum SalesHourTotals {
    static let secondsPerHour: Int64 = 3600
    /// Revenue, VAT and quantity count only for these statuses.
    static let earning = "('completed', 'paid')"

    /// The groups by charge code or by status over `[query.from, query.to)`, labelled.
    static func groups(_ query: SalesAnalysisQuery, on db: isolated SQLiteConnection) throws(StoreError) -> [SalesGroup] {
        let byCode = query.grouping == .chargeCode
        var figures: [String: SalesFigures] = [:]
        let range = Interval(from: query.from, to: query.to)
        let key = byCode ? "charge_code" : "status"
        if let hours = range.wholeHours {
            let table = query.chargeCode != nil || byCode ? "sales_code_hour_totals" : "sales_hour_totals"
            var conditions = ["hour >= ?", "hour < ?"]
            var bindings: [SQLValue] = [.text(hours.from), .text(hours.to)]
            if let code = query.chargeCode {
                conditions.insert("charge_code = ?", at: 0)
                bindings.insert(.text(code), at: 0)
            }
            if let status = query.status {
                conditions.append("status = ?")
                bindings.append(.text(status.rawValue))
            }
            let sql = "SELECT \(key), \(sums(count: "sale_count", total: "total_pence", vat: "vat_pence", quantity: "quantity_thousandths")) "
                + "FROM \(table) WHERE \(conditions.joined(separator: " AND ")) GROUP BY 1"
            try add(try db.query(sql, bindings), into: &figures)
        }
        for edge in range.edges {
            try add(try rows(query, key: "s.\(key)", from: edge.from, to: edge.to, on: db), into: &figures)
        }
        let titles = byCode ? try chargeCodeTitles(on: db) : [:]
        return figures.compactMap { key, figures in
            guard figures.count > 0 else { return nil }  // kept rows whose sales have gone
            return SalesGroup(key: key, label: titles[key] ?? key, figures: figures)
        }
    }

    /// The figures of each interval `[boundaries[i], boundaries[i + 1])` (clamped to the query's
    /// range), zero where no sale falls.
    static func periods(_ query: SalesAnalysisQuery, boundaries: [Int64],
                        on db: isolated SQLiteConnection) throws(StoreError) -> [SalesFigures] {
        guard boundaries.count > 1 else { return [] }
        let cuts = boundaries.map { min(max($0, query.from ?? .min), query.to ?? .max) }
        var periods = Array(repeating: SalesFigures(), count: cuts.count - 1)
        let whole = Interval(from: cuts.first, to: cuts.last)
        if let hours = whole.wholeHours {
            let table = query.chargeCode == nil ? "sales_hour_totals" : "sales_code_hour_totals"
            var conditions = ["hour >= ?", "hour < ?"]
            var bindings: [SQLValue] = [.text(hours.from), .text(hours.to)]
            if let code = query.chargeCode {
                conditions.insert("charge_code = ?", at: 0)
                bindings.insert(.text(code), at: 0)
            }
            if let status = query.status {
                conditions.append("status = ?")
                bindings.append(.text(status.rawValue))
            }
            let sql = "SELECT hour, \(sums(count: "sale_count", total: "total_pence", vat: "vat_pence", quantity: "quantity_thousandths")) "
                + "FROM \(table) WHERE \(conditions.joined(separator: " AND ")) GROUP BY 1"
            for row in try db.query(sql, bindings) {
                guard row.count == 5, let hour = row[0].stringValue, let start = UTCTime.parseStored(hour + ":00:00Z") else {
                    throw SalesAnalysisQueries.shape("hourly totals")
                }
                // An hour counts here only when it lies wholly inside one period; the others are
                // read from the rows below.
                guard let index = period(containing: start, cuts: cuts), start + secondsPerHour <= cuts[index + 1] else { continue }
                periods[index] = periods[index] + (try SalesAnalysisQueries.figures(row[1...]))
            }
        }
        for index in periods.indices {
            for edge in Interval(from: cuts[index], to: cuts[index + 1]).edges {
                let found = try rows(query, key: "''", from: edge.from, to: edge.to, on: db)
                for row in found { periods[index] = periods[index] + (try SalesAnalysisQueries.figures(row[1...])) }
            }
        }
        return periods
    }

    /// The index `i` with `cuts[i] <= instant < cuts[i + 1]`, nil outside.
    private static func period(containing instant: Int64, cuts: [Int64]) -> Int? {
        guard let first = cuts.first, let last = cuts.last, instant >= first, instant < last else { return nil }
        var low = 0
        var high = cuts.count - 1  // cuts[low] <= instant < cuts[high]
        while high - low > 1 {
            let middle = (low + high) / 2
            if cuts[middle] <= instant { low = middle } else { high = middle }
        }
        return low
    }

    /// `key, count, revenue, vat, quantity` per `key` of the matching sales in `[from, to)`, from the rows.
    private static func rows(_ query: SalesAnalysisQuery, key: String, from: Int64, to: Int64,
                             on db: isolated SQLiteConnection) throws(StoreError) -> [[SQLValue]] {
        let filter = SalesAnalysisQueries.filters(query, from: from, to: to)
        let quantity = "(SELECT SUM(\(Migrations.thousandths("si.quantity"))) FROM sale_items si WHERE si.sale_id = s.id)"
        let sql = "SELECT \(key), \(sums(count: "1", total: "s.total_amount", vat: "s.vat_amount", quantity: quantity, status: "s.status")) "
            + "FROM sales s WHERE \(filter.sql) GROUP BY 1"
        return try db.query(sql, filter.bindings)
    }

    /// `SUM(count), SUM(earning total), SUM(earning VAT), SUM(earning quantity)`, never NULL.
    private static func sums(count: String, total: String, vat: String, quantity: String, status: String = "status") -> String {
        "COALESCE(SUM(\(count)), 0), "
            + "COALESCE(SUM(CASE WHEN \(status) IN \(earning) THEN \(total) END), 0), "
            + "COALESCE(SUM(CASE WHEN \(status) IN \(earning) THEN \(vat) END), 0), "
            + "COALESCE(SUM(CASE WHEN \(status) IN \(earning) THEN \(quantity) END), 0)"
    }

    private static func add(_ rows: [[SQLValue]], into figures: inout [String: SalesFigures]) throws(StoreError) {
        for row in rows {
            guard row.count == 5, let key = row[0].stringValue else { throw SalesAnalysisQueries.shape("sales groups") }
            figures[key, default: SalesFigures()] = figures[key, default: SalesFigures()] + (try SalesAnalysisQueries.figures(row[1...]))
        }
    }

    /// Every charge code's title.
    private static func chargeCodeTitles(on db: isolated SQLiteConnection) throws(StoreError) -> [String: String] {
        var titles: [String: String] = [:]
        for row in try db.query("SELECT code, title FROM charge_codes") {
            if let code = row.first?.stringValue, let title = row.last?.stringValue { titles[code] = title }
        }
        return titles
    }
}

/// A time range `[from, to)` split into whole UTC hours (read from the hourly totals) and the
/// partial hours at either end (read from the rows).
struct Interval {
    /// Whole hours `[from, to)` as `YYYY-MM-DDTHH` ("" and "~" when unbounded), nil when none.
    var wholeHours: (from: String, to: String)?
    /// The partial ranges read from the rows: below and above the whole hours, or the whole range
    /// when it holds no whole hour.
    var edges: [(from: Int64, to: Int64)] = []

    init(from: Int64?, to: Int64?) {
        let lower = from.map(UTCTime.clamp)
        let upper = to.map(UTCTime.clamp)
        if let lower, let upper, lower >= upper { return }
        let hour = SalesHourTotals.secondsPerHour
        let firstHour = lower.map { $0 - Self.floorMod($0, hour) + (Self.floorMod($0, hour) == 0 ? 0 : hour) }
        let endHour = upper.map { $0 - Self.floorMod($0, hour) }
        if let firstHour, let endHour, firstHour >= endHour, let lower, let upper {
            edges = [(lower, upper)]
            return
        }
        wholeHours = (firstHour.map(Self.hourText) ?? "", endHour.map(Self.hourText) ?? "~")
        if let lower, let firstHour, lower < firstHour { edges.append((lower, firstHour)) }
        if let upper, let endHour, upper > endHour { edges.append((endHour, upper)) }
    }

    private static func hourText(_ seconds: Int64) -> String { String(UTCTime.format(seconds).prefix(13)) }

    private static func floorMod(_ value: Int64, _ divisor: Int64) -> Int64 { ((value % divisor) + divisor) % divisor }
}
