import Foundation
import JSONRPC
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
}
