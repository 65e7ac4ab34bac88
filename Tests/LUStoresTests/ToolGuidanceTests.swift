import Foundation
import JSONRPC
import MCP
import Store
import Testing
import TestExecution
@testable import LUStores

/// What steers a model: a description on every property of every schema, a `run_tests` that offers
/// only the suites this server can run, instructions naming every tool, the server's identity per
/// revision; and `limit: 0` answering the figures alone.
@Suite("tool guidance")
struct ToolGuidanceTests {
    /// The dotted paths of properties without a `description`, through `properties`, `items` and
    /// `additionalProperties` at any depth.
    static func undescribed(_ schema: JSONValue, at path: String = "") -> [String] {
        var found: [String] = []
        for property in schema["properties"]?.objectValue ?? JSONObject() {
            let here = path + "." + property.key
            if property.value["description"]?.stringValue?.isEmpty != false { found.append(here) }
            found += undescribed(property.value, at: here)
        }
        for key in ["items", "additionalProperties"] where schema[key]?.objectValue != nil {
            found += undescribed(schema[key]!, at: path + "." + key)
        }
        return found
    }

    @Test("every property of every schema has a description")
    func everyPropertyIsDescribed() {
        #expect(SchemaLibrary.all.count >= 17)
        for (name, schema) in SchemaLibrary.all {
            #expect(Self.undescribed(schema).isEmpty, "\(name): \(Self.undescribed(schema))")
        }
    }

    @Test("the walk finds a property without a description however deep")
    func walkFindsMissingDescriptions() {
        let schema: JSONValue = ["type": "object", "properties": [
            "a": ["type": "array", "description": "x", "items": ["type": "object", "properties": ["b": ["type": "string"]]]],
            "c": ["type": "object", "description": "y", "additionalProperties": ["type": "object", "properties": ["d": ["type": "string", "description": ""]]]],
        ]]
        #expect(Set(Self.undescribed(schema)) == [".a.items.b", ".c.additionalProperties.d"])
    }

    @Test("run_tests offers exactly the configured suites, in its enum and its descriptions")
    func runTestsFollowsTheConfiguration() async throws {
        try await DataFixture.withStore { store in
            let unit = TestSuite(name: "unit", kind: .command(.init(command: ["/bin/true"])))
            let configured = try TestSuite.suites(from: nil).merging(["unit": unit]) { $1 }
            for (suites, names) in [(try TestSuite.suites(from: nil), ["sales", "system"]), (configured, ["unit", "sales", "system"])] {
                let runner = TestRunner(store: store, diskThreshold: 100, settings: .init(suites: suites))
                let tool = try #require(try fullRegistry(store, runner: runner)["run_tests"])
                let testType = tool.inputSchema["properties"]?["test_type"]
                #expect(testType?["enum"]?.arrayValue?.compactMap(\.stringValue) == names)
                let description = testType?["description"]?.stringValue ?? ""
                for name in TestSuite.names {
                    #expect(description.contains(name + " (") == names.contains(name), "\(name) in \(description)")
                    #expect(tool.description.contains(name + " (") == names.contains(name), "\(name) in \(tool.description)")
                }
                #expect(!description.contains("/bin/true"), "a command is never shown")
                let refused = await (try fullRegistry(store, runner: runner)).call(tool, arguments: dataArguments(["test_type": "e2e"]),
                                                                              context: ToolContext(requestID: nil, revision: .latestHandshake))
                #expect(DataFixture.failure(refused) == ("MCP_INVALID_REQUEST", "test_type"))
            }
        }
    }

    @Test("the instructions name every tool and say which to call first")
    func instructionsNameEveryTool() {
        for name in allToolNames + ["analyze_sales"] {
            #expect(LUStoresTools.instructions.contains(name), "\(name)")
        }
        #expect(LUStoresTools.instructions.contains("Call get_status first"))
        #expect(LUStoresTools.instructions.split(separator: "\n").count <= 8)
    }

    @Test("serverInfo: icons and websiteUrl only from 2025-11-25, websiteUrl only when configured",
          arguments: ProtocolRevision.allCases)
    func serverInfo(_ revision: ProtocolRevision) throws {
        let info = LUStoresTools.implementation(websiteURL: "https://stores.example.ac.uk/").json(for: revision)
        let modern = revision >= .v2025_11_25
        #expect((info["icons"] != nil) == modern)
        #expect((info["websiteUrl"] != nil) == modern)
        #expect(LUStoresTools.implementation().json(for: revision)["websiteUrl"] == nil)
        if modern {
            let src = try #require(info["icons"]?.arrayValue?.first?["src"]?.stringValue)
            #expect(src.hasPrefix("data:image/svg+xml;base64,"))
            #expect(src.utf8.count < 2048, "a small icon")
            let svg = try #require(Data(base64Encoded: String(src.dropFirst("data:image/svg+xml;base64,".count))))
            #expect(String(decoding: svg, as: UTF8.self) == LUStoresTools.iconSVG)
        }
    }

    @Test("limit 0: no rows, exact pagination and summary", arguments: dataSourceFactories)
    func limitZero(_ factory: any DataSourceFactory) async throws {
        let sales = try await factory.withSource(.sales) { source in
            try #require(DataFixture.result(await DataFixture.ledger(source).sales(dataArguments(["limit": 0]))))
        }
        #expect(sales["sales"] == [])
        #expect(sales["pagination"] == ["total": 7, "page": 1, "limit": 0])
        #expect(sales["summary"]?["count"] == 7)
        #expect(sales["summary"]?["revenue"]?.doubleValue == 22.21)
        #expect(SchemaValidator.validate(sales, against: SchemaLibrary.getSalesOutput) == nil)
        let items = try await factory.withSource(.items) { source in
            try #require(DataFixture.result(await InventoryCatalog(source: source).inventory(dataArguments(["limit": 0]))))
        }
        #expect(items["items"] == [])
        #expect(items["pagination"] == ["total": 5, "page": 1, "limit": 0])
        #expect(items["summary"]?["low_stock_count"] == 3)
        #expect(items["summary"]?["stock_value"]?.doubleValue == 378.73)
        #expect(SchemaValidator.validate(items, against: SchemaLibrary.getInventoryOutput) == nil)
    }
}
