import Foundation
import JSONRPC
import MCP
import PostgresTesting
import Store
import Testing
@testable import LUStores

/// `analyze_sales` on both engines, against figures worked out here from the fixture rows with
/// Foundation's calendar (not the server's code): refunds, a `paid` sale (PostgreSQL; the embedded
/// store only allows completed and refunded), zero VAT, fractional quantities, the same item twice
/// in one sale, an empty day, and sales either side of local midnight in Europe/London (BST).
@Suite struct SalesAnalysisTests {
    /// (id, code, VAT p, total p, status, created_at UTC, lines: (item, quantity, VAT p, total p)).
    typealias Sale = (id: Int64, code: String, vat: Int64, total: Int64, status: String, at: String,
                      lines: [(item: Int64, quantity: String, vat: Int64, total: Int64)])

    static let zone = "Europe/London"
    static let items: [(id: Int64, name: String, category: Int64)] = [(1, "Acetone", 1), (2, "Lens", 2), (3, "Ethanol", 1)]
    static let categories: [(Int64, String)] = [(1, "Chemicals"), (2, "Optics")]

    /// Sale 4 is `paid` where the engine allows it.
    static func sales(paid: String) -> [Sale] {
        [
            (1, "DEPT001", 200, 1200, "completed", "2025-06-09T09:15:00Z", [(1, "1.5", 100, 600), (1, "0.5", 100, 600)]),
            (2, "DEPT002", 0, 500, "completed", "2025-06-09T23:30:00Z", [(2, "2", 0, 500)]),  // 10 June, 00:30 BST
            (3, "DEPT001", 400, 2400, "refunded", "2025-06-10T10:00:00Z", [(3, "3", 400, 2400)]),
            (4, "DEPT001", 67, 400, paid, "2025-06-10T22:59:59Z", [(3, "0.25", 67, 400)]),  // 10 June, 23:59:59 BST
            (5, "DEPT002", 20, 120, "completed", "2025-06-12T08:00:00Z", [(2, "1", 0, 60), (1, "0.75", 20, 60)]),
            (6, "DEPT002", 50, 300, "completed", "2025-06-08T22:59:59Z", [(1, "1", 50, 300)]),  // 8 June BST: outside
        ]
    }

    /// Expected (key, count, revenue p, VAT p, quantity thousandths) per group, worked out plainly.
    static func expected(_ groupBy: String, _ sales: [Sale]) -> [String: [Int64]] {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: zone)!
        let parser = ISO8601DateFormatter()
        let lower = parser.date(from: "2025-06-08T23:00:00Z")!  // 2025-06-09 00:00 BST
        let upper = parser.date(from: "2025-06-12T23:00:00Z")!  // 2025-06-13 00:00 BST
        func thousandths(_ text: String) -> Int64 { Int64((Double(text)! * 1000).rounded()) }
        var result: [String: [Int64]] = [:]
        var salesPerGroup: [String: Set<Int64>] = [:]
        for sale in sales {
            let date = parser.date(from: sale.at)!
            guard date >= lower, date < upper else { continue }
            let earning = sale.status == "completed" || sale.status == "paid"
            let parts = calendar.dateComponents([.year, .month, .day, .yearForWeekOfYear, .weekOfYear], from: date)
            let key: String?
            switch groupBy {
            case "day": key = String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
            case "week": key = String(format: "%04d-W%02d", parts.yearForWeekOfYear!, parts.weekOfYear!)
            case "month": key = String(format: "%04d-%02d", parts.year!, parts.month!)
            case "charge_code": key = sale.code
            case "status": key = sale.status
            default: key = nil
            }
            if let key {
                let quantity = earning ? sale.lines.reduce(0) { $0 + thousandths($1.quantity) } : 0
                let old = result[key] ?? [0, 0, 0, 0]
                result[key] = [old[0] + 1, old[1] + (earning ? sale.total : 0), old[2] + (earning ? sale.vat : 0), old[3] + quantity]
                continue
            }
            guard earning else { continue }
            for line in sale.lines {
                let item = items.first { $0.id == line.item }!
                let key = groupBy == "item" ? String(format: "item_%03d", line.item) : categories.first { $0.0 == item.category }!.1
                let old = result[key] ?? [0, 0, 0, 0]
                salesPerGroup[key, default: []].insert(sale.id)
                result[key] = [Int64(salesPerGroup[key]!.count), old[1] + line.total, old[2] + line.vat, old[3] + thousandths(line.quantity)]
            }
        }
        if groupBy == "day" {
            for day in ["2025-06-09", "2025-06-10", "2025-06-11", "2025-06-12"] where result[day] == nil { result[day] = [0, 0, 0, 0] }
        }
        return result
    }

    static func factories() -> [String] { TestCluster.serverProgramsInstalled ? ["sqlite", "postgresql"] : ["sqlite"] }

    @Test("every grouping gives the figures worked out by hand", arguments: factories())
    func everyGrouping(engine: String) async throws {
        let paid = engine == "sqlite" ? "completed" : "paid"
        let sales = Self.sales(paid: paid)
        try await Self.withSource(engine, sales) { source in
            let ledger = SalesLedger(source: source, calendar: ZonedCalendar(identifier: Self.zone)!)
            for groupBy in ["charge_code", "status", "item", "category", "day", "week", "month"] {
                let answer = try Self.result(await ledger.analysis(dataArguments(["group_by": .string(groupBy), "from": "2025-06-09",
                                                                    "to": "2025-06-13", "sort": "key"])))
                let expected = Self.expected(groupBy, sales)
                let groups = try #require(answer["groups"]?.arrayValue)
                var seen: [String: [Int64]] = [:]
                for group in groups {
                    let key = try #require(group["key"]?.stringValue)
                    seen[key] = [group["count"]?.integerValue ?? -1, Self.scaled(group["revenue"], 100),
                                 Self.scaled(group["vat"], 100), Self.scaled(group["quantity"], 1000)]
                }
                #expect(seen == expected, "\(engine) \(groupBy)")
                #expect(groups.compactMap { $0["key"]?.stringValue } == expected.keys.sorted(), "\(engine) \(groupBy)")
                #expect(answer["truncated"] == .bool(false))
                let totals = try #require(answer["totals"])
                let lineLevel = groupBy == "item" || groupBy == "category"
                // Sales 1–5 fall in the range: 5 sales (4 earning: 1200 + 500 + 400 + 120 = 2220p, VAT 287p);
                // lines of earning sales: 600 + 600 + 500 + 400 + 60 + 60 = 2220p, VAT 287p.
                #expect(totals["count"]?.integerValue == (lineLevel ? 4 : 5), "\(engine) \(groupBy)")
                #expect(Self.scaled(totals["revenue"], 100) == 2220 && Self.scaled(totals["vat"], 100) == 287, "\(engine) \(groupBy)")
            }
            // Labels, sort and limit.
            let byCode = try Self.result(await ledger.analysis(dataArguments(["group_by": "charge_code", "from": "2025-06-09", "to": "2025-06-13",
                                                                 "limit": 1])))
            #expect(Self.group(byCode, 0)?["key"] == "DEPT001" && Self.group(byCode, 0)?["label"] == "Chemistry")
            #expect(byCode["truncated"] == .bool(true))
            let months = try Self.result(await ledger.analysis(dataArguments(["group_by": "month", "date": "2025-06-10"])))
            #expect(Self.group(months, 0)?["label"] == "June 2025" && Self.group(months, 0)?["count"] == 3)
            let weeks = try Self.result(await ledger.analysis(dataArguments(["group_by": "week", "from": "2025-06-09", "to": "2025-06-13"])))
            #expect(Self.group(weeks, 0)?["label"] == "Week 24, 2025")
            let days = try Self.result(await ledger.analysis(dataArguments(["group_by": "day", "from": "2025-06-09", "to": "2025-06-13"])))
            #expect(Self.group(days, 1)?["label"] == "Tuesday 10 June 2025")
            // No range: from the first matching sale's day to the last one's, empty days included.
            let open = try Self.result(await ledger.analysis(dataArguments(["group_by": "day", "charge_code": "DEPT002"])))
            #expect(open["groups"]?.arrayValue?.compactMap { $0["key"]?.stringValue }
                == ["2025-06-08", "2025-06-09", "2025-06-10", "2025-06-11", "2025-06-12"])
            let items = try Self.result(await ledger.analysis(dataArguments(["group_by": "item", "sort": "quantity", "from": "2025-06-09", "to": "2025-06-13"])))
            // Lens 2 + 1 = 3 units; Acetone 1.5 + 0.5 + 0.75 = 2.75 (named as the item is now, not as the line was).
            #expect(Self.group(items, 0)?["label"] == "Lens" && Self.group(items, 0)?["quantity"] == .integer(3))
            #expect(Self.group(items, 1)?["label"] == "Acetone" && Self.group(items, 1)?["quantity"] == .double(2.75))
        }
    }

    @Test("a bad grouping or limit is refused naming the field")
    func badArguments() async throws {
        try await Self.withSource("sqlite", Self.sales(paid: "completed")) { source in
            let ledger = SalesLedger(source: source, calendar: ZonedCalendar(identifier: Self.zone)!)
            let cases: [(JSONValue, String)] = [(["group_by": "year"], "group_by"), ([:], "group_by"),
                                                (["group_by": "day", "limit": 501], "limit"), (["group_by": "day", "sort": "name"], "sort")]
            for (arguments, field) in cases {
                guard case .failure(let error) = await ledger.analysis(dataArguments(arguments)) else {
                    Issue.record("\(arguments) accepted")
                    continue
                }
                #expect(error.code == .invalidRequest && error.details?["field"] == .string(field), "\(arguments)")
            }
        }
    }

    static func group(_ answer: JSONValue, _ index: Int) -> JSONValue? {
        guard let groups = answer["groups"]?.arrayValue, index < groups.count else { return nil }
        return groups[index]
    }

    /// Pounds or units as an exact integer of hundredths or thousandths.
    static func scaled(_ value: JSONValue?, _ factor: Int64) -> Int64 {
        if let integer = value?.integerValue { return integer * factor }
        return Int64(((value?.doubleValue ?? .nan) * Double(factor)).rounded())
    }

    static func result(_ outcome: ToolOutcome) throws -> JSONValue {
        guard case .success(let value) = outcome else { throw SourceFailure(description: "\(outcome)") }
        return value
    }

    struct SourceFailure: Error, CustomStringConvertible { let description: String }

    static func withSource(_ engine: String, _ sales: [Sale], _ body: (any DataSource) async throws -> Void) async throws {
        if engine == "sqlite" {
            try await DataFixture.withStore { store in
                try await store.writer.transaction { db in
                    for statement in statements(sales, sqlite: true) { try db.run(statement) }
                }
                try await body(try SQLiteDataSource(store: store))
            }
        } else {
            try await PostgresSourceFactory.withDatabase(statements(sales, sqlite: false), body)
        }
    }

    /// The fixture as INSERTs for either schema (money in pence for SQLite, pounds for PostgreSQL).
    static func statements(_ sales: [Sale], sqlite: Bool) -> [String] {
        func money(_ pence: Int64) -> String { sqlite ? String(pence) : PostgresSourceFactory.pounds(pence) }
        var statements = [("DEPT001", "Chemistry"), ("DEPT002", "Physics")].map {
            "INSERT INTO \(sqlite ? "charge_codes" : "chargecodes") (code, title) VALUES ('\($0.0)', '\($0.1)')"
        }
        statements += categories.map { "INSERT INTO categories (id, name) VALUES (\($0.0), '\($0.1)')" }
        statements += items.map {
            "INSERT INTO items (id, sku, name, category_id, price, current_stock, minimum_stock, unit\(sqlite ? ", updated_at" : "")) "
                + "VALUES (\($0.id), 'SKU-\($0.id)', '\($0.name)', \($0.category), \(money(100)), 10, 1, 'pieces'\(sqlite ? ", '2025-01-01T00:00:00Z'" : ""))"
        }
        for sale in sales {
            let at = sqlite ? sale.at : sale.at.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
            statements.append("INSERT INTO sales (id, sale_id, charge_code, subtotal_amount, vat_amount, total_amount, status, "
                + "is_paid, created_at) VALUES (\(sale.id), 'S\(sale.id)', '\(sale.code)', \(money(sale.total - sale.vat)), "
                + "\(money(sale.vat)), \(money(sale.total)), '\(sale.status)', \(sqlite ? "1" : "true"), '\(at)')")
            for line in sale.lines {
                statements.append("INSERT INTO sale_items (sale_id, item_id, item_name, item_sku, unit_price, vat_rate, quantity, "
                    + "subtotal, vat_amount, total_with_vat) VALUES (\(sale.id), \(line.item), 'old name', 'SKU-\(line.item)', "
                    + "\(money(100)), 0.2, \(line.quantity), \(money(line.total - line.vat)), \(money(line.vat)), \(money(line.total)))")
            }
        }
        return statements
    }
}
