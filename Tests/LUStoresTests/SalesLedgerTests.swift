import Foundation
import JSONRPC
import MCP
import Store
import Testing
@testable import LUStores

/// `get_sales` on the hand-made fixture of ``DataFixture/sales``; expected figures worked out by hand.
/// Every case but the error mapping runs on each engine of ``dataSourceFactories``.
@Suite("get_sales")
struct SalesLedgerTests {
    /// Calls a ledger over `source` in `zone` with the clock at `now`.
    func call(_ source: any DataSource, _ arguments: JSONValue, zone: String = "UTC",
              now: Date = DataFixture.now) async -> ToolOutcome {
        await DataFixture.ledger(source, zone: zone, now: now).sales(dataArguments(arguments))
    }

    /// (ids newest first, count, revenue in pounds) of a successful call.
    func answer(_ source: any DataSource, _ arguments: JSONValue, zone: String = "UTC",
                now: Date = DataFixture.now) async -> (ids: [String], count: Int64?, revenue: Double?) {
        let value = DataFixture.result(await call(source, arguments, zone: zone, now: now))
        #expect(value != nil, "the call failed: \(arguments)")
        #expect(value?["pagination"]?["total"] == value?["summary"]?["count"])
        return (DataFixture.ids(value, "sales"), value?["summary"]?["count"]?.integerValue,
                value?["summary"]?["revenue"]?.doubleValue)
    }

    @Test("no filter: every sale, newest first, ties by id descending; revenue of the completed and paid ones",
          arguments: dataSourceFactories)
    func everything(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.sales) { source in
            let result = await answer(source, [:])
            #expect(result.ids == ["sale_6", "sale_5", "sale_4", "sale_3", "sale_2", "sale_1", "sale_7"])
            #expect(result.count == 7)
            #expect(result.revenue == 22.21)  // 12.00 + 5.00 + 4.00 + 1.20 + 0.01
        }
    }

    @Test("each sale carries its figures in pounds, its line count and its UTC time", arguments: dataSourceFactories)
    func saleFields(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.sales) { source in
            let value = DataFixture.result(await call(source, ["limit": 7]))
            let sales = try #require(value?["sales"]?.arrayValue)
            let sale5 = try #require(sales.first { $0["id"] == "sale_5" })
            #expect(sale5 == ["id": "sale_5", "sale_ref": "S20250610120000b", "charge_code": "DEPT002", "total": 1.2,
                              "subtotal": 1, "vat": 0.2, "items": 3, "status": "completed", "timestamp": "2025-06-10T12:00:00Z"])
            let sale2 = try #require(sales.first { $0["id"] == "sale_2" })
            #expect(sale2["vat"]?.doubleValue == 0 && sale2["total"]?.doubleValue == 5)  // zero-rated
            #expect(sales.first { $0["id"] == "sale_1" }?["items"] == 2)
            #expect(value?["pagination"] == ["total": 7, "page": 1, "limit": 7])
        }
    }

    @Test("each filter alone", arguments: dataSourceFactories)
    func singleFilters(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.sales) { source in
            var result = await answer(source, ["charge_code": "DEPT001"])
            #expect(result.ids == ["sale_4", "sale_3", "sale_1", "sale_7"])
            #expect(result.count == 4 && result.revenue == 16)  // 4.00 + 12.00; 3 and 7 are refunds

            result = await answer(source, ["date": "2025-06-10"])
            #expect(result.ids == ["sale_5", "sale_4", "sale_3"])
            #expect(result.count == 3 && result.revenue == 5.2)  // 1.20 + 4.00

            result = await answer(source, ["status": "refunded"])
            #expect(result.ids == ["sale_3", "sale_7"])
            #expect(result.count == 2 && result.revenue == 0)  // refunds earn nothing

            result = await answer(source, ["status": "completed"])
            #expect(result.count == 5 && result.revenue == 22.21)

            result = await answer(source, ["status": "paid"])  // a valid filter; the fixture holds no paid sale
            #expect(result.ids.isEmpty && result.count == 0 && result.revenue == 0)

            result = await answer(source, ["from": "2025-06-10"])
            #expect(result.ids == ["sale_6", "sale_5", "sale_4", "sale_3"])

            result = await answer(source, ["to": "2025-06-10"])  // exclusive: 3 at midnight is out
            #expect(result.ids == ["sale_2", "sale_1", "sale_7"])
            #expect(result.revenue == 17)
        }
    }

    @Test("from is inclusive and to exclusive, to the second", arguments: dataSourceFactories)
    func boundsToTheSecond(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.sales) { source in
            var result = await answer(source, ["from": "2025-06-10T12:00:00Z"])
            #expect(result.ids == ["sale_6", "sale_5", "sale_4"])
            result = await answer(source, ["to": "2025-06-10T12:00:00Z"])
            #expect(result.ids == ["sale_3", "sale_2", "sale_1", "sale_7"])
            result = await answer(source, ["from": "2025-06-10T12:00:00Z", "to": "2025-06-10T12:00:01Z"])
            #expect(result.ids == ["sale_5", "sale_4"])
            result = await answer(source, ["from": "2025-06-10T13:00:00+01:00", "to": "2025-06-10T12:00:00.5Z"])
            #expect(result.ids == ["sale_5", "sale_4"])  // 12:00:00.5 excludes 12:00:01 on, keeps 12:00:00
            result = await answer(source, ["from": "2025-06-10T12:00:00.001Z"])
            #expect(result.ids == ["sale_6"])
            result = await answer(source, ["from": "2025-06-11", "to": "2025-06-10"])
            #expect(result.ids.isEmpty && result.count == 0 && result.revenue == 0)
        }
    }

    @Test("filters combine", arguments: dataSourceFactories)
    func combinedFilters(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.sales) { source in
            var result = await answer(source, ["charge_code": "DEPT001", "date": "2025-06-10"])
            #expect(result.ids == ["sale_4", "sale_3"])
            #expect(result.count == 2 && result.revenue == 4)
            result = await answer(source, ["charge_code": "DEPT001", "status": "refunded"])
            #expect(result.ids == ["sale_3", "sale_7"] && result.revenue == 0)
            result = await answer(source, ["charge_code": "DEPT002", "from": "2025-06-09T12:00:00Z", "to": "2025-06-10T12:00:00Z"])
            #expect(result.ids == ["sale_2"] && result.revenue == 5)
            result = await answer(source, ["date": "2025-06-10", "from": "2025-06-10T06:00:00Z"])  // date ∩ from
            #expect(result.ids == ["sale_5", "sale_4"])
            result = await answer(source, ["date": "2025-06-10", "to": "2025-06-09"])
            #expect(result.ids.isEmpty && result.count == 0)
            result = await answer(source, ["charge_code": "NOPE"])
            #expect(result.ids.isEmpty && result.count == 0 && result.revenue == 0)
        }
    }

    @Test("pages: fixed size, last one short, past the end empty, together every sale once",
          arguments: dataSourceFactories)
    func pagination(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.sales) { source in
            var all: [String] = []
            for page: Int64 in 1...5 {
                let value = DataFixture.result(await call(source, ["limit": 2, "page": .integer(page)]))
                #expect(value?["pagination"] == ["total": 7, "page": .integer(page), "limit": 2])
                #expect(value?["summary"]?["count"] == 7)
                let ids = DataFixture.ids(value, "sales")
                #expect(ids.count == [2, 2, 2, 1, 0][Int(page - 1)])
                all += ids
            }
            #expect(all == ["sale_6", "sale_5", "sale_4", "sale_3", "sale_2", "sale_1", "sale_7"])
            let filtered = await answer(source, ["charge_code": "DEPT001", "limit": 3, "page": 2])
            #expect(filtered.ids == ["sale_7"] && filtered.count == 4)
        }
    }

    @Test("a day is the configured zone's day: BST starts at 23:00 UTC, New York at 04:00 UTC",
          arguments: dataSourceFactories)
    func timeZones(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.sales) { source in
            var result = await answer(source, ["date": "2025-06-10"], zone: "Europe/London")
            #expect(result.ids == ["sale_5", "sale_4", "sale_3", "sale_2"])  // 2 is 00:30 on the 10th in London
            #expect(result.revenue == 10.2)  // 5.00 + 4.00 + 1.20
            result = await answer(source, ["date": "2025-06-10"], zone: "America/New_York")
            #expect(result.ids == ["sale_5", "sale_4"])  // 3 is 20:00 on the 9th in New York
            result = await answer(source, ["from": "2025-06-11"], zone: "Asia/Kolkata")  // 2025-06-10T18:30Z
            #expect(result.ids == ["sale_6"])
            result = await answer(source, ["from": "2025-06-10T00:30:00"], zone: "Europe/London")  // local: 23:30Z
            #expect(result.ids == ["sale_6", "sale_5", "sale_4", "sale_3", "sale_2"])
            result = await answer(source, ["date": "2025-06-01"], zone: "Europe/London")  // 7 is 00:59:59 BST on 1 June
            #expect(result.ids == ["sale_7"])
        }
    }

    @Test("today and yesterday follow the clock in the configured zone, across midnight",
          arguments: dataSourceFactories)
    func todayAndYesterday(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.sales) { source in
            var result = await answer(source, ["date": "today"])  // clock 2025-06-10T10:00Z
            #expect(result.ids == ["sale_5", "sale_4", "sale_3"])
            result = await answer(source, ["date": "yesterday"])
            #expect(result.ids == ["sale_2", "sale_1"] && result.revenue == 17)
            let lateEvening = Date(timeIntervalSince1970: 1_749_511_800)  // 2025-06-09T23:30Z = 00:30 BST on the 10th
            result = await answer(source, ["date": "today"], now: lateEvening)
            #expect(result.ids == ["sale_2", "sale_1"])
            result = await answer(source, ["date": "today"], zone: "Europe/London", now: lateEvening)
            #expect(result.ids == ["sale_5", "sale_4", "sale_3", "sale_2"])
            result = await answer(source, ["date": "yesterday"], zone: "Europe/London", now: lateEvening)
            #expect(result.ids == ["sale_1"])  // 9 June in London: 8 June 23:00Z … 9 June 23:00Z
        }
    }

    @Test("bad values are MCP_INVALID_REQUEST naming the argument", arguments: [
        (["date": "2025-02-30"], "date"), (["date": "10/06/2025"], "date"), (["date": "tomorrow"], "date"),
        (["from": "2025-13-01"], "from"), (["from": "yesterday"], "from"), (["to": "2025-06-10T25:00:00Z"], "to"),
        (["to": "2025-06-10T10:00:00+25:00"], "to"), (["status": "pending"], "status"), (["limit": -1], "limit"),
        (["limit": 501], "limit"), (["page": 0], "page"), (["page": 1.5], "page"), (["charge_code": 7], "charge_code"),
        (["charge_code": ""], "charge_code"), (["colour": "red"], "colour"),
    ] as [(JSONValue, String)])
    func rejectsBadValues(arguments: JSONValue, field: String) async throws {
        try await DataFixture.withStore { store in
            let registry = try fullRegistry(store)
            let tool = try #require(registry["get_sales"])
            let outcome = await registry.call(tool, arguments: dataArguments(arguments),
                                              context: ToolContext(requestID: nil, revision: .allCases.last!))
            let failure = DataFixture.failure(outcome)
            #expect(failure.code == "MCP_INVALID_REQUEST")
            #expect(failure.field == field)
        }
    }

    @Test("null arguments count as absent", arguments: dataSourceFactories)
    func nullsAreAbsent(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.sales) { source in
            let result = await answer(source, ["charge_code": nil, "date": nil, "from": nil, "to": nil, "status": nil])
            #expect(result.count == 7)
        }
    }

    @Test("paid is a valid status filter alone and with others; with no paid sale, an empty page of zeros",
          arguments: dataSourceFactories)
    func paidFilter(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.sales) { source in
            let value = DataFixture.result(await call(source, ["status": "paid"]))
            #expect(value == ["sales": [], "pagination": ["total": 0, "page": 1, "limit": 50],
                              "summary": ["count": 0, "revenue": 0]])
            for arguments: JSONValue in [["status": "paid", "charge_code": "DEPT001"],
                                         ["status": "paid", "date": "2025-06-10"],
                                         ["status": "paid", "from": "2025-06-01", "page": 3]] {
                let result = await answer(source, arguments)
                #expect(result.ids.isEmpty && result.count == 0 && result.revenue == 0, "\(arguments)")
            }
        }
    }

    @Test("an empty store answers zeros and no sales", arguments: dataSourceFactories)
    func emptyStore(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.nothing) { source in
            let value = DataFixture.result(await call(source, ["date": "today"]))
            #expect(value == ["sales": [], "pagination": ["total": 0, "page": 1, "limit": 50],
                              "summary": ["count": 0, "revenue": 0]])
        }
    }

    @Test("calls in parallel all get the same exact answer", arguments: dataSourceFactories)
    func parallelCalls(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.sales) { source in
            let ledger = DataFixture.ledger(source)
            let answers = await withTaskGroup(of: JSONValue?.self) { group in
                for _ in 0..<40 { group.addTask { DataFixture.result(await ledger.sales(dataArguments(["limit": 3]))) } }
                return await group.reduce(into: [JSONValue?]()) { $0.append($1) }
            }
            #expect(Set(answers.map { JSONWriter.string($0 ?? nil) }).count == 1)
            #expect(answers.first??["summary"]?["revenue"] == 22.21)
        }
    }

    @Test("a store failure is MCP_UNAVAILABLE or MCP_INTERNAL_ERROR with nothing secret in the message")
    func storeFailures() {
        let unavailable = ToolError.dataSource(StoreError.cannotOpen(path: "/secret/path.sqlite", message: "nope"),
                                               while: "reading sales", logger: nil)
        #expect(unavailable.code == .unavailable && !unavailable.message.contains("secret"))
        let io = ToolError.dataSource(StoreError.sqlite(code: 10 | (13 << 8), message: "disk I/O error", sql: "SELECT"),
                                      while: "x", logger: nil)
        #expect(io.code == .unavailable)
        let busy = ToolError.dataSource(StoreError.busy(message: "locked", sql: "SELECT"), while: "x", logger: nil)
        #expect(busy.code == .unavailable)
        let query = StoreError.sqlite(code: 1, message: "no such column: password", sql: "SELECT password")
        let bug = ToolError.dataSource(query, while: "reading sales", logger: nil)
        #expect(bug.code == .internalError && !bug.message.contains("password") && !bug.message.contains("SELECT"))
        let other = ToolError.dataSource(CancellationError(), while: "reading sales", logger: nil)
        #expect(other.code == .internalError)  // not a DataSourceFailure: never claims the database is down
    }
}
