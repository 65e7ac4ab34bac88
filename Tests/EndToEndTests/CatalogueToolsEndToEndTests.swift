import Foundation
import JSONRPC
import Testing

/// `analyze_inventory`, `get_charge_codes` and `limit: 0` through the built binary, over stdio and
/// through `call`, on the hand-worked fixture of ``DataToolsEndToEndTests/fixture``; and the
/// server's identity with `website_url`.
@Suite("Catalogue tools end to end", .serialized)
struct CatalogueToolsEndToEndTests {
    @Test("analyze_inventory, get_charge_codes and limit 0 over stdio and through call: hand-worked answers")
    func handWorkedAnswers() async throws {
        try #require(DataToolsProcess.binaryExists, "build lustores-mcp first: \(DataToolsProcess.binary)")
        try await DataToolsProcess.withDirectory { dir in
            let database = try await DataToolsEndToEndTests.importedFixture(in: dir)
            let answers = try await DataToolsEndToEndTests.expectSameAnswers([
                ("analyze_inventory", [:]),
                ("get_charge_codes", ["search": "chem"]),
                ("get_sales", ["limit": 0]),
                ("get_inventory", ["limit": 0, "include_inactive": true]),
                ("analyze_inventory", ["group_by": "aisle"]),
            ], database: database, home: dir)
            // Active items: Acetone 1.5 of 2 kg × 333p = 499.5p → £5.00, 0.5 short; Book 3 × 4000p;
            // Resistor 40 × 125p. Totals 17499.5p → £175.00.
            #expect(answers[0] == ["group_by": "category", "groups": [
                ["key": "Books", "item_count": 1, "low_stock_count": 0, "stock_value": 120, "shortfall": []],
                ["key": "Chemicals", "item_count": 1, "low_stock_count": 1, "stock_value": 5, "shortfall": [
                    ["id": "item_001", "sku": "CHM-1", "name": "Acetone", "stock": 1.5, "minimum_stock": 2.0, "shortfall": 0.5]]],
                ["key": "Electronic Components", "item_count": 1, "low_stock_count": 0, "stock_value": 50, "shortfall": []],
            ], "totals": ["item_count": 3, "low_stock_count": 1, "stock_value": 175]], "\(answers[0])")
            #expect(answers[1] == ["charge_codes": [["code": "DEPT2", "title": "Chemistry", "valid_from": nil, "valid_until": nil,
                                                     "on_hold": false, "active": true]]])
            #expect(answers[2] == ["sales": [], "pagination": ["total": 4, "page": 1, "limit": 0],
                                   "summary": ["count": 4, "revenue": 9.5]])
            // With Zinc (0 × 900p): still £175.00; Zinc 0 ≤ 1 is low too.
            #expect(answers[3]["items"] == [] && answers[3]["summary"] == ["item_count": 4, "low_stock_count": 2, "stock_value": 175])
            #expect(answers[4]["error"]?["details"]?["field"] == "group_by")
        }
    }

    @Test("serverInfo carries the icon, and websiteUrl when website_url is configured")
    func serverInfo() async throws {
        try #require(DataToolsProcess.binaryExists, "build lustores-mcp first: \(DataToolsProcess.binary)")
        try await DataToolsProcess.withDirectory { dir in
            let initialize = Data((#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"e2e","version":"1"}}}"# + "\n").utf8)
            for url in ["https://stores.example.ac.uk/mcp", nil] {
                let served = try await DataToolsProcess.run(["serve", "--database", dir + "/db.sqlite"], stdin: initialize,
                                                            environment: url.map { ["LUSTORES_WEBSITE_URL": $0] } ?? [:], home: dir)
                let info = try #require(DataToolsEndToEndTests.results(served)[0]?["serverInfo"], "\(served.stderrText)")
                #expect(info["websiteUrl"]?.stringValue == url)
                #expect(info["icons"]?.arrayValue?.first?["src"]?.stringValue?.hasPrefix("data:image/svg+xml;base64,") == true)
            }
            let bad = try await DataToolsProcess.run(["call", "get_status", "--database", dir + "/db.sqlite"],
                                                     environment: ["LUSTORES_WEBSITE_URL": "stores"], home: dir)
            #expect(bad.status == 2 && bad.stderrText.contains("LUSTORES_WEBSITE_URL"))
        }
    }
}
