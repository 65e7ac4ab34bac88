import Foundation
import JSONRPC
import Store
import Testing

/// `get_sales` and `get_inventory` through the built binary: over stdio, through `call`, and
/// (when the Python SDK is installed) through the official Python SDK client.
@Suite("Data tools end to end", .serialized)
struct DataToolsEndToEndTests {
    /// `initialize`, `notifications/initialized`, then one `tools/call` per element (ids 1, 2, …).
    static func session(_ calls: [(String, JSONValue)]) -> Data {
        var lines = [#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}"#,
                     #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#]
        for (index, call) in calls.enumerated() {
            let request: JSONValue = ["jsonrpc": "2.0", "id": .integer(Int64(index + 1)), "method": "tools/call",
                                      "params": ["name": .string(call.0), "arguments": call.1]]
            lines.append(JSONWriter.string(request))
        }
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// The results of a stdio session by request id; every stdout line must be JSON.
    static func results(_ finished: DataToolsProcess.Finished) throws -> [Int64: JSONValue] {
        var byID: [Int64: JSONValue] = [:]
        for line in finished.stdout.split(separator: UInt8(ascii: "\n")) {
            let message = try JSONParser.parse(Array(line))
            if let id = message["id"]?.integerValue, let result = message["result"] { byID[id] = result }
        }
        return byID
    }

    /// Runs the calls over stdio and each through `call`, and checks both give the same JSON.
    static func expectSameAnswers(_ calls: [(String, JSONValue)], database: String, home: String) async throws -> [JSONValue] {
        let served = try await DataToolsProcess.run(["serve", "--database", database], stdin: session(calls), home: home)
        #expect(served.status == 0, "\(served.stderrText)")
        let results = try Self.results(served)
        var answers: [JSONValue] = []
        for (index, call) in calls.enumerated() {
            let result = try #require(results[Int64(index + 1)], "no answer to \(call.0) \(call.1)")
            let structured = try #require(result["structuredContent"])
            let text = try #require(result["content"]?.arrayValue?.first?["text"]?.stringValue)
            #expect(try JSONParser.parse(text) == structured)
            let direct = try await DataToolsProcess.run(["call", call.0, JSONWriter.string(call.1), "--database", database],
                                                        home: home)
            let isError = result["isError"]?.boolValue ?? false
            #expect(direct.status == (isError ? 1 : 0), "\(direct.stderrText)")
            var printed = try JSONParser.parse(direct.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
            if isError {  // the error's timestamp is the time of each call
                #expect(printed["error"]?["code"] == structured["error"]?["code"])
                printed = structured
            }
            #expect(printed == structured, "\(call.0) \(call.1)")
            #expect(direct.stdoutText.hasSuffix("\n") && direct.stdoutText.filter { $0 == "\n" }.count == 1)
            answers.append(structured)
        }
        return answers
    }

    @Test("an empty store answers zeros the same way over stdio and through call")
    func emptyStore() async throws {
        try #require(DataToolsProcess.binaryExists, "build lustores-mcp first: \(DataToolsProcess.binary)")
        try await DataToolsProcess.withDirectory { dir in
            let answers = try await Self.expectSameAnswers(
                [("get_sales", [:]), ("get_inventory", ["limit": 5]), ("get_sales", ["date": "2025-02-30"])],
                database: dir + "/empty.sqlite", home: dir)
            #expect(answers[0] == ["sales": [], "pagination": ["total": 0, "page": 1, "limit": 50],
                                   "summary": ["count": 0, "revenue": 0]])
            #expect(answers[1]["summary"] == ["item_count": 0, "low_stock_count": 0, "stock_value": 0])
            #expect(answers[2]["error"]?["details"]?["field"] == "date")
        }
    }

    @Test("a new default database is filled with demo data by the first serve or call; a named one never is")
    func defaultDatabaseGetsDemoData() async throws {
        try #require(DataToolsProcess.binaryExists, "build lustores-mcp first: \(DataToolsProcess.binary)")
        try await DataToolsProcess.withDirectory { dir in
            let first = try await DataToolsProcess.run(["call", "get_sales", #"{"limit":1}"#], home: dir)
            #expect(first.status == 0, "\(first.stderrText)")
            let answer = try JSONParser.parse(first.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(answer["summary"]?["count"] == 5000)
            #expect(FileManager.default.fileExists(atPath: dir + "/lustores-mcp/store.sqlite"))
            let again = try await DataToolsProcess.run(["call", "get_sales", #"{"limit":1}"#], home: dir)
            #expect(again.stdoutText == first.stdoutText)  // filled once, not twice
            let inventory = try await DataToolsProcess.run(["call", "get_inventory", #"{"limit":1}"#], home: dir)
            #expect(try JSONParser.parse(inventory.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))["categories"]?
                .arrayValue?.count == 13)

            let named = try await DataToolsProcess.run(["call", "get_sales", "--database", dir + "/named.sqlite"], home: dir)
            #expect(try JSONParser.parse(named.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))["summary"]?["count"]
                == 0)
        }
    }

    @Test("demo-data writes what it says, deterministically, and refuses a database with data")
    func demoDataCommand() async throws {
        try #require(DataToolsProcess.binaryExists, "build lustores-mcp first: \(DataToolsProcess.binary)")
        try await DataToolsProcess.withDirectory { dir in
            let arguments = ["demo-data", "--sales", "300", "--items", "40", "--seed", "5", "--end-date", "2026-06-30"]
            let made = try await DataToolsProcess.run(arguments + ["--database", dir + "/a.sqlite"], home: dir)
            #expect(made.status == 0, "\(made.stderrText)")
            #expect(made.stdoutText.contains("40 items") && made.stdoutText.contains("300 sales"))
            #expect(made.stdoutText.contains("to 2026-06-30T"))
            let twin = try await DataToolsProcess.run(arguments + ["--database", dir + "/b.sqlite"], home: dir)
            #expect(twin.status == 0)
            for query in [#"{"limit":500}"#, #"{"date":"2026-06-30"}"#] {
                let a = try await DataToolsProcess.run(["call", "get_sales", query, "--database", dir + "/a.sqlite"], home: dir)
                let b = try await DataToolsProcess.run(["call", "get_sales", query, "--database", dir + "/b.sqlite"], home: dir)
                #expect(a.stdoutText == b.stdoutText && a.status == 0)
            }
            let again = try await DataToolsProcess.run(arguments + ["--database", dir + "/a.sqlite"], home: dir)
            #expect(again.status == 1 && again.stderrText.contains("nothing written"))
            let bad = try await DataToolsProcess.run(["demo-data", "--sales", "many", "--database", dir + "/c.sqlite"], home: dir)
            #expect(bad.status == 2)
            let misplaced = try await DataToolsProcess.run(["call", "get_sales", "--seed", "4"], home: dir)
            #expect(misplaced.status == 2 && misplaced.stderrText.contains("demo-data"))
        }
    }

    /// Four sales and four items, answers worked by hand:
    ///
    ///     S-A 2025-06-09T09:00Z DEPT1  2 × £1.25 = 250p + 50p VAT = 300p       completed
    ///     S-B 2025-06-09T23:30Z DEPT2  0.5 kg × £3.33 = 166.5p → 167p, +33.4p → 33p = 200p  completed
    ///     S-C 2025-06-10T08:00Z DEPT1  1 × £40 book, 0% VAT = 4000p            refunded
    ///     S-D 2025-06-10T08:00Z DEPT1  3 × £1.25 = 375p + 75p = 450p           completed
    ///
    /// Newest first: S-D (id 4), S-C (id 3, same second), S-B, S-A. Revenue: 300 + 200 + 450 = £9.50.
    /// Items by name: Acetone (1.5 L ≤ 2: low), Book, Resistor, Zinc (inactive). Active stock value:
    /// 1.5 × 333p + 3 × 4000p + 40 × 125p = 499.5 + 12000 + 5000 = 17499.5p → £175.00.
    static let fixture = """
        {"categories": [{"name": "Chemicals"}, {"name": "Books"}, {"name": "Electronic Components"}],
         "items": [
           {"sku": "CHM-1", "name": "Acetone", "category": "Chemicals", "price": 3.33, "stock": 1.5, "minimum_stock": 2, "unit": "kg"},
           {"sku": "BK-1", "name": "Book", "category": "Books", "price": 40, "stock": 3, "minimum_stock": 1},
           {"sku": "ELC-1", "name": "Resistor", "category": "Electronic Components", "price": 1.25, "stock": 40, "minimum_stock": 10},
           {"sku": "CHM-2", "name": "Zinc", "category": "Chemicals", "price": 9, "stock": 0, "minimum_stock": 1, "active": false}],
         "charge_codes": [{"code": "DEPT1", "title": "Physics"}, {"code": "DEPT2", "title": "Chemistry"}],
         "sales": [
           {"sale_id": "S-A", "charge_code": "DEPT1", "timestamp": "2025-06-09T09:00:00Z",
            "lines": [{"sku": "ELC-1", "quantity": 2, "unit_price": 1.25, "vat_rate": 0.2}]},
           {"sale_id": "S-B", "charge_code": "DEPT2", "timestamp": "2025-06-09T23:30:00Z",
            "lines": [{"sku": "CHM-1", "quantity": 0.5, "unit_price": 3.33, "vat_rate": 0.2}]},
           {"sale_id": "S-C", "charge_code": "DEPT1", "timestamp": "2025-06-10T08:00:00Z", "status": "refunded",
            "lines": [{"sku": "BK-1", "quantity": 1, "unit_price": 40, "vat_rate": 0}]},
           {"sale_id": "S-D", "charge_code": "DEPT1", "timestamp": "2025-06-10T09:00:00+01:00",
            "lines": [{"sku": "ELC-1", "quantity": 3, "unit_price": 1.25, "vat_rate": 0.2}]}]}
        """

    /// A database in `dir` holding ``fixture``, imported through the binary.
    static func importedFixture(in dir: String) async throws -> String {
        let file = dir + "/fixture.json"
        try Data(fixture.utf8).write(to: URL(fileURLWithPath: file))
        let database = dir + "/fixture.sqlite"
        let imported = try await DataToolsProcess.run(["import", file, "--database", database], home: dir)
        #expect(imported.status == 0, "\(imported.stderrText)")
        #expect(imported.stdoutText.contains("sales: 4 added (4 lines)"), "\(imported.stdoutText)")
        return database
    }

    @Test("get_sales and get_inventory over stdio and through call: the hand-worked answers, the same JSON")
    func handWorkedAnswers() async throws {
        try #require(DataToolsProcess.binaryExists, "build lustores-mcp first: \(DataToolsProcess.binary)")
        try await DataToolsProcess.withDirectory { dir in
            let database = try await Self.importedFixture(in: dir)
            let answers = try await Self.expectSameAnswers([
                ("get_sales", [:]),
                ("get_sales", ["date": "2025-06-10"]),
                ("get_sales", ["charge_code": "DEPT1", "status": "completed", "limit": 1, "page": 2]),
                ("get_inventory", [:]),
                ("get_inventory", ["search": "CHM", "include_inactive": true]),
                ("get_inventory", ["limit": 501]),
            ], database: database, home: dir)
            #expect(answers[0]["sales"]?.arrayValue?.compactMap { $0["sale_ref"]?.stringValue } == ["S-D", "S-C", "S-B", "S-A"])
            #expect(answers[0]["summary"] == ["count": 4, "revenue": 9.5])
            #expect(answers[0]["sales"]?.arrayValue?[2] == [
                "id": "sale_2", "sale_ref": "S-B", "charge_code": "DEPT2", "total": 2, "subtotal": 1.67, "vat": 0.33,
                "items": 1, "status": "completed", "timestamp": "2025-06-09T23:30:00Z"])
            #expect(answers[1]["summary"] == ["count": 2, "revenue": 4.5])
            #expect(answers[2]["sales"]?.arrayValue?.compactMap { $0["sale_ref"]?.stringValue } == ["S-A"])
            #expect(answers[2]["pagination"] == ["total": 2, "page": 2, "limit": 1])
            #expect(answers[3]["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Acetone", "Book", "Resistor"])
            #expect(answers[3]["summary"] == ["item_count": 3, "low_stock_count": 1, "stock_value": 175])
            #expect(answers[3]["categories"] == ["Books", "Chemicals", "Electronic Components"])
            #expect(answers[4]["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["item_001", "item_004"])
            #expect(answers[5]["error"]?["code"] == "MCP_INVALID_REQUEST" && answers[5]["error"]?["details"]?["field"] == "limit")

            // The time zone moves the day: in London, 2025-06-10 starts at 23:00 UTC on the 9th.
            let london = try await DataToolsProcess.run(["call", "get_sales", #"{"date":"2025-06-10"}"#, "--database", database],
                                                        environment: ["LUSTORES_TIMEZONE": "Europe/London"], home: dir)
            #expect(try JSONParser.parse(london.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))["summary"]
                == ["count": 3, "revenue": 6.5])
            let badZone = try await DataToolsProcess.run(["call", "get_sales", "--database", database],
                                                         environment: ["LUSTORES_TIMEZONE": "Mars/Base"], home: dir)
            #expect(badZone.status == 2 && badZone.stderrText.contains("LUSTORES_TIMEZONE"))
        }
    }

    @Test("the official Python SDK client calls get_sales and get_inventory and validates their output schemas")
    func pythonSDKClient() async throws {
        let python = try await InteropEnvironment.readyPython()
        let script = Paths.repositoryRoot + "/Tests/Interop/sdk_stdio_client.py"
        try await DataToolsProcess.withDirectory { dir in
            let database = try await Self.importedFixture(in: dir)
            for (tool, arguments, key, expected) in [
                ("get_sales", #"{"date":"2025-06-10"}"#, "summary", ["count": 2, "revenue": 4.5] as JSONValue),
                ("get_inventory", #"{"low_stock":true}"#, "summary", ["item_count": 1, "low_stock_count": 1, "stock_value": 5]),
            ] {
                let run = try await Self.runProgram(python, [script, "--tool", tool, "--arguments", arguments, "--",
                                                             DataToolsProcess.binary, "serve", "--database", database], home: dir)
                #expect(run.status == 0, "\(run.stderrText)")
                let summary = try JSONParser.parse(run.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
                #expect(summary["call"]?["isError"] == false)
                #expect(summary["call"]?["structuredContent"]?[key] == expected, "\(summary)")
                #expect(summary["tools"]?.arrayValue?.contains("get_sales") == true)
            }
        }
    }

    static func runProgram(_ executable: String, _ arguments: [String], home: String) async throws -> DataToolsProcess.Finished {
        try await DataToolsProcess.run(arguments, home: home, executable: executable)
    }

    /// The database file and its WAL, after folding the WAL into the file.
    static func settledBytes(_ database: String) throws -> Data {
        do {
            let db = try SQLiteConnection(path: database, readOnly: false)
            _ = db  // closing the last connection checkpoints and removes the WAL
        }
        let wal = (try? Data(contentsOf: URL(fileURLWithPath: database + "-wal"))) ?? Data()
        return try Data(contentsOf: URL(fileURLWithPath: database)) + wal
    }

    @Test("a rejected import through the binary leaves the database file byte for byte as it was")
    func rejectedImportChangesNoByte() async throws {
        try #require(DataToolsProcess.binaryExists, "build lustores-mcp first: \(DataToolsProcess.binary)")
        try await DataToolsProcess.withDirectory { dir in
            let database = try await Self.importedFixture(in: dir)
            _ = try Self.settledBytes(database)
            let before = try Data(contentsOf: URL(fileURLWithPath: database))
            let bad: [(String, String)] = [
                ("bad.json", #"{"sales": [{"sale_id": "S-Z", "charge_code": "DEPT1", "timestamp": "2025-06-11T09:00:00Z", "lines": [{"sku": "ELC-1", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}, {"sku": "NOPE", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}]}]}"#),
                ("repeat.json", #"{"sales": [{"sale_id": "S-A", "charge_code": "DEPT2", "timestamp": "2025-06-09T09:00:00Z", "lines": [{"sku": "ELC-1", "quantity": 2, "unit_price": 1.25, "vat_rate": 0.2}]}]}"#),
                ("bad.csv", "sku,name,category,price,stock,minimum_stock,unit,location\nNEW-1,New,Tools,1,1,1,each,\nNEW-2,New,Tools,-1,1,1,each,\n"),
            ]
            for (name, text) in bad {
                try Data(text.utf8).write(to: URL(fileURLWithPath: dir + "/" + name))
                let run = try await DataToolsProcess.run(["import", dir + "/" + name, "--database", database], home: dir)
                #expect(run.status == 1)
                #expect(run.stdoutText.isEmpty && run.stderrText.contains("nothing was written"), "\(run.stderrText)")
                let wal = (try? FileManager.default.attributesOfItem(atPath: database + "-wal")[.size] as? Int) ?? 0
                #expect(wal == 0, "\(name) wrote to the WAL")
                #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before, "\(name) changed the file")
            }
            let bytes = try await DataToolsProcess.run(["import", dir + "/bad.json", "--database", database], home: dir)
            #expect(bytes.stderrText.contains("sales[0].lines[1].sku"))
        }
    }

    @Test("an import killed with SIGKILL while writing leaves the previous data intact and the file sound")
    func killedImportLeavesPreviousData() async throws {
        try #require(DataToolsProcess.binaryExists, "build lustores-mcp first: \(DataToolsProcess.binary)")
        try await DataToolsProcess.withDirectory { dir in
            let database = try await Self.importedFixture(in: dir)
            let sales = 120_000
            var big = #"{"items": [{"sku": "BIG-1", "name": "Big", "category": "Tools", "price": 1}], "sales": ["#
            big.reserveCapacity(sales * 170)
            for index in 0..<sales {
                if index > 0 { big += "," }
                big += #"{"sale_id": "BIG-\#(index)", "charge_code": "DEPT1", "timestamp": "2025-07-01T10:00:00Z", "#
                    + #""lines": [{"sku": "BIG-1", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}]}"#
            }
            big += "]}"
            try Data(big.utf8).write(to: URL(fileURLWithPath: dir + "/big.json"))
            let before = try await Self.snapshot(database)

            let child = try DataToolsProcess.start(["import", dir + "/big.json", "--database", database], home: dir)
            let marker = Array("sales written".utf8)
            let started = await child.stderr.wait(within: .seconds(120)) { $0.firstRange(of: marker) != nil }
            child.signal(SIGKILL)
            let exit = await child.waitForExit(within: .seconds(30))
            #expect(started, "the import never reported writing")
            #expect(exit?.termination == .signaled(SIGKILL), "\(String(describing: exit))")

            #expect(try await Self.snapshot(database) == before)
            let store = try await Store.open(path: database)
            #expect(try await store.writer.query("PRAGMA integrity_check") == [[.text("ok")]])
            #expect(try await store.writer.query("SELECT COUNT(*) FROM sales WHERE sale_id LIKE 'BIG-%'") == [[.integer(0)]])
        }
    }

    /// Every row that matters, read as another process would.
    static func snapshot(_ database: String) async throws -> [[SQLValue]] {
        let db = try SQLiteConnection(path: database, readOnly: true)
        var rows: [[SQLValue]] = []
        for table in ["categories", "items", "charge_codes", "sales", "sale_items", "sales_day_totals"] {
            rows += try await db.query("SELECT * FROM \(table) ORDER BY 1")
        }
        return rows
    }
}
