import Foundation
import Testing
@testable import Store

/// The totals tables of migration 2 and the queries that use them: whatever is written, every
/// figure equals a plain COUNT/SUM over `sales`, and every page equals a plain OFFSET query.
@Suite("Sales totals and queries")
struct SalesTotalsTests {
    /// A deterministic pseudo-random sequence (SplitMix64), so failures reproduce.
    struct Sequence {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }
    }

    static let codes = ["DEPT001", "DEPT002", "DEPT003", "PHY-9"]
    /// 2025-06-07T00:00:00Z; sales fall over the five days from there.
    static let start: Int64 = 1_749_254_400

    /// Inserts `count` sales at random seconds over five days, several sharing a second.
    static func insertSales(_ count: Int, into db: SQLiteConnection, seed: UInt64) async throws {
        var random = Sequence(state: seed)
        for code in codes { try await db.run("INSERT OR IGNORE INTO charge_codes (code, title) VALUES (?, 'x')", [.text(code)]) }
        let rows = (0..<count).map { index -> [SQLValue] in
            let at = start + Int64(random.next(5 * 86_400 / 60)) * 60  // whole minutes: many ties
            return [.text("S\(seed)-\(index)"), .text(codes[random.next(codes.count)]), .integer(Int64(random.next(10_000))),
                    .integer(0), .integer(Int64(random.next(50_000))), .text(random.next(10) == 0 ? "refunded" : "completed"),
                    .integer(1), .text(UTCTime.format(at))]
        }
        try await db.transaction { db in
            for row in rows {
                try db.run("""
                    INSERT INTO sales (sale_id, charge_code, subtotal_amount, vat_amount, total_amount, status, is_paid, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, row)
            }
        }
    }

    /// The figures and page the plain way: COUNT/SUM and ORDER BY … LIMIT … OFFSET over `sales`.
    static func reference(_ query: SalesQuery, _ db: SQLiteConnection) async throws -> SalesPage {
        var conditions = ["1"]
        var bindings: [SQLValue] = []
        if let code = query.chargeCode { conditions.append("charge_code = ?"); bindings.append(.text(code)) }
        if let status = query.status { conditions.append("status = ?"); bindings.append(.text(status.rawValue)) }
        if let from = query.from { conditions.append("created_at >= ?"); bindings.append(.text(UTCTime.format(from))) }
        if let to = query.to { conditions.append("created_at < ?"); bindings.append(.text(UTCTime.format(to))) }
        let filter = conditions.joined(separator: " AND ")
        let figures = try await db.query("""
            SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'completed' THEN total_amount END), 0)
            FROM sales NOT INDEXED WHERE \(filter)
            """, bindings)[0]
        let rows = try await db.query("""
            SELECT id, sale_id, charge_code, total_amount, subtotal_amount, vat_amount, 0, status, created_at
            FROM sales NOT INDEXED WHERE \(filter) ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?
            """, bindings + [.integer(Int64(query.limit)), .integer(query.offset)])
        let sales = rows.map { row in
            SaleRecord(id: row[0].intValue!, saleRef: row[1].stringValue!, chargeCode: row[2].stringValue!,
                       totalPence: row[3].intValue!, subtotalPence: row[4].intValue!, vatPence: row[5].intValue!,
                       lineCount: 0, status: row[7].stringValue!, createdAt: row[8].stringValue!)
        }
        return SalesPage(sales: sales, total: figures[0].intValue!, revenuePence: figures[1].intValue!)
    }

    /// Totals tables rebuilt from scratch, to compare with the trigger-maintained ones.
    static func rebuiltTotals(_ db: SQLiteConnection) async throws -> [[SQLValue]] {
        try await db.query("""
            SELECT charge_code, substr(created_at, 1, 10),
                   SUM(status = 'completed'), SUM(CASE WHEN status = 'completed' THEN total_amount ELSE 0 END),
                   SUM(status = 'refunded'), SUM(CASE WHEN status = 'refunded' THEN total_amount ELSE 0 END)
            FROM sales GROUP BY 1, 2 ORDER BY 1, 2
            """)
    }

    static func maintainedTotals(_ db: SQLiteConnection) async throws -> [[SQLValue]] {
        try await db.query("""
            SELECT charge_code, day, completed_count, completed_pence, refunded_count, refunded_pence
            FROM sales_code_day_totals
            WHERE completed_count != 0 OR refunded_count != 0 OR completed_pence != 0 OR refunded_pence != 0
            ORDER BY 1, 2
            """)
    }

    static func withSalesStore(_ count: Int, seed: UInt64, _ body: (Store) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let store = try await Store.open(path: dir + "/store.sqlite")
            try await insertSales(count, into: store.writer, seed: seed)
            try await body(store)
        }
    }

    @Test("triggers keep both totals tables equal to the rows through inserts, updates and deletes")
    func triggersKeepTotals() async throws {
        try await Self.withSalesStore(600, seed: 7) { store in
            let db = store.writer
            #expect(try await Self.maintainedTotals(db) == Self.rebuiltTotals(db))
            try await db.run("UPDATE sales SET status = 'refunded' WHERE id % 7 = 0 AND status = 'completed'")
            try await db.run("UPDATE sales SET total_amount = total_amount + 13 WHERE id % 5 = 0")
            try await db.run("UPDATE sales SET created_at = '2025-06-01T10:00:00Z' WHERE id % 11 = 0")
            try await db.run("UPDATE sales SET charge_code = 'PHY-9' WHERE id % 13 = 0")
            try await db.run("DELETE FROM sales WHERE id % 17 = 0")
            #expect(try await Self.maintainedTotals(db) == Self.rebuiltTotals(db))
            let days = try await db.query("""
                SELECT day, completed_count, completed_pence, refunded_count, refunded_pence FROM sales_day_totals
                WHERE completed_count != 0 OR refunded_count != 0 ORDER BY day
                """)
            let expected = try await db.query("""
                SELECT substr(created_at, 1, 10), SUM(status = 'completed'),
                       SUM(CASE WHEN status = 'completed' THEN total_amount ELSE 0 END),
                       SUM(status = 'refunded'), SUM(CASE WHEN status = 'refunded' THEN total_amount ELSE 0 END)
                FROM sales GROUP BY 1 ORDER BY 1
                """)
            #expect(days == expected)
        }
    }

    @Test("a rolled-back write leaves the totals as they were")
    func rollbackLeavesTotals() async throws {
        try await Self.withSalesStore(50, seed: 3) { store in
            let before = try await Self.maintainedTotals(store.writer)
            struct Abort: Error {}
            _ = try? await store.writer.transaction { db in
                try db.run("DELETE FROM sales WHERE id < 20")
                throw Abort()
            }
            #expect(try await Self.maintainedTotals(store.writer) == before)
        }
    }

    @Test("migration 2 fills the totals from the rows of an existing (kit) database")
    func migrationFillsTotals() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/kit.sqlite"
            try await makeKitDatabase(at: path)
            let db = try SQLiteConnection(path: path, readOnly: false)
            try await Self.insertSales(300, into: db, seed: 11)
            let store = try await Store.open(path: path)
            #expect(try await store.schemaVersion() == Migrations.latestVersion)
            #expect(try await Self.maintainedTotals(store.writer) == Self.rebuiltTotals(store.writer))
            #expect(try await scalar(store.writer, "SELECT SUM(completed_count + refunded_count) FROM sales_day_totals") == 300)
        }
    }

    @Test("figures and pages equal the plain queries for every kind of filter", arguments: [1 as UInt64, 2, 3])
    func pagesEqualPlainQueries(seed: UInt64) async throws {
        try await Self.withSalesStore(4500, seed: seed) { store in
            var random = Sequence(state: seed &* 31)
            let db = store.reader()
            for _ in 0..<60 {
                var query = SalesQuery(limit: [1, 7, 50, 500][random.next(4)])
                if random.next(2) == 0 { query.chargeCode = Self.codes[random.next(Self.codes.count)] }
                if random.next(3) == 0 { query.status = random.next(2) == 0 ? .completed : .refunded }
                // Bounds on midnights, on whole minutes, or anywhere, inside and outside the data.
                let bound = { (random: inout Sequence) -> Int64 in
                    let day = Self.start + Int64(random.next(7) - 1) * 86_400
                    switch random.next(3) {
                    case 0: return day
                    case 1: return day + Int64(random.next(1440)) * 60
                    default: return day + Int64(random.next(86_400))
                    }
                }
                if random.next(2) == 0 { query.from = bound(&random) }
                if random.next(2) == 0 { query.to = bound(&random) }
                let expectedTotal = try await Self.reference(SalesQuery(chargeCode: query.chargeCode, status: query.status,
                                                                        from: query.from, to: query.to, limit: 1), db).total
                // Offsets: first page, around the seek threshold, deep, last, past the end.
                let offsets: [Int64] = [0, SalesQueries.seekOffsetThreshold - 1, SalesQueries.seekOffsetThreshold,
                                        Int64(random.next(Int(max(1, expectedTotal)))), max(0, expectedTotal - 1),
                                        expectedTotal, expectedTotal + 10]
                for offset in offsets {
                    query.offset = offset
                    let page = try await SalesQueries.page(query, in: store)
                    let expected = try await Self.reference(query, db)  // no sale has lines: counts are 0
                    #expect(page == expected, "\(query)")
                }
            }
        }
    }

    @Test("concatenating every page gives every matching sale exactly once, newest first")
    func pagesConcatenate() async throws {
        try await Self.withSalesStore(2600, seed: 5) { store in
            for limit in [7, 500] {
                var seen: [Int64] = []
                var page: Int64 = 0
                while true {
                    let result = try await SalesQueries.page(SalesQuery(chargeCode: nil, offset: page * Int64(limit), limit: limit),
                                                             in: store)
                    if result.sales.isEmpty { break }
                    seen += result.sales.map(\.id)
                    page += 1
                }
                #expect(seen.count == 2600)
                #expect(Set(seen).count == 2600)
                let order = try await store.writer.query("SELECT id FROM sales ORDER BY created_at DESC, id DESC")
                #expect(seen == order.map { $0[0].intValue! })
            }
        }
    }

    @Test("the line count of each sale is its number of sale_items rows")
    func lineCounts() async throws {
        try await Self.withSalesStore(3, seed: 9) { store in
            try await store.writer.run("INSERT INTO categories (id, name) VALUES (1, 'c')")
            try await store.writer.run("""
                INSERT INTO items (id, sku, name, category_id, price, current_stock, minimum_stock, unit, updated_at)
                VALUES (1, 'A', 'a', 1, 1, 1, 1, 'each', '2025-01-01T00:00:00Z')
                """)
            for (sale, lines) in [(1, 3), (2, 1)] {
                for _ in 0..<lines {
                    try await store.writer.run("""
                        INSERT INTO sale_items (sale_id, item_id, item_name, item_sku, unit_price, vat_rate, quantity,
                                                subtotal, vat_amount, total_with_vat) VALUES (?, 1, 'a', 'A', 1, 0, 1, 1, 0, 1)
                        """, [.integer(Int64(sale))])
                }
            }
            let page = try await SalesQueries.page(SalesQuery(limit: 10), in: store)
            #expect(Dictionary(uniqueKeysWithValues: page.sales.map { ($0.id, $0.lineCount) }) == [1: 3, 2: 1, 3: 0])
        }
    }

    @Test("range plans split into whole UTC days and partial edges")
    func rangePlans() {
        let day: Int64 = 86_400
        let d0 = Self.start
        #expect(RangePlan(from: nil, to: nil) == RangePlan.make(full: ("", "~")))
        #expect(RangePlan(from: d0, to: d0 + day) == RangePlan.make(full: ("2025-06-07", "2025-06-08")))
        #expect(RangePlan(from: d0 + 3600, to: d0 + 7200) == RangePlan.make(lower: (d0 + 3600, d0 + 7200)))
        #expect(RangePlan(from: d0 - 3600, to: d0 + day + 60)
            == RangePlan.make(full: ("2025-06-07", "2025-06-08"), lower: (d0 - 3600, d0), upper: (d0 + day, d0 + day + 60)))
        #expect(RangePlan(from: d0 + 5, to: nil) == RangePlan.make(full: ("2025-06-08", "~"), lower: (d0 + 5, d0 + day)))
        #expect(RangePlan(from: d0, to: d0).isEmpty)
        #expect(RangePlan(from: d0 + 1, to: d0).isEmpty)
    }
}

extension RangePlan {
    static func make(full: (String, String)? = nil, lower: (Int64, Int64)? = nil, upper: (Int64, Int64)? = nil) -> RangePlan {
        var plan = RangePlan(from: nil, to: nil)
        plan.fullDays = full.map { (from: $0.0, to: $0.1) }
        plan.lowerEdge = lower.map { (from: $0.0, to: $0.1) }
        plan.upperEdge = upper.map { (from: $0.0, to: $0.1) }
        return plan
    }
}
