import Foundation
import JSONRPC
import MCP
import Store
import TestExecution
import Testing
@testable import LUStores

/// The daily sales report and the low-stock report, on every engine, against figures worked out
/// here from the fixture rows (not through the code under test).
@Suite struct AssistantReportTests {
    /// The content over `source`, with a monitor and runner on a store of their own.
    static func withContent<T>(_ source: any DataSource, _ body: (AssistantContent) async throws -> T) async throws -> T {
        try await DataFixture.withStore { store in
            let runner = TestRunner(store: store, diskThreshold: 100, settings: .init(suites: try TestSuite.suites(from: nil)))
            let content = AssistantContent(monitor: StatusMonitor(store: store, environment: "test"), source: source,
                                           calendar: ZonedCalendar(identifier: "UTC")!, testRunner: runner,
                                           now: { DataFixture.now })
            return try await body(content)
        }
    }

    @Test(arguments: dataSourceFactories.map { $0 as any DataSourceFactory })
    func theDailyReportSumsTheDaysSalesExactly(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.sales) { source in
            try await Self.withContent(source) { content in
                let day = "2025-06-10"
                let sales = DataFixture.sales.filter { $0.at.hasPrefix(day) }
                let earning = sales.filter { $0.status != "refunded" }
                let refunded = sales.filter { $0.status == "refunded" }
                let report = try await content.salesReport(day: try #require(UTCTime.parseDay(day)))
                #expect(report.hasPrefix("# Sales on \(day)\n"))
                let totals = "| \(sales.count) | \(AssistantContent.pounds(earning.map(\.total).reduce(0, +))) "
                    + "| \(AssistantContent.pounds(earning.map(\.vat).reduce(0, +))) | 0 (£0.00) "
                    + "| \(refunded.count) (\(AssistantContent.pounds(refunded.map(\.total).reduce(0, +)))) |"
                #expect(report.contains(totals), "\(report)")
                for code in Set(sales.map(\.code)) {
                    let mine = sales.filter { $0.code == code }
                    let earned = mine.filter { $0.status != "refunded" }
                    let back = mine.filter { $0.status == "refunded" }
                    let row = "| \(code) | \(mine.count) | \(AssistantContent.pounds(earned.map(\.total).reduce(0, +))) "
                        + "| \(AssistantContent.pounds(earned.map(\.vat).reduce(0, +))) "
                        + "| \(back.count) (\(AssistantContent.pounds(back.map(\.total).reduce(0, +)))) |"
                    #expect(report.contains(row), "\(row) missing from\n\(report)")
                }
                // Top items: every fixture line is one Acetone at £12.00 with £2.00 VAT; only the lines of
                // earning sales count.
                let lines = earning.map(\.lines).reduce(0, +)
                let topItem = "| Acetone (item_001) | \(earning.filter { $0.lines > 0 }.count) | \(lines) "
                    + "| \(AssistantContent.pounds(Int64(lines) * 1200)) | \(AssistantContent.pounds(Int64(lines) * 200)) |"
                #expect(report.contains("## Top items\n\n| item | sales | quantity | revenue | VAT |"), "\(report)")
                #expect(report.contains(topItem), "\(topItem) missing from\n\(report)")
                let empty = try await content.salesReport(day: try #require(UTCTime.parseDay("2025-01-01")))
                #expect(empty.contains("No sales on this day."))
                #expect(empty.contains("No item earned anything on this day."))
            }
        }
    }

    @Test(arguments: dataSourceFactories.map { $0 as any DataSourceFactory })
    func theLowStockReportListsEveryShortItemLargestShortfallFirst(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.items) { source in
            try await Self.withContent(source) { content in
                let short = DataFixture.items.filter { $0.active && $0.stock <= $0.minimum }
                    .sorted { ($0.minimum - $0.stock) > ($1.minimum - $1.stock) }
                let report = try await content.lowStockReport()
                #expect(report.contains("\(short.count) active item\(short.count == 1 ? "" : "s") at or below minimum stock."), "\(report)")
                let positions = short.map { item in report.range(of: "| \(item.sku) |")?.lowerBound }
                #expect(positions.allSatisfy { $0 != nil }, "\(report)")
                #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
            }
        }
    }

    @Test("top items: largest revenue first, ten of them, the rest counted")
    func topItemsAreRankedByRevenue() async throws {
        try await DataFixture.withStore { store in
            // Twelve items; item n sells n units at £1.00 on 2025-06-10, plus a refunded sale of item 1
            // worth £100 that must not count.
            try await store.writer.transaction { db in
                try db.run("INSERT INTO charge_codes (code, title) VALUES ('DEPT001', 'Chemistry')")
                try db.run("INSERT INTO categories (id, name) VALUES (1, 'Chemicals')")
                for n in 1...12 {
                    try db.run("INSERT INTO items (id, sku, name, category_id, price, current_stock, minimum_stock, unit, updated_at) "
                               + "VALUES (?, ?, ?, 1, 100, 10, 1, 'each', '2025-06-01T00:00:00Z')",
                               [.integer(Int64(n)), .text("SKU-\(n)"), .text("Item \(n)")])
                }
                for n in 1...13 {
                    let item = n == 13 ? 1 : n
                    let pence = n == 13 ? 10_000 : Int64(n) * 100
                    try db.run("INSERT INTO sales (id, sale_id, charge_code, subtotal_amount, vat_amount, total_amount, status, is_paid, "
                               + "created_at) VALUES (?, ?, 'DEPT001', ?, 0, ?, ?, 1, '2025-06-10T10:00:00Z')",
                               [.integer(Int64(n)), .text("S\(n)"), .integer(pence), .integer(pence), .text(n == 13 ? "refunded" : "completed")])
                    try db.run("INSERT INTO sale_items (sale_id, item_id, item_name, item_sku, unit_price, vat_rate, quantity, subtotal, "
                               + "vat_amount, total_with_vat) VALUES (?, ?, 'x', 'x', 100, 0, ?, ?, 0, ?)",
                               [.integer(Int64(n)), .integer(Int64(item)), .real(Double(pence / 100)), .integer(pence), .integer(pence)])
                }
            }
            try await Self.withContent(try SQLiteDataSource(store: store)) { content in
                let report = try await content.salesReport(day: try #require(UTCTime.parseDay("2025-06-10")))
                let rows = (3...12).reversed().map { n in
                    "| Item \(n) (item_\(n < 10 ? "00" : "0")\(n)) | 1 | \(n) | \(AssistantContent.pounds(Int64(n) * 100)) | £0.00 |"
                }
                let table = "| item | sales | quantity | revenue | VAT |\n| --- | ---: | ---: | ---: | ---: |\n" + rows.joined(separator: "\n")
                #expect(report.contains(table + "\n\n2 more items sold"), "\(report)")
            }
        }
    }

    @Test("charge code completions come from every charge code, not only recent sales: prefix, any case, by code")
    func chargeCodeCompletions() async throws {
        try await DataFixture.withStore { store in
            try await store.writer.transaction { db in
                for n in 1...150 {
                    try db.run("INSERT INTO charge_codes (code, title) VALUES (?, 'Dept')", [.text("DEPT" + String(1000 + n).dropFirst())])
                }
                try db.run("INSERT INTO charge_codes (code, title) VALUES ('chem-9', 'Chemistry')")
            }
            try await Self.withContent(try SQLiteDataSource(store: store)) { content in
                let complete = AssistantCompletions.chargeCodes(content)
                let context = RequestContext(revision: .latestHandshake)
                let dept1 = await complete("dept1", [:], context)
                #expect(dept1 == (100...150).map { "DEPT\($0)" })
                let all = await complete("", [:], context)
                #expect(all.count == 151 && all.first == "DEPT001" && all.last == "chem-9")
                #expect(await complete("CHEM", [:], context) == ["chem-9"])
                #expect(await complete("x", [:], context).isEmpty)
            }
        }
    }

    @Test func poundsAreExact() {
        #expect(AssistantContent.pounds(0) == "£0.00")
        #expect(AssistantContent.pounds(5) == "£0.05")
        #expect(AssistantContent.pounds(123_456) == "£1234.56")
        #expect(AssistantContent.pounds(-120) == "-£1.20")
    }
}
