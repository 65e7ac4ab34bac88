import Foundation
import Store
import Testing
@testable import LUStores

/// The kept totals of `analyze_sales` stay exact through every way sales and lines change: demo
/// data, imports (new, repeated, failed), refunds, deletes, edited and added lines, inserts by other
/// programs, items moving category, reopening, and the migration of a database that already has
/// sales. After each step every grouping over several ranges is compared with figures computed here
/// from the raw rows, without the server's queries.
@Suite("Kept sales totals")
struct KeptTotalsTests {
    struct SaleRow {
        let id: Int64
        let code: String
        let status: String
        let total: Int64
        let vat: Int64
        let at: Int64
    }

    struct LineRow {
        let sale: Int64
        let item: String
        let category: String
        let total: Int64
        let vat: Int64
        let quantity: Int64
    }

    /// The rows as they are, read plainly.
    static func rows(_ store: Store) async throws -> (sales: [SaleRow], lines: [Int64: [LineRow]]) {
        let sales = try await store.writer.query("SELECT id, charge_code, status, total_amount, vat_amount, created_at FROM sales").map {
            SaleRow(id: $0[0].intValue!, code: $0[1].stringValue!, status: $0[2].stringValue!, total: $0[3].intValue!,
                    vat: $0[4].intValue!, at: Int64(ISO8601DateFormatter().date(from: $0[5].stringValue!)!.timeIntervalSince1970))
        }
        var lines: [Int64: [LineRow]] = [:]
        for row in try await store.writer.query("""
            SELECT si.sale_id, si.item_id, c.name, si.total_with_vat, si.vat_amount, si.quantity FROM sale_items si
            LEFT JOIN items i ON i.id = si.item_id LEFT JOIN categories c ON c.id = i.category_id
            """) {
            let sale = row[0].intValue!
            lines[sale, default: []].append(LineRow(sale: sale, item: row[1].intValue.map { String($0) } ?? "",
                                                    category: row[2].stringValue ?? "", total: row[3].intValue!,
                                                    vat: row[4].intValue!, quantity: Int64((row[5].doubleValue! * 1000).rounded())))
        }
        return (sales, lines)
    }

    /// What `query` should answer, from the rows: groups by key (or periods), totals.
    static func expected(_ query: SalesAnalysisQuery, _ data: (sales: [SaleRow], lines: [Int64: [LineRow]]))
        -> (groups: [String: SalesFigures], periods: [SalesFigures], totals: SalesFigures)
    {
        var groups: [String: SalesFigures] = [:]
        var distinct: [String: Set<Int64>] = [:]
        var periods: [SalesFigures] = []
        var totals = SalesFigures()
        var linedSales = Set<Int64>()
        var cuts: [Int64] = []
        if case .periods(let boundaries) = query.grouping {
            cuts = boundaries.map { min(max($0, query.from ?? .min), query.to ?? .max) }
            periods = Array(repeating: SalesFigures(), count: max(0, cuts.count - 1))
        }
        for sale in data.sales {
            if let code = query.chargeCode, sale.code != code { continue }
            if let status = query.status, sale.status != status.rawValue { continue }
            if let from = query.from, sale.at < from { continue }
            if let to = query.to, sale.at >= to { continue }
            let earning = sale.status == "completed" || sale.status == "paid"
            let lines = data.lines[sale.id] ?? []
            let quantity = lines.reduce(0) { $0 + $1.quantity }
            let figures = SalesFigures(count: 1, revenuePence: earning ? sale.total : 0, vatPence: earning ? sale.vat : 0,
                                       quantityThousandths: earning ? quantity : 0)
            switch query.grouping {
            case .chargeCode, .status:
                let key = query.grouping == .chargeCode ? sale.code : sale.status
                groups[key, default: SalesFigures()] = groups[key, default: SalesFigures()] + figures
                totals = totals + figures
            case .periods:
                guard let index = cuts.indices.dropLast().first(where: { cuts[$0] <= sale.at && sale.at < cuts[$0 + 1] }) else { continue }
                periods[index] = periods[index] + figures
                totals = totals + figures
            case .item, .category:
                guard earning else { continue }
                for line in lines {
                    let key = query.grouping == .item ? line.item : line.category
                    distinct[key, default: []].insert(sale.id)
                    linedSales.insert(sale.id)
                    let old = groups[key, default: SalesFigures()]
                    groups[key] = SalesFigures(count: Int64(distinct[key]!.count), revenuePence: old.revenuePence + line.total,
                                               vatPence: old.vatPence + line.vat, quantityThousandths: old.quantityThousandths + line.quantity)
                    totals = totals + SalesFigures(revenuePence: line.total, vatPence: line.vat, quantityThousandths: line.quantity)
                }
            }
        }
        if query.grouping == .item || query.grouping == .category { totals.count = Int64(linedSales.count) }
        return (groups, periods, totals)
    }

    /// Period boundaries: every local midnight of `zone` from `first` for `days` days, and calendar months.
    static func midnights(_ zone: String, from first: Int64, days: Int) -> [Int64] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        let start = calendar.startOfDay(for: Date(timeIntervalSince1970: TimeInterval(first)))
        return (0...days).map { Int64(calendar.date(byAdding: .day, value: $0, to: start)!.timeIntervalSince1970) }
    }

    static func months(_ zone: String, from first: Int64, count: Int) -> [Int64] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        let start = calendar.date(from: calendar.dateComponents([.year, .month], from: Date(timeIntervalSince1970: TimeInterval(first))))!
        return (0...count).map { Int64(calendar.date(byAdding: .month, value: $0, to: start)!.timeIntervalSince1970) }
    }

    /// Compares every grouping over several ranges and filters with the rows.
    static func check(_ store: Store, _ step: String) async throws {
        let data = try await rows(store)
        guard let first = data.sales.map(\.at).min(), let last = data.sales.map(\.at).max() else {
            Issue.record("\(step): no sales")
            return
        }
        let busiest = Dictionary(grouping: data.sales, by: \.code).max { $0.value.count < $1.value.count }?.key
        let ranges: [(Int64?, Int64?)] = [(nil, nil), (first + 4321, last - 7777), (first - first % 86_400 + 86_400 * 3, nil),
                                          (nil, first + 86_400 * 40 + 1800)]
        let days = Int((last - first) / 86_400) + 2
        let groupings: [SalesAnalysisQuery.Grouping] = [
            .chargeCode, .status, .item, .category,
            .periods(boundaries: midnights("UTC", from: first, days: days)),
            .periods(boundaries: midnights("Europe/London", from: first, days: days)),
            .periods(boundaries: midnights("Asia/Kolkata", from: first, days: days)),
            .periods(boundaries: months("America/New_York", from: first, count: days / 28 + 2)),
        ]
        let filters: [(String?, SalesQuery.Status?)] = [(nil, nil), (busiest, nil), (nil, .refunded), (nil, .completed)]
        for grouping in groupings {
            for (from, to) in ranges {
                for (code, status) in filters {
                    let query = SalesAnalysisQuery(grouping: grouping, chargeCode: code, status: status, from: from, to: to)
                    let answer = try await SalesAnalysisQueries.analysis(query, in: store)
                    let expected = expected(query, data)
                    var groups: [String: SalesFigures] = [:]
                    for group in answer.groups { groups[group.key] = group.figures }
                    let what = "\(step): \(grouping) \(from.map(String.init) ?? "-")…\(to.map(String.init) ?? "-") \(code ?? "") \(status?.rawValue ?? "")"
                    #expect(groups == expected.groups, "\(what)")
                    #expect(answer.periods == expected.periods, "\(what)")
                    #expect(answer.totals == expected.totals, "\(what)")
                }
            }
        }
    }

    static func dirtyDays(_ store: Store) async throws -> Int64 {
        try await store.writer.query("SELECT COUNT(*) FROM analysis_dirty_days").first?.first?.intValue ?? -1
    }

    static func settle(_ store: Store) async throws {
        try await store.writer.transaction { db in try KeptSalesTotals.settle(on: db) }
    }

    @Test("every write path keeps the answers equal to the rows, before and after dirty days are rebuilt")
    func everyWritePath() async throws {
        try await DataFixture.withStore { store in
            _ = try await DemoData.generate(DemoDataOptions(sales: 700, items: 40, seed: 11, end: DemoDataTests.end), into: store)
            #expect(try await Self.dirtyDays(store) == 0)
            try await Self.check(store, "demo data")

            _ = try await ImportTests.importJSON(ImportTests.document, into: store)
            try await Self.check(store, "import")
            _ = try await ImportTests.importJSON(ImportTests.document, into: store)
            try await Self.check(store, "repeated import")
            await #expect(throws: (any Error).self) {
                _ = try await ImportTests.importJSON("""
                    {"sales": [{"sale_id": "S77", "charge_code": "DEPT001", "timestamp": "2025-06-12T08:00:00Z",
                                "lines": [{"sku": "CHM-1", "quantity": 1, "unit_price": 1, "vat_rate": 0}]},
                               {"sale_id": "S78", "charge_code": "NOPE", "timestamp": "2025-06-12T08:00:00Z",
                                "lines": [{"sku": "CHM-1", "quantity": 1, "unit_price": 1, "vat_rate": 0}]}]}
                    """, into: store)
            }
            try await Self.check(store, "failed import")
            #expect(try await Self.dirtyDays(store) == 0)

            // Changes made by other programs: each marks its days, readers take them from the rows.
            let changes: [(String, [String])] = [
                ("refund", ["UPDATE sales SET status = 'refunded' WHERE id IN (SELECT id FROM sales WHERE status = 'completed' ORDER BY id LIMIT 3)"]),
                ("delete", ["DELETE FROM sale_items WHERE sale_id = 20", "DELETE FROM sales WHERE id = 20"]),
                ("edit lines", ["UPDATE sale_items SET quantity = quantity + 0.5, total_with_vat = total_with_vat + 7 WHERE id = 31",
                                "INSERT INTO sale_items (sale_id, item_id, item_name, item_sku, unit_price, vat_rate, quantity, subtotal, "
                                    + "vat_amount, total_with_vat) SELECT 40, id, name, sku, 100, 0, 0.333, 33, 0, 33 FROM items LIMIT 1",
                                "DELETE FROM sale_items WHERE id = (SELECT MIN(id) FROM sale_items WHERE sale_id = 50)"]),
                ("insert outside a batch", [
                    "INSERT INTO sales (sale_id, charge_code, subtotal_amount, vat_amount, total_amount, status, is_paid, created_at) "
                        + "SELECT 'X1', code, 1000, 0, 1000, 'completed', 1, '2026-11-20T23:30:00Z' FROM charge_codes LIMIT 1",
                    "INSERT INTO sale_items (sale_id, item_id, item_name, item_sku, unit_price, vat_rate, quantity, subtotal, vat_amount, "
                        + "total_with_vat) SELECT (SELECT id FROM sales WHERE sale_id = 'X1'), id, name, sku, 1000, 0, 1, 1000, 0, 1000 "
                        + "FROM items LIMIT 1"]),
                ("move an item to another category", [
                    "UPDATE items SET category_id = (SELECT MAX(id) FROM categories) "
                        + "WHERE id = (SELECT item_id FROM sale_items GROUP BY item_id ORDER BY COUNT(*) DESC LIMIT 1)"]),
            ]
            for (step, statements) in changes {
                try await store.writer.transaction { db in
                    for statement in statements { try db.run(statement) }
                }
                #expect(try await Self.dirtyDays(store) > 0, "\(step)")
                try await Self.check(store, step)
                try await Self.settle(store)
                #expect(try await Self.dirtyDays(store) == 0, "\(step)")
                try await Self.check(store, step + ", settled")
            }

            // A dirty day left by another program is rebuilt when the store is opened again.
            try await store.writer.run("UPDATE sales SET status = 'completed' WHERE status = 'refunded' AND id % 2 = 0")
            #expect(try await Self.dirtyDays(store) > 0)
            let reopened = try await Store.open(path: store.path)
            #expect(try await Self.dirtyDays(reopened) == 0)
            try await Self.check(reopened, "reopened")
        }
    }

    @Test("migration 3 fills the totals of a database that already has sales")
    func migrationFills() async throws {
        try await DataFixture.withStore { made in
            _ = try await DemoData.generate(DemoDataOptions(sales: 400, items: 30, seed: 5, end: DemoDataTests.end), into: made)
            // The same rows in a database at version 2, then opened (migrated) by this build.
            let path = made.path + ".v2.sqlite"
            let old = try SQLiteConnection(path: path, readOnly: false)
            try await Migrator.migrate(old, migrations: Array(Migrations.all.prefix(2)))
            try await old.execute("ATTACH DATABASE '\(made.path)' AS made")
            for table in ["categories", "charge_codes", "items", "sales", "sale_items"] {
                try await old.execute("INSERT INTO main.\(table) SELECT * FROM made.\(table)")
            }
            try await old.execute("DETACH DATABASE made")
            let store = try await Store.open(path: path)
            #expect(try await store.schemaVersion() == 3)
            #expect(try await Self.dirtyDays(store) == 0)
            try await Self.check(store, "migrated")
        }
    }
}
