/// Reads the figures of `analyze_sales` from the kept totals (``KeptSalesTotals``) for the whole
/// UTC units of a range and from the rows for the rest (``SalesTotalsPlan``).
///
/// Guarantees: every figure equals a plain `COUNT`/`SUM` over `sales` and `sale_items` (the tests
/// compare them on every write path); the caller holds one read transaction, so the totals, the
/// dirty days and the rows are one snapshot.
struct SalesTotalsReader {
    let query: SalesAnalysisQuery
    let dirtyDays: [Int64]

    /// What a sale-level figure is grouped by.
    enum SaleKey {
        case chargeCode, status, none, period
    }

    init(_ query: SalesAnalysisQuery, on db: isolated SQLiteConnection) throws(StoreError) {
        self.query = query
        dirtyDays = try db.query("SELECT day FROM analysis_dirty_days ORDER BY day").compactMap {
            $0.first?.stringValue.flatMap(UTCTime.parseDay)
        }
    }

    private var lowerBound: Int64 { UTCTime.clamp(query.from ?? UTCTime.earliest) }
    private var upperBound: Int64 { query.to.map(UTCTime.clamp) ?? UTCTime.latest + 1 }

    // MARK: Sale level

    /// The groups by charge code or by status over the query's range, labelled.
    func groups(on db: isolated SQLiteConnection) throws(StoreError) -> [SalesGroup] {
        let byCode = query.grouping == .chargeCode
        var plan = SalesTotalsPlan(from: lowerBound, to: upperBound, grains: saleGrains(byCode: byCode), dirtyDays: dirtyDays)
        plan.merge()
        var figures: [String: SalesFigures] = [:]
        try saleFigures(plan, key: byCode ? .chargeCode : .status, on: db) { key, found in
            figures[key, default: SalesFigures()] = figures[key, default: SalesFigures()] + found
        }
        let titles = byCode ? try chargeCodeTitles(on: db) : [:]
        return figures.compactMap { key, figures in
            guard figures.count > 0 else { return nil }  // kept rows whose sales have gone
            return SalesGroup(key: key, label: titles[key] ?? key, figures: figures)
        }
    }

    /// The figures of each interval `[cuts[i], cuts[i + 1])`, zero where no sale falls.
    func periods(cuts: [Int64], on db: isolated SQLiteConnection) throws(StoreError) -> [SalesFigures] {
        guard cuts.count > 1 else { return [] }
        let grains = saleGrains(byCode: false)
        var periods = Array(repeating: SalesFigures(), count: cuts.count - 1)
        var plan = SalesTotalsPlan(from: 0, to: 0, grains: grains, dirtyDays: dirtyDays)
        for index in periods.indices {
            // Row pieces stay per period (a merged piece could straddle two); runs are bucketed below.
            var piece = SalesTotalsPlan(from: cuts[index], to: cuts[index + 1], grains: grains, dirtyDays: dirtyDays)
            for row in piece.rows {
                try saleFigures(SalesTotalsPlan(rows: [row]), key: .none, on: db) { _, found in periods[index] = periods[index] + found }
            }
            piece.rows = []
            for (grain, runs) in piece.runs { plan.runs[grain, default: []] += runs }
        }
        plan.merge()
        try saleFigures(plan, key: .period, on: db) { key, found in
            guard let start = Self.instant(ofPeriod: key), let index = Self.index(of: start, in: cuts) else { return }
            periods[index] = periods[index] + found
        }
        return periods
    }

    /// Sales of the query's range that are earning and have at least one line (the `count` total of
    /// the line-level groupings).
    func linedEarningSales(on db: isolated SQLiteConnection) throws(StoreError) -> Int64 {
        var plan = SalesTotalsPlan(from: lowerBound, to: upperBound, grains: saleGrains(byCode: false), dirtyDays: dirtyDays)
        plan.merge()
        var total: Int64 = 0
        try saleFigures(plan, key: .none, lined: true, on: db) { _, found in total += found.count }
        return total
    }

    /// Months, days and hours without a charge code filter; with one (or grouping by code), months
    /// and days of the per-code tables.
    private func saleGrains(byCode: Bool) -> [KeptSalesTotals.Grain] {
        query.chargeCode == nil && !byCode ? [.month, .day, .hour] : [.month, .day]
    }

    /// Calls `add(key, figures)` for each group of each run and row piece of `plan`. With `lined`,
    /// the figures' `count` is the earning sales with a line and the rest is zero.
    private func saleFigures(_ plan: SalesTotalsPlan, key: SaleKey, lined: Bool = false, on db: isolated SQLiteConnection,
                             _ add: (String, SalesFigures) -> Void) throws(StoreError) {
        let byCode = query.chargeCode != nil || key == .chargeCode
        let keyColumn = switch key {
        case .chargeCode: "group_key"
        case .status: "status"
        case .none: "''"
        case .period: "period"
        }
        let measures = lined ? "COALESCE(SUM(CASE WHEN status IN \(KeptSalesTotals.earning) THEN lined_count END), 0), 0, 0, 0"
            : Self.sums(count: "sale_count", total: "total_pence", vat: "vat_pence", quantity: "quantity_thousandths")
        for (grain, runs) in plan.runs {
            let table: KeptSalesTotals.Table = switch (grain, byCode) {
            case (.month, false): KeptSalesTotals.months
            case (.day, false): KeptSalesTotals.days
            case (.hour, _): KeptSalesTotals.hours
            case (.month, true): KeptSalesTotals.codeMonths
            case (.day, true): KeptSalesTotals.codeDays
            }
            for run in runs {
                var conditions = ["period >= ?", "period < ?"]
                var bindings: [SQLValue] = [.text(SalesTotalsPlan.text(run.start, grain)), .text(SalesTotalsPlan.text(run.end, grain))]
                if let code = query.chargeCode {
                    conditions.append("group_key = ?")
                    bindings.append(.text(code))
                }
                if let status = query.status {
                    conditions.append("status = ?")
                    bindings.append(.text(status.rawValue))
                }
                let sql = "SELECT \(keyColumn), \(measures) FROM \(table.name) WHERE \(conditions.joined(separator: " AND ")) GROUP BY 1"
                try Self.collect(try db.query(sql, bindings), add)
            }
        }
        let rowKey = switch key {
        case .chargeCode: "s.charge_code"
        case .status: "s.status"
        case .none, .period: "''"
        }
        let lineExists = "EXISTS (SELECT 1 FROM sale_items WHERE sale_id = s.id)"
        let quantity = "(SELECT SUM(\(KeptSalesTotals.thousandths("si.quantity"))) FROM sale_items si WHERE si.sale_id = s.id)"
        let rowMeasures = lined ? "COALESCE(SUM(s.status IN \(KeptSalesTotals.earning) AND \(lineExists)), 0), 0, 0, 0"
            : Self.sums(count: "1", total: "s.total_amount", vat: "s.vat_amount", quantity: quantity, status: "s.status")
        for piece in plan.rows {
            let filter = SalesAnalysisQueries.filters(query, from: piece.start, to: piece.end)
            let sql = "SELECT \(rowKey), \(rowMeasures) FROM sales s WHERE \(filter.sql) GROUP BY 1"
            try Self.collect(try db.query(sql, filter.bindings), add)
        }
    }

    // MARK: Line level

    /// Per item or per category (`key` the item's number or the category's name, empty for none)
    /// over the lines of the matching earning sales, labelled.
    func lineGroups(on db: isolated SQLiteConnection) throws(StoreError) -> [SalesGroup] {
        let byItem = query.grouping == .item
        // The line tables have no charge code: with that filter every line is read from the rows.
        let grains: [KeptSalesTotals.Grain] = query.chargeCode == nil ? [.month, .day] : []
        var plan = SalesTotalsPlan(from: lowerBound, to: upperBound, grains: grains, dirtyDays: dirtyDays)
        plan.merge()
        var figures: [Int64: SalesFigures] = [:]
        func add(_ rows: [[SQLValue]]) throws(StoreError) {
            for row in rows {
                guard row.count == 5, let key = row[0].intValue else { throw SalesAnalysisQueries.shape("line groups") }
                figures[key, default: SalesFigures()] = figures[key, default: SalesFigures()] + (try SalesAnalysisQueries.figures(row[1...]))
            }
        }
        for (grain, runs) in plan.runs {
            let table = switch (grain, byItem) {
            case (.month, true): KeptSalesTotals.itemMonths
            case (.month, false): KeptSalesTotals.categoryMonths
            case (_, true): KeptSalesTotals.itemDays
            case (_, false): KeptSalesTotals.categoryDays
            }
            for run in runs {
                var sql = "SELECT group_key, SUM(sale_count), SUM(total_pence), SUM(vat_pence), SUM(quantity_thousandths) "
                    + "FROM \(table.name) WHERE period >= ? AND period < ?"
                var bindings: [SQLValue] = [.text(SalesTotalsPlan.text(run.start, grain)), .text(SalesTotalsPlan.text(run.end, grain))]
                if let status = query.status {
                    sql += " AND status = ?"
                    bindings.append(.text(status.rawValue))
                }
                try add(try db.query(sql + " GROUP BY 1", bindings))
            }
        }
        let key = byItem ? "COALESCE(si.item_id, 0)" : "COALESCE(c.id, 0)"
        let joins = byItem ? "" : "LEFT JOIN items i ON i.id = si.item_id LEFT JOIN categories c ON c.id = i.category_id "
        for piece in plan.rows {
            let filter = SalesAnalysisQueries.filters(query, from: piece.start, to: piece.end)
            let sql = "SELECT \(key), COUNT(DISTINCT s.id), SUM(si.total_with_vat), SUM(si.vat_amount), "
                + "SUM(\(KeptSalesTotals.thousandths("si.quantity"))) FROM sales s JOIN sale_items si ON si.sale_id = s.id \(joins)"
                + "WHERE \(filter.sql) AND s.status IN \(KeptSalesTotals.earning) GROUP BY 1"
            try add(try db.query(sql, filter.bindings))
        }
        let labels = byItem ? try itemNames(figures.keys, on: db) : try categoryNames(on: db)
        return figures.compactMap { key, figures in
            guard figures.count > 0 else { return nil }
            if byItem {
                return SalesGroup(key: key == 0 ? "" : String(key), label: key == 0 ? "" : labels[key] ?? "", figures: figures)
            }
            let name = key == 0 ? "" : labels[key] ?? ""
            return SalesGroup(key: name, label: name, figures: figures)
        }
    }

    /// Sales of the query's range that are earning and have a line, with a charge code filter:
    /// from the rows (the line tables have no charge code).
    func linedEarningSalesFromRows(on db: isolated SQLiteConnection) throws(StoreError) -> Int64 {
        let filter = SalesAnalysisQueries.filters(query, from: query.from, to: query.to)
        let sql = "SELECT COUNT(*) FROM sales s WHERE \(filter.sql) AND s.status IN \(KeptSalesTotals.earning) "
            + "AND EXISTS (SELECT 1 FROM sale_items WHERE sale_id = s.id)"
        return try db.query(sql, filter.bindings).first?.first?.intValue ?? 0
    }

    /// The current names of the items `ids`, or for an item no longer in `items` the name its lines recorded.
    private func itemNames(_ ids: Dictionary<Int64, SalesFigures>.Keys, on db: isolated SQLiteConnection) throws(StoreError) -> [Int64: String] {
        var names: [Int64: String] = [:]
        for row in try db.query("SELECT id, name FROM items") {
            if let id = row[0].intValue, let name = row[1].stringValue { names[id] = name }
        }
        for id in ids where id != 0 && names[id] == nil {
            names[id] = try db.query("SELECT MAX(item_name) FROM sale_items WHERE item_id = ?", [.integer(id)]).first?.first?.stringValue
        }
        return names
    }

    private func categoryNames(on db: isolated SQLiteConnection) throws(StoreError) -> [Int64: String] {
        var names: [Int64: String] = [:]
        for row in try db.query("SELECT id, name FROM categories") {
            if let id = row[0].intValue, let name = row[1].stringValue { names[id] = name }
        }
        return names
    }

    // MARK: Helpers

    /// `SUM(count), SUM(earning total), SUM(earning VAT), SUM(earning quantity)`, never NULL.
    private static func sums(count: String, total: String, vat: String, quantity: String, status: String = "status") -> String {
        let earning = KeptSalesTotals.earning
        return "COALESCE(SUM(\(count)), 0), "
            + "COALESCE(SUM(CASE WHEN \(status) IN \(earning) THEN \(total) END), 0), "
            + "COALESCE(SUM(CASE WHEN \(status) IN \(earning) THEN \(vat) END), 0), "
            + "COALESCE(SUM(CASE WHEN \(status) IN \(earning) THEN \(quantity) END), 0)"
    }

    private static func collect(_ rows: [[SQLValue]], _ add: (String, SalesFigures) -> Void) throws(StoreError) {
        for row in rows {
            guard row.count == 5, let key = row[0].stringValue else { throw SalesAnalysisQueries.shape("sales groups") }
            add(key, try SalesAnalysisQueries.figures(row[1...]))
        }
    }

    /// The start of the UTC hour, day or month a period text names.
    static func instant(ofPeriod text: String) -> Int64? {
        switch text.utf8.count {
        case KeptSalesTotals.Grain.hour.rawValue: return UTCTime.parseStored(text + ":00:00Z")
        case KeptSalesTotals.Grain.day.rawValue: return UTCTime.parseDay(text).map { $0 * UTCTime.secondsPerDay }
        case KeptSalesTotals.Grain.month.rawValue: return UTCTime.parseDay(text + "-01").map { $0 * UTCTime.secondsPerDay }
        default: return nil
        }
    }

    /// The index `i` with `cuts[i] <= instant < cuts[i + 1]`, nil outside.
    static func index(of instant: Int64, in cuts: [Int64]) -> Int? {
        guard let first = cuts.first, let last = cuts.last, instant >= first, instant < last else { return nil }
        var low = 0
        var high = cuts.count - 1
        while high - low > 1 {
            let middle = (low + high) / 2
            if cuts[middle] <= instant { low = middle } else { high = middle }
        }
        return low
    }

    /// Every charge code's title.
    private func chargeCodeTitles(on db: isolated SQLiteConnection) throws(StoreError) -> [String: String] {
        var titles: [String: String] = [:]
        for row in try db.query("SELECT code, title FROM charge_codes") {
            if let code = row.first?.stringValue, let title = row.last?.stringValue { titles[code] = title }
        }
        return titles
    }
}

extension SalesTotalsPlan {
    /// A plan of row pieces only.
    init(rows: [(start: Int64, end: Int64)]) {
        self.rows = rows
    }
}
