import Foundation
import JSONRPC
import Testing

/// `analyze_sales` through the built binary: over stdio and through `call` (the same JSON), in
/// another time zone, and over the REST shim, on the hand-worked fixture of
/// ``DataToolsEndToEndTests/fixture`` imported through the binary (so its totals are kept by the
/// import itself).
@Suite("analyze_sales end to end", .serialized)
struct AnalyzeSalesEndToEndTests {
    // The fixture, worked by hand (UTC):
    //   S-A DEPT1 2025-06-09T09:00Z completed  Resistor (item_003) 2 × 125p = 250p + 50p VAT = 300p
    //   S-B DEPT2 2025-06-09T23:30Z completed  Acetone (item_001) 0.5 × 333p = 166.5 → 167p + 33p VAT = 200p
    //   S-C DEPT1 2025-06-10T08:00Z refunded   Book 1 × 4000p, 0% VAT = 4000p (earns nothing)
    //   S-D DEPT1 2025-06-10T08:00Z completed  Resistor 3 × 125p = 375p + 75p VAT = 450p

    @Test("every grouping over stdio and through call: the hand-worked figures, the same JSON")
    func handWorkedAnswers() async throws {
        try #require(DataToolsProcess.binaryExists, "build lustores-mcp first: \(DataToolsProcess.binary)")
        try await DataToolsProcess.withDirectory { dir in
            let database = try await DataToolsEndToEndTests.importedFixture(in: dir)
            let answers = try await DataToolsEndToEndTests.expectSameAnswers([
                ("analyze_sales", ["group_by": "charge_code"]),
                ("analyze_sales", ["group_by": "day", "from": "2025-06-09", "to": "2025-06-12"]),
                ("analyze_sales", ["group_by": "item", "sort": "quantity"]),
                ("analyze_sales", ["group_by": "category", "limit": 1]),
                ("analyze_sales", ["group_by": "status", "charge_code": "DEPT1"]),
                ("analyze_sales", ["group_by": "month", "status": "refunded"]),
                ("analyze_sales", ["group_by": "year"]),
            ], database: database, home: dir)
            #expect(answers[0] == ["group_by": "charge_code", "groups": [
                ["key": "DEPT1", "label": "Physics", "count": 3, "revenue": 7.5, "vat": 1.25, "quantity": 5],
                ["key": "DEPT2", "label": "Chemistry", "count": 1, "revenue": 2, "vat": 0.33, "quantity": 0.5],
            ], "totals": ["count": 4, "revenue": 9.5, "vat": 1.58], "truncated": false], "\(answers[0])")
            #expect(answers[1]["groups"] == [
                ["key": "2025-06-09", "label": "Monday 9 June 2025", "count": 2, "revenue": 5, "vat": 0.83, "quantity": 2.5],
                ["key": "2025-06-10", "label": "Tuesday 10 June 2025", "count": 2, "revenue": 4.5, "vat": 0.75, "quantity": 3],
                ["key": "2025-06-11", "label": "Wednesday 11 June 2025", "count": 0, "revenue": 0, "vat": 0, "quantity": 0],
            ], "\(answers[1])")
            #expect(answers[2] == ["group_by": "item", "groups": [
                ["key": "item_003", "label": "Resistor", "count": 2, "revenue": 7.5, "vat": 1.25, "quantity": 5],
                ["key": "item_001", "label": "Acetone", "count": 1, "revenue": 2, "vat": 0.33, "quantity": 0.5],
            ], "totals": ["count": 3, "revenue": 9.5, "vat": 1.58], "truncated": false], "\(answers[2])")
            #expect(answers[3] == ["group_by": "category", "groups": [
                ["key": "Electronic Components", "label": "Electronic Components", "count": 2, "revenue": 7.5, "vat": 1.25, "quantity": 5],
            ], "totals": ["count": 3, "revenue": 9.5, "vat": 1.58], "truncated": true], "\(answers[3])")
            #expect(answers[4]["groups"] == [
                ["key": "completed", "label": "Completed", "count": 2, "revenue": 7.5, "vat": 1.25, "quantity": 5],
                ["key": "refunded", "label": "Refunded", "count": 1, "revenue": 0, "vat": 0, "quantity": 0],
            ], "\(answers[4])")
            #expect(answers[5]["groups"] == [["key": "2025-06", "label": "June 2025", "count": 1, "revenue": 0, "vat": 0, "quantity": 0]])
            #expect(answers[6]["error"]?["code"] == "MCP_INVALID_REQUEST" && answers[6]["error"]?["details"]?["field"] == "group_by")

            // In London (BST), S-B at 23:30Z falls on 10 June.
            let london = try await DataToolsProcess.run(["call", "analyze_sales", #"{"group_by":"day","from":"2025-06-09","to":"2025-06-11"}"#,
                                                         "--database", database],
                                                        environment: ["LUSTORES_TIMEZONE": "Europe/London"], home: dir)
            #expect(london.status == 0, "\(london.stderrText)")
            let days = try JSONParser.parse(london.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(days["groups"] == [
                ["key": "2025-06-09", "label": "Monday 9 June 2025", "count": 1, "revenue": 3, "vat": 0.5, "quantity": 2],
                ["key": "2025-06-10", "label": "Tuesday 10 June 2025", "count": 3, "revenue": 6.5, "vat": 1.08, "quantity": 3.5],
            ], "\(days)")
        }
    }

    @Test("GET /api/mcp/sales/analysis answers what the tool answers over stdio; a bad grouping is a 400")
    func restRoute() async throws {
        try #require(DataToolsProcess.binaryExists, "build lustores-mcp first: \(DataToolsProcess.binary)")
        try await DataToolsProcess.withDirectory { dir in
            let database = try await DataToolsEndToEndTests.importedFixture(in: dir)
            let stdio = try await DataToolsProcess.run(["call", "analyze_sales", #"{"group_by":"item","from":"2025-06-09"}"#,
                                                        "--database", database], home: dir)
            let expected = try JSONParser.parse(stdio.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
            let server = try HTTPProcess(arguments: ["--database", database], environment: ["LUSTORES_API_KEYS": "analysis-e2e-key-0001"])
            #expect(await server.waitForListening(), "\(server.stderrText)")
            func get(_ target: String) async -> (head: String, body: String) {
                let answer = await rawExchange(port: server.port, "GET \(target) HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer analysis-e2e-key-0001\r\nConnection: close\r\n\r\n")
                let parts = answer.components(separatedBy: "\r\n\r\n")
                return (parts.first ?? "", parts.dropFirst().joined(separator: "\r\n\r\n"))
            }
            let ok = await get("/api/mcp/sales/analysis?group_by=item&from=2025-06-09")
            #expect(ok.head.hasPrefix("HTTP/1.1 200 OK"), "\(ok.head)")
            #expect((try? JSONParser.parse(Array(ok.body.utf8))) == expected, "\(ok.body)")
            let bad = await get("/api/mcp/sales/analysis?group_by=year")
            #expect(bad.head.hasPrefix("HTTP/1.1 400 "), "\(bad.head)")
            #expect(bad.body.contains("MCP_INVALID_REQUEST"), "\(bad.body)")
            server.terminate()
            let (code, _) = try await server.finish()
            #expect(code == 0)
        }
    }
}
