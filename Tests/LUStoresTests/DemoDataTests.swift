import Foundation
import Store
import Testing

/// `demo-data`: deterministic, consistent, realistic, and only into an empty store.
@Suite("Demo data")
struct DemoDataTests {
    /// 2026-11-25T12:00:00Z (a Wednesday, mid-morning trading), the end of the runs below.
    static let end: Int64 = 1_795_608_000

    static func dump(_ store: Store) async throws -> [[SQLValue]] {
        var rows: [[SQLValue]] = []
        for table in ["categories", "items", "charge_codes", "sales", "sale_items", "sales_day_totals", "sales_code_day_totals"] {
            rows += try await store.writer.query("SELECT * FROM \(table) ORDER BY 1, 2")
        }
        return rows
    }

    static func generate(_ options: DemoDataOptions) async throws -> [[SQLValue]] {
        try await DataFixture.withStore { store in
            _ = try await DemoData.generate(options, into: store)
            return try await dump(store)
        }
    }

    @Test("the same options give the same rows; another seed gives others")
    func deterministic() async throws {
        let options = DemoDataOptions(sales: 800, items: 60, seed: 7, end: Self.end)
        let first = try await Self.generate(options)
        #expect(first.count > 800)
        #expect(try await Self.generate(options) == first)
        var other = options
        other.seed = 8
        #expect(try await Self.generate(other) != first)
    }

    @Test("every sale adds up: lines rounded half-up, totals the sums; 1–6 lines; realistic mix")
    func consistent() async throws {
        try await DataFixture.withStore { store in
            let summary = try await DemoData.generate(DemoDataOptions(sales: 3000, items: 200, seed: 1, end: Self.end),
                                                      into: store)
            #expect(summary.sales == 3000 && summary.items == 200 && summary.categories == 13)
            #expect(summary.chargeCodes == DemoDataOptions.chargeCodeCount)
            let db = store.writer
            func count(_ sql: String) async throws -> Int64 { try await db.query(sql)[0][0].intValue ?? -1 }
            #expect(try await count("SELECT COUNT(*) FROM sales") == 3000)
            #expect(try await count("SELECT COUNT(*) FROM sale_items") == Int64(summary.lines))
            // Lines: subtotal = price × quantity and VAT = subtotal × rate, each half-up to the penny.
            let lines = try await db.query("SELECT unit_price, quantity, vat_rate, subtotal, vat_amount, total_with_vat FROM sale_items")
            for line in lines {
                let price = line[0].intValue!, quantity = Int64((line[1].doubleValue! * 1000).rounded())
                let rate = Int64((line[2].doubleValue! * 10_000).rounded())
                let subtotal = ScaledDecimal.lineSubtotal(unitPricePence: price, quantityThousandths: quantity)
                #expect(line[3].intValue == subtotal)
                #expect(line[4].intValue == ScaledDecimal.lineVAT(subtotalPence: line[3].intValue!, rateTenThousandths: rate))
                #expect(line[5].intValue == line[3].intValue! + line[4].intValue!)
            }
            #expect(try await count("""
                SELECT COUNT(*) FROM sales s JOIN (SELECT sale_id, SUM(subtotal) sub, SUM(vat_amount) vat, COUNT(*) n
                                                   FROM sale_items GROUP BY sale_id) l ON l.sale_id = s.id
                WHERE s.subtotal_amount = l.sub AND s.vat_amount = l.vat AND s.total_amount = l.sub + l.vat
                  AND l.n BETWEEN 1 AND 6
                """) == 3000)
            #expect(try await count("SELECT COUNT(DISTINCT sale_id) FROM sales") == 3000)
            #expect(try await count("""
                SELECT COUNT(*) FROM sales WHERE sale_id != 'S' || replace(replace(replace(replace(created_at, '-', ''),
                                                                     ':', ''), 'T', ''), 'Z', '')
                """) == 0)
            #expect(try await count("SELECT COUNT(*) FROM sales WHERE charge_code NOT IN (SELECT code FROM charge_codes)") == 0)
            let refunds = try await count("SELECT COUNT(*) FROM sales WHERE status = 'refunded'")
            #expect((30...150).contains(refunds))  // 2.5% of 3000 is 75
            #expect(try await count("SELECT COUNT(*) FROM sale_items WHERE vat_rate = 0") > 0)  // books
            #expect(try await count("SELECT COUNT(*) FROM sale_items WHERE quantity != CAST(quantity AS INTEGER)") > 0)
            #expect(try await count("SELECT COUNT(*) FROM items WHERE current_stock <= minimum_stock") > 0)
            #expect(try await count("SELECT COUNT(*) FROM items WHERE is_active = 0") > 0)
            #expect(try await count("SELECT COUNT(DISTINCT category_id) FROM items") == 13)
            #expect(try await count("SELECT COUNT(DISTINCT charge_code) FROM sales") > 20)
            // Opening hours, before the end, on every day of two years: weekends and today too.
            let times = try await db.query("SELECT created_at FROM sales").map { UTCTime.parseStored($0[0].stringValue!)! }
            #expect(times.allSatisfy { $0 < Self.end })
            #expect(times.allSatisfy { ($0 % 86_400) >= 30_600 && ($0 % 86_400) < 61_200 })
            let days = Set(times.map { UTCTime.day(of: $0) })
            let lastDay = UTCTime.day(of: Self.end)
            let missing = (lastDay - Int64(DemoDataOptions.historyDays) + 1...lastDay).filter { !days.contains($0) }
            #expect(missing.isEmpty, "days without a sale: \(missing.prefix(10).map { UTCTime.format($0 * 86_400) })")
            #expect(days.contains { (UTCTime.day(of: $0 * 86_400) + 3) % 7 == 5 }, "a Saturday has sales")
            #expect((times.max() ?? 0) > Self.end - 7 * 86_400)
            #expect((times.min() ?? .max) < Self.end - 700 * 86_400)
            #expect(try await count("SELECT COUNT(*) FROM sales WHERE created_at >= '2026-11-25T00:00:00Z'") > 0)  // today
        }
    }

    @Test("the totals tables agree with the rows after a run")
    func totalsAgree() async throws {
        try await DataFixture.withStore { store in
            _ = try await DemoData.generate(DemoDataOptions(sales: 2500, items: 100, seed: 3, end: Self.end), into: store)
            let page = try await SalesQueries.page(SalesQuery(chargeCode: "DEPT001", from: Self.end - 400 * 86_400 + 1234,
                                                              to: Self.end - 86_400 * 3, limit: 5), in: store)
            let plain = try await store.writer.query("""
                SELECT COUNT(*), SUM(CASE WHEN status = 'completed' THEN total_amount ELSE 0 END) FROM sales
                WHERE charge_code = 'DEPT001' AND created_at >= ? AND created_at < ?
                """, [.text(UTCTime.format(Self.end - 400 * 86_400 + 1234)), .text(UTCTime.format(Self.end - 86_400 * 3))])
            #expect(page.total == plain[0][0].intValue && page.revenuePence == plain[0][1].intValue)
            #expect(page.total > 0)
        }
    }

    @Test("an end before opening time still gives today sales, in its first hours")
    func todayBeforeOpening() async throws {
        try await DataFixture.withStore { store in
            let early = Self.end - 6 * 3600  // 06:00 UTC
            _ = try await DemoData.generate(DemoDataOptions(sales: 1000, items: 50, seed: 5, end: early), into: store)
            let today = UTCTime.format(UTCTime.day(of: early) * 86_400)
            let rows = try await store.writer.query("SELECT COUNT(*), MAX(created_at) FROM sales WHERE created_at >= ?",
                                                    [.text(today)])
            #expect((rows[0][0].intValue ?? 0) > 0, "today has sales")
            #expect((rows[0][1].stringValue.flatMap(UTCTime.parseStored) ?? .max) < early)
        }
    }

    @Test("a store with data is refused and left as it was")
    func refusesNonEmpty() async throws {
        try await DataFixture.withStore { store in
            try await DataFixture.insertItems(store)
            let before = try await Self.dump(store)
            await #expect(throws: DemoDataError.notEmpty(items: 6, sales: 0)) {
                _ = try await DemoData.generate(DemoDataOptions(end: Self.end), into: store)
            }
            #expect(try await Self.dump(store) == before)
        }
    }

    @Test("counts outside their limits are refused")
    func limits() async throws {
        try await DataFixture.withStore { store in
            await #expect(throws: DemoDataError.self) {
                _ = try await DemoData.generate(DemoDataOptions(sales: -1, end: Self.end), into: store)
            }
            await #expect(throws: DemoDataError.self) {
                _ = try await DemoData.generate(DemoDataOptions(items: 0, end: Self.end), into: store)
            }
            await #expect(throws: DemoDataError.self) {
                _ = try await DemoData.generate(DemoDataOptions(sales: DemoDataOptions.maximumSales + 1, end: Self.end),
                                                into: store)
            }
            let items = try await store.writer.query("SELECT COUNT(*) FROM items")
            #expect(items.first?.first == .integer(0))
        }
    }

    @Test("a run into a file goes through the rollback journal, alone or beside another connection")
    func runAtPath() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lustores-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.path + "/nested/demo.sqlite"
        let options = DemoDataOptions(sales: 700, items: 50, seed: 9, end: Self.end)
        let summary = try await DemoData.generate(options, atPath: path)
        #expect(summary.sales == 700)
        let store = try await Store.open(path: path)
        #expect(try await store.writer.query("PRAGMA journal_mode") == [[.text("delete")]])
        #expect(try await Self.dump(store) == Self.generate(options))  // the same rows as through a store
        // With another connection open, the run still writes everything.
        let other = directory.path + "/other.sqlite"
        let held = try await Store.open(path: other)
        #expect(try await DemoData.generate(options, atPath: other).sales == 700)
        #expect(try await held.reader().query("SELECT COUNT(*) FROM sales") == [[.integer(700)]])
    }
}
