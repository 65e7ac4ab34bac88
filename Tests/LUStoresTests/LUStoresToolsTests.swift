import JSONRPC
import Testing
@testable import LUStores
@testable import MCP

/// Argument errors name the field, and the registry serves the tools with the library's schemas.
@Suite struct LUStoresToolsTests {
    @Test(arguments: ["x", "options.timeout", "lines[2]"])
    func invalidArgumentsNamesTheField(_ field: String) {
        let json = LUStoresTools.invalidArguments(SchemaViolation(path: field, reason: "must be at most 500")).json
        let error = json["error"]
        #expect(error?["code"] == "MCP_INVALID_REQUEST")
        #expect(error?["message"]?.stringValue?.contains(field) == true, "\(json)")
        #expect(error?["message"]?.stringValue?.contains("must be at most 500") == true, "\(json)")
        #expect(error?["details"]?["field"] == .string(field))
        #expect(SchemaValidator.validate(json, against: SchemaLibrary.error) == nil)
    }

    @Test func aViolationOfTheWholeValueHasNoField() {
        let json = LUStoresTools.invalidArguments(SchemaViolation(path: "", reason: "must be an object, got array")).json
        #expect(json["error"]?["code"] == "MCP_INVALID_REQUEST")
        #expect(json["error"]?["message"]?.stringValue?.contains("must be an object") == true)
        #expect(json["error"]?["details"]?["field"] == nil)
        #expect(SchemaValidator.validate(json, against: SchemaLibrary.error) == nil)
    }

    @Test func registryRefusesUnknownArgumentsOfGetStatusNamingThem() async throws {
        try await withStore { store in
            let registry = try fullRegistry(store)
            #expect(registry.tools.map(\.name) == allToolNames)
            let tool = try #require(registry["get_status"])
            #expect(tool.inputSchema == SchemaLibrary.getStatusInput)
            #expect(tool.outputSchema == SchemaLibrary.getStatusOutput)
            #expect(tool.annotations.readOnlyHint && !tool.annotations.openWorldHint)

            let context = ToolContext(requestID: .integer(1), revision: .v2025_11_25)
            let refused = await registry.call(tool, arguments: JSONObject([("verbose", true)]), context: context)
            #expect(refused.isError)
            #expect(refused.json["error"]?["details"]?["field"] == "verbose")
            #expect(refused.json["error"]?["message"]?.stringValue?.contains("verbose") == true)

            let answered = await registry.call(tool, arguments: JSONObject(), context: context)
            #expect(!answered.isError)
            #expect(SchemaValidator.validate(answered.json, against: SchemaLibrary.getStatusOutput) == nil)
        }
    }
}
