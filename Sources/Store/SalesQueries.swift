/// The queries behind `get_sales`: one page of sales, newest first, with the exact count and
/// revenue of every matching sale.
///
/// Guarantees:
/// - Everything a page reports is read in one read transaction, so `total`, `revenuePence` and the
///   rows agree with each other even while another connection writes.
/// - Figures are exact integers (pence). Whole UTC days come from the totals tables of migration 2
///   (kept equal to `sales` by triggers); the parts of a time range that are not whole UTC days are
///   counted from the covering indexes. Either way the answer equals a plain `COUNT`/`SUM` over
///   `sales` (tests prove it), but costs O(days + rows in two partial days), not O(matching sales).
/// - Order is `created_at DESC, id DESC`, a total order, so pages never overlap or skip a sale.
///   Deep pages (offset ≥ ``seekOffsetThreshold``) first find, from the day totals, the day that
///   holds the first sale of the page, so the database skips at most about a day of rows.
public enum SalesQueries {
    /// Offsets below this are skipped by SQLite's `OFFSET` directly; from it on, the day totals
    /// locate the page first. About a busy day's sales, where both cost the same.
    public static let seekOffsetThreshold: Int64 = 2000

    /// The page `query` asks for, read from one of `store`'s readers.
    public static func page(_ query: SalesQuery, in store: Store) async throws(StoreError) -> SalesPage {
        try await store.read { db throws(StoreError) in try page(query, on: db) }
    }

    /// The page `query` asks for, on `db` (inside its own read transaction unless one is open).
    public static func page(_ query: SalesQuery, on db: isolated SQLiteConnection) throws(StoreError) -> SalesPage {
        let plan = RangePlan(from: query.from, to: query.to)
        if plan.isEmpty {
            return SalesPage(sales: [], total: 0, revenuePence: 0)
        }
        var totals = SalesTotals()
        if let days = plan.fullDays {
            totals = totals + (try dayTotals(chargeCode: query.chargeCode, fromDay: days.from, toDay: days.to, on: db))
        }
        for edge in plan.edges {
            totals = totals + (try plainTotals(chargeCode: query.chargeCode, from: edge.from, to: edge.to, on: db))
        }
        let total = totals.count(status: query.status)
        let page = SalesPage(sales: [], total: total, revenuePence: totals.revenue(status: query.status))
        guard query.limit > 0, query.offset < total else { return page }

        var upper = query.to
        var offset = query.offset
        if offset >= seekOffsetThreshold {
            (upper, offset) = try seek(query, plan: plan, on: db)
        }
        var result = page
        result.sales = try list(query, upper: upper, offset: offset, on: db)
        return result
    }

    /// Count and pence sums of the sales in `[from, to)` (and of `chargeCode`), computed the plain
    /// way from the rows. The reference the totals tables are checked against; O(matching sales).
    static func plainTotals(chargeCode: String?, from: Int64?, to: Int64?,
                            on db: isolated SQLiteConnection) throws(StoreError) -> SalesTotals {
        let lower = from.map(UTCTime.format) ?? ""
        let upper = to.map(UTCTime.format) ?? "~"
        let sums = """
            SELECT COALESCE(SUM(status = 'completed'), 0),
                   COALESCE(SUM(CASE WHEN status = 'completed' THEN total_amount END), 0),
                   COALESCE(SUM(status = 'refunded'), 0),
                   COALESCE(SUM(CASE WHEN status = 'refunded' THEN total_amount END), 0)
            """
        let rows: [[SQLValue]]
        if let chargeCode {
            rows = try db.query(sums + """
                 FROM sales INDEXED BY idx_sales_code_created_totals
                WHERE charge_code = ? AND created_at >= ? AND created_at < ?
                """, [.text(chargeCode), .text(lower), .text(upper)])
        } else {
            rows = try db.query(sums + """
                 FROM sales INDEXED BY idx_sales_created_totals WHERE created_at >= ? AND created_at < ?
                """, [.text(lower), .text(upper)])
        }
        return try totals(rows, sql: "plain sales totals")
    }

    /// Sums of the totals tables over the UTC days `[fromDay, toDay)` (`YYYY-MM-DD`; "" and "~"
    /// stand for no bound).
    static func dayTotals(chargeCode: String?, fromDay: String, toDay: String,
                          on db: isolated SQLiteConnection) throws(StoreError) -> SalesTotals {
        let sums = """
            SELECT COALESCE(SUM(completed_count), 0), COALESCE(SUM(completed_pence), 0),
                   COALESCE(SUM(refunded_count), 0), COALESCE(SUM(refunded_pence), 0)
            """
        let rows: [[SQLValue]]
        if let chargeCode {
            rows = try db.query(sums + " FROM sales_code_day_totals WHERE charge_code = ? AND day >= ? AND day < ?",
                                [.text(chargeCode), .text(fromDay), .text(toDay)])
        } else {
            rows = try db.query(sums + " FROM sales_day_totals WHERE day >= ? AND day < ?",
                                [.text(fromDay), .text(toDay)])
        }
        return try totals(rows, sql: "sales day totals")
    }

    private static func totals(_ rows: [[SQLValue]], sql: String) throws(StoreError) -> SalesTotals {
        guard let row = rows.first, row.count == 4, let completed = row[0].intValue, let completedPence = row[1].intValue,
              let refunded = row[2].intValue, let refundedPence = row[3].intValue else {
            throw .sqlite(code: 20, message: "unexpected result shape", sql: sql)  // SQLITE_MISMATCH
        }
        return SalesTotals(completedCount: completed, completedPence: completedPence, refundedCount: refunded,
                           refundedPence: refundedPence)
    }

    /// For a deep page: an upper time bound and a small offset below it that reach the same row
    /// as `query.offset` from the top. Walks the segments of the range newest first: the partial
    /// day at the top, the whole days (by their totals), then the partial day at the bottom.
    private static func seek(_ query: SalesQuery, plan: RangePlan,
                             on db: isolated SQLiteConnection) throws(StoreError) -> (upper: Int64?, offset: Int64) {
        var remaining = query.offset
        var upper = query.to
        if let top = plan.upperEdge {
            let count = try plainTotals(chargeCode: query.chargeCode, from: top.from, to: top.to, on: db)
                .count(status: query.status)
            if remaining < count { return (upper, remaining) }
            remaining -= count
            upper = top.from
        }
        guard let days = plan.fullDays else { return (upper, remaining) }
        let perDay: String
        switch query.status {
        case nil: perDay = "completed_count + refunded_count"
        case .completed?: perDay = "completed_count"
        case .refunded?: perDay = "refunded_count"
        case .paid?: perDay = "0"
        }
        let table = query.chargeCode == nil ? "sales_day_totals" : "sales_code_day_totals"
        let codeFilter = query.chargeCode == nil ? "" : "charge_code = ? AND "
        let sql = """
            SELECT day, running - n
            FROM (SELECT day, \(perDay) AS n,
                         SUM(\(perDay)) OVER (ORDER BY day DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
                  FROM \(table) WHERE \(codeFilter)day >= ? AND day < ?)
            WHERE running > ? ORDER BY day DESC LIMIT 1
            """
        var bindings: [SQLValue] = query.chargeCode.map { [.text($0)] } ?? []
        bindings += [.text(days.from), .text(days.to), .integer(remaining)]
        if let row = try db.query(sql, bindings).first, row.count == 2, let dayText = row[0].stringValue,
           let day = UTCTime.parseDay(dayText), let before = row[1].intValue {
            let endOfDay = (day + 1) * UTCTime.secondsPerDay
            return (upper.map { min($0, endOfDay) } ?? endOfDay, remaining - before)
        }
        // Past every whole day: the page starts in the partial day at the bottom.
        let inDays = try dayTotals(chargeCode: query.chargeCode, fromDay: days.from, toDay: days.to, on: db)
            .count(status: query.status)
        return (plan.lowerEdge?.to ?? upper, remaining - inDays)
    }

    /// The sales matching `query`'s filters below `upper`, newest first, `offset` skipped.
    private static func list(_ query: SalesQuery, upper: Int64?, offset: Int64,
                             on db: isolated SQLiteConnection) throws(StoreError) -> [SaleRecord] {
        var conditions: [String] = []
        var bindings: [SQLValue] = []
        let index: String
        if let code = query.chargeCode {
            conditions.append("s.charge_code = ?")
            bindings.append(.text(code))
            index = "idx_sales_charge_code"
        } else if query.status != nil {
            index = "idx_sales_status"
        } else {
            index = "idx_sales_created"
        }
        if let status = query.status {
            conditions.append("s.status = ?")
            bindings.append(.text(status.rawValue))
        }
        if let from = query.from {
            conditions.append("s.created_at >= ?")
            bindings.append(.text(UTCTime.format(from)))
        }
        if let upper {
            conditions.append("s.created_at < ?")
            bindings.append(.text(UTCTime.format(upper)))
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let sql = """
            SELECT s.id, s.sale_id, s.charge_code, s.total_amount, s.subtotal_amount, s.vat_amount,
                   (SELECT COUNT(*) FROM sale_items si WHERE si.sale_id = s.id), s.status, s.created_at
            FROM sales s INDEXED BY \(index)\(filter)
            ORDER BY s.created_at DESC, s.id DESC LIMIT ? OFFSET ?
            """
        bindings += [.integer(Int64(query.limit)), .integer(offset)]
        return try db.query(sql, bindings).map { row throws(StoreError) in
            guard row.count == 9, let id = row[0].intValue, let ref = row[1].stringValue, let code = row[2].stringValue,
                  let total = row[3].intValue, let subtotal = row[4].intValue, let vat = row[5].intValue,
                  let lines = row[6].intValue, let status = row[7].stringValue, let created = row[8].stringValue else {
                throw .sqlite(code: 20, message: "a sales row has an unexpected type", sql: "SELECT s.id, s.sale_id …")
            }
            return SaleRecord(id: id, saleRef: ref, chargeCode: code, totalPence: total, subtotalPence: subtotal,
                              vatPence: vat, lineCount: lines, status: status, createdAt: created)
        }
    }
}

/// A time range `[from, to)` split into whole UTC days, served by the totals tables, and the
/// partial days at either end, counted from the rows.
struct RangePlan: Equatable {
    /// Whole days `[from, to)` as `YYYY-MM-DD` ("" and "~" when unbounded), or nil when none.
    var fullDays: (from: String, to: String)?
    /// The partial day below the whole days.
    var lowerEdge: (from: Int64, to: Int64)?
    /// The partial day above the whole days.
    var upperEdge: (from: Int64, to: Int64)?
    /// Whether the range holds no instant at all.
    var isEmpty = false

    /// The partial ranges counted from rows: the lower edge, the upper edge, or the whole range
    /// when it has no whole day.
    var edges: [(from: Int64, to: Int64)] { [lowerEdge, upperEdge].compactMap { $0 } }

    init(from: Int64?, to: Int64?) {
        let lower = from.map(UTCTime.clamp)
        let upper = to.map(UTCTime.clamp)
        if let lower, let upper, lower >= upper {
            isEmpty = true
            return
        }
        let day = UTCTime.secondsPerDay
        let firstDay = lower.map { UTCTime.day(of: $0) + ($0 % day == 0 ? 0 : 1) }
        let endDay = upper.map { UTCTime.day(of: $0) }
        if let firstDay, let endDay, firstDay >= endDay, let lower, let upper {
            lowerEdge = (lower, upper)  // no whole day inside: all of it from the rows
            return
        }
        fullDays = (firstDay.map(UTCTime.formatDay) ?? "", endDay.map(UTCTime.formatDay) ?? "~")
        if let lower, let firstDay, lower < firstDay * day {
            lowerEdge = (lower, firstDay * day)
        }
        if let upper, let endDay, upper > endDay * day {
            upperEdge = (endDay * day, upper)
        }
    }

    static func == (lhs: RangePlan, rhs: RangePlan) -> Bool {
        lhs.fullDays?.from == rhs.fullDays?.from && lhs.fullDays?.to == rhs.fullDays?.to
            && lhs.lowerEdge?.from == rhs.lowerEdge?.from && lhs.lowerEdge?.to == rhs.lowerEdge?.to
            && lhs.upperEdge?.from == rhs.upperEdge?.from && lhs.upperEdge?.to == rhs.upperEdge?.to
            && lhs.isEmpty == rhs.isEmpty
    }
}
