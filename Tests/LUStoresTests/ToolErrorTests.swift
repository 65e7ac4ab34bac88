import JSONRPC
import Testing
@testable import LUStores

@Suite struct ToolErrorTests {
    /// DESIGN §5's table, code by code.
    @Test func codesMapToTheirHTTPStatus() {
        let table: [(ToolError.Code, String, Int)] = [
            (.invalidRequest, "MCP_INVALID_REQUEST", 400), (.authRequired, "MCP_AUTH_REQUIRED", 401),
            (.notFound, "MCP_NOT_FOUND", 404), (.testRunning, "MCP_TEST_RUNNING", 409),
            (.rateLimited, "MCP_RATE_LIMITED", 429), (.internalError, "MCP_INTERNAL_ERROR", 500),
            (.unavailable, "MCP_UNAVAILABLE", 503),
        ]
        #expect(table.count == ToolError.Code.allCases.count)
        for (code, name, status) in table {
            #expect(code.rawValue == name)
            #expect(code.httpStatus == status)
        }
        let error = ToolError(.notFound, "gone", details: JSONObject([("id", "x")]), timestamp: "2025-06-09T10:30:00Z")
        #expect(JSONWriter.string(error.json)
            == #"{"error":{"code":"MCP_NOT_FOUND","message":"gone","timestamp":"2025-06-09T10:30:00Z","details":{"id":"x"}}}"#)
    }
}
