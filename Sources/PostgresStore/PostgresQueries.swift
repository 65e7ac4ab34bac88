import CLibPQ
import Store

/// The SQL of the LUStores contract and the mapping of its rows onto store records.
///
/// Guarantees: every value is bound (`$n`), never spliced; the WHERE clause lists its filters in one
/// fixed order, so each combination of filters is one prepared statement; rows whose `created_at`
/// is NULL are never read; money is parsed as exact pence.
enum PostgresQueries {
    // MARK: get_sales

    /// The summary (count, revenue) and the page with its line counts from one grouped join.
    static func sales(_ query: SalesQuery) -> [BoundStatement] {
        var conditions = ["s.created_at IS NOT NULL"]
        var types: [Oid] = []
        var values: [String] = []
        func bind(_ condition: (String) -> String, _ type: Oid, _ value: String) {
            types.append(type)
            values.append(value)
            conditions.append(condition("$\(values.count)"))
        }
        if let code = query.chargeCode { bind({ "upper(s.charge_code) = upper(\($0))" }, PGType.text, code) }
        if let from = query.from { bind({ "s.created_at >= \($0)" }, PGType.timestamp, timestamp(from)) }
        if let to = query.to { bind({ "s.created_at < \($0)" }, PGType.timestamp, timestamp(to)) }
        if let status = query.status { bind({ "s.status = \($0)" }, PGType.text, status.rawValue) }
        let clause = conditions.joined(separator: " AND ")
        let summary = "SELECT count(*), COALESCE(sum(s.total_amount) FILTER (WHERE s.status IN ('completed', 'paid')), 0) "
            + "FROM sales s WHERE \(clause)"
        let limit = values.count + 1
        let page = "WITH page AS (SELECT s.id, s.sale_id, s.charge_code, s.total_amount, s.subtotal_amount, s.vat_amount, "
            + "s.status, s.created_at FROM sales s WHERE \(clause) "
            + "ORDER BY s.created_at DESC, s.id DESC LIMIT $\(limit) OFFSET $\(limit + 1)) "
            + "SELECT p.id, p.sale_id, p.charge_code, p.total_amount, p.subtotal_amount, p.vat_amount, "
            + "COALESCE(l.n, 0), p.status, p.created_at FROM page p "
            + "LEFT JOIN (SELECT si.sale_id, count(*) AS n FROM sale_items si "
            + "WHERE si.sale_id IN (SELECT id FROM page) GROUP BY si.sale_id) l ON l.sale_id = p.id "
            + "ORDER BY p.created_at DESC, p.id DESC"
        return [
            BoundStatement(sql: summary, types: types, values: values),
            BoundStatement(sql: page, types: types + [PGType.int8, PGType.int8],
                           values: values + [String(max(0, query.limit)), String(max(0, query.offset))]),
        ]
    }

    static func salesPage(_ results: [PGRows]) throws(PostgresError) -> SalesPage {
        guard results.count == 2, results[0].count == 1 else { throw shape("sales") }
        let summary = results[0]
        let rows = results[1]
        var sales: [SaleRecord] = []
        sales.reserveCapacity(rows.count)
        for row in 0..<rows.count {
            sales.append(SaleRecord(id: try rows.int64(row, 0), saleRef: try rows.text(row, 1),
                                    chargeCode: try rows.text(row, 2), totalPence: try rows.pence(row, 3),
                                    subtotalPence: try rows.pence(row, 4), vatPence: try rows.pence(row, 5),
                                    lineCount: try rows.int64(row, 6), status: try rows.text(row, 7),
                                    createdAt: try rows.utcSecond(row, 8)))
        }
        return SalesPage(sales: sales, total: try summary.int64(0, 0), revenuePence: try summary.pence(0, 1))
    }

    /// `created_at` holds naive UTC: the bound is bound as a `timestamp` in that form.
    static func timestamp(_ seconds: Int64) -> String {
        String(UTCTime.format(seconds).dropLast())  // YYYY-MM-DDTHH:MM:SS
    }

    // MARK: get_inventory

    /// The summary (count, low on stock, stock value rounded once), the page, every category.
    static func inventory(_ filter: InventoryFilter, offset: Int64, limit: Int) -> [BoundStatement] {
        var conditions: [String] = []
        var types: [Oid] = []
        var values: [String] = []
        if !filter.includeInactive { conditions.append("i.is_active") }
        if let category = filter.category {
            types.append(PGType.text)
            values.append(category)
            conditions.append("c.name = $\(values.count)")
        }
        if let search = filter.search, !search.isEmpty {
            var pattern = "%"
            for character in search {
                if character == "\\" || character == "%" || character == "_" { pattern.append("\\") }
                pattern.append(character)
            }
            pattern.append("%")
            types.append(PGType.text)
            values.append(pattern)
            conditions.append("(i.name ILIKE $\(values.count) OR i.sku ILIKE $\(values.count))")
        }
        if filter.lowStockOnly { conditions.append("i.current_stock <= i.minimum_stock") }
        let source = "FROM items i JOIN categories c ON c.id = i.category_id"
            + (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "))
        let summary = "SELECT count(*), count(*) FILTER (WHERE i.current_stock <= i.minimum_stock), "
            + "round(COALESCE(sum(i.current_stock * i.price), 0), 2) \(source)"
        let limitIndex = values.count + 1
        let page = "SELECT i.id, i.sku, i.name, c.name, i.current_stock, i.minimum_stock, i.unit, COALESCE(i.location, ''), "
            + "i.price, i.vat_rate, i.vat_included, i.is_active \(source) ORDER BY i.name, i.id "
            + "LIMIT $\(limitIndex) OFFSET $\(limitIndex + 1)"
        return [
            BoundStatement(sql: summary, types: types, values: values),
            BoundStatement(sql: page, types: types + [PGType.int8, PGType.int8],
                           values: values + [String(max(0, limit)), String(max(0, offset))]),
            BoundStatement(sql: "SELECT name FROM categories ORDER BY name", types: [], values: []),
        ]
    }

    static func inventoryPage(_ results: [PGRows]) throws(PostgresError) -> InventoryPage {
        guard results.count == 3, results[0].count == 1 else { throw shape("inventory") }
        let summary = results[0]
        let rows = results[1]
        var items: [ItemRecord] = []
        items.reserveCapacity(rows.count)
        for row in 0..<rows.count {
            items.append(ItemRecord(id: try rows.int64(row, 0), sku: try rows.text(row, 1), name: try rows.text(row, 2),
                                    category: try rows.text(row, 3), stock: try rows.double(row, 4),
                                    minimumStock: try rows.double(row, 5), unit: try rows.text(row, 6),
                                    location: try rows.text(row, 7), pricePence: try rows.pence(row, 8),
                                    isActive: try rows.bool(row, 11), vatRate: try rows.double(row, 9),
                                    vatIncluded: try rows.bool(row, 10)))
        }
        var categories: [String] = []
        categories.reserveCapacity(results[2].count)
        for row in 0..<results[2].count { categories.append(try results[2].text(row, 0)) }
        return InventoryPage(items: items, categories: categories, total: try summary.int64(0, 0),
                             lowStockCount: try summary.int64(0, 1), stockValuePence: try summary.pence(0, 2))
    }

    // MARK: get_charge_codes

    /// Every charge code; the validity bounds as `YYYY-MM-DD` (their dates as stored).
    static let chargeCodes = BoundStatement(
        sql: "SELECT code, title, to_char(valid_from, 'YYYY-MM-DD'), to_char(valid_until, 'YYYY-MM-DD'), on_hold "
            + "FROM chargecodes ORDER BY code COLLATE \"C\"", types: [], values: [])

    static func chargeCodeRecords(_ results: [PGRows]) throws(PostgresError) -> [ChargeCodeRecord] {
        guard results.count == 1 else { throw shape("charge code") }
        let rows = results[0]
        var codes: [ChargeCodeRecord] = []
        codes.reserveCapacity(rows.count)
        for row in 0..<rows.count {
            let from = rows.isNull(row, 2) ? nil : UTCTime.parseDay(try rows.text(row, 2))
            let until = rows.isNull(row, 3) ? nil : UTCTime.parseDay(try rows.text(row, 3))
            codes.append(ChargeCodeRecord(code: try rows.text(row, 0), title: try rows.text(row, 1), validFrom: from,
                                          validUntil: until, onHold: try rows.bool(row, 4)))
        }
        return codes
    }

    private static func shape(_ what: String) -> PostgresError {
        PostgresError(.unexpectedResult, "the \(what) statements returned an unexpected number of rows")
    }
}
