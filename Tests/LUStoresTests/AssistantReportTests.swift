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
                let empty = try await content.salesReport(day: try #require(UTCTime.parseDay("2025-01-01")))
                #expect(empty.contains("No sales on this day."))
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

    @Test func poundsAreExact() {
        #expect(AssistantContent.pounds(0) == "£0.00")
        #expect(AssistantContent.pounds(5) == "£0.05")
        #expect(AssistantContent.pounds(123_456) == "£1234.56")
        #expect(AssistantContent.pounds(-120) == "-£1.20")
    }
}
