import JSONRPC
import LUStores
import MCP
import HTTPServerTesting
@testable import HTTPServer
@testable import HTTPShim
@testable import MCPHTTP

/// A registry with the five tools' names and argument schemas; handlers echo their arguments
/// (so tests see the typed conversion) or answer as the real tools do for known cases.
func fakeRegistry(including names: Set<String> = ["get_status", "run_tests", "get_test_result", "get_sales", "get_inventory"]) -> ToolRegistry {
    let page: JSONValue = ["type": "integer", "minimum": 1]
    let limit: JSONValue = ["type": "integer", "minimum": 1, "maximum": 500]
    func tool(_ name: String, _ schema: JSONValue, _ handler: @escaping ToolHandler) -> Tool {
        Tool(name: name, title: name, description: name, inputSchema: schema, outputSchema: ["type": "object"],
             annotations: ToolAnnotations(readOnlyHint: name != "run_tests", idempotentHint: true), handler: handler)
    }
    let echo: ToolHandler = { arguments, _ in .success(["arguments": .object(arguments)]) }
    let tools = [
        tool("get_status", SchemaLibrary.getStatusInput) { _, _ in
            .success(["system": ["status": "healthy", "version": "1.0.0", "uptime": 5, "environment": "test"]])
        },
        tool("run_tests", ["type": "object", "properties": ["test_type": ["type": "string", "enum": ["unit", "integration", "e2e", "sales", "system"]],
                                                            "options": ["type": "object"]],
                           "required": ["test_type"], "additionalProperties": false]) { arguments, _ in
            .started(["execution_id": "test_1", "status": "running", "started_at": "2025-06-09T10:30:00Z",
                      "estimated_duration": 3, "test_type": arguments["test_type"] ?? .null], handle: "test_1")
        },
        tool("get_test_result", ["type": "object", "properties": ["execution_id": ["type": "string", "minLength": 1, "maxLength": 64],
                                                                  "wait_seconds": ["type": "integer", "minimum": 0, "maximum": 60]],
                                 "required": ["execution_id"], "additionalProperties": false]) { arguments, _ in
            arguments["execution_id"] == "test_1"
                ? .success(["execution_id": "test_1", "status": "completed"])
                : ToolError(.notFound, "no execution \(arguments["execution_id"]?.stringValue ?? "")").outcome
        },
        tool("get_sales", ["type": "object", "properties": ["page": page, "limit": limit, "charge_code": ["type": "string", "minLength": 1],
                                                            "date": ["type": "string"], "from": ["type": "string"], "to": ["type": "string"],
                                                            "status": ["type": "string", "enum": ["completed", "refunded"]]],
                           "additionalProperties": false], echo),
        tool("get_inventory", ["type": "object", "properties": ["category": ["type": "string"], "search": ["type": "string"],
                                                                "low_stock": ["type": "boolean"], "include_inactive": ["type": "boolean"],
                                                                "page": page, "limit": limit],
                               "additionalProperties": false], echo),
    ]
    return ToolRegistry(tools.filter { names.contains($0.name) }, invalidArguments: LUStoresTools.invalidArguments)
}

let testKey = "k-test-0123456789"
let otherKey = "k-other-9876543210"

func shim(registry: ToolRegistry = fakeRegistry(), limits: RateLimits = RateLimits(), anonymous: Bool = false,
          keys: [String] = [testKey, otherKey], mcp: (any HTTPHandler)? = nil) -> HTTPShimHandler {
    let gate = AccessGate(keys: APIKeys(anonymous ? [] : keys), allowAnonymous: anonymous, limiter: RateLimiter(limits: limits))
    return HTTPShimHandler(rest: RESTRouter(registry: registry, gate: gate), mcp: mcp)
}

/// One request through the in-process HTTP layer; the single answer, parsed.
func exchange(_ handler: some HTTPHandler, _ method: String, _ target: String, key: String? = testKey,
              headers: [String] = [], body: String = "") async -> (status: Int, headers: [String: String], body: String) {
    var text = "\(method) \(target) HTTP/1.1\r\nHost: localhost\r\n"
    if let key { text += "Authorization: Bearer \(key)\r\n" }
    for header in headers { text += header + "\r\n" }
    if !body.isEmpty || method == "POST" { text += "Content-Length: \(body.utf8.count)\r\n" }
    text += "\r\n" + body
    let output = await InProcessHTTP.exchange(text, handler: handler, refusals: HTTPShimHandler.renderRefusal)
    return responses(output).first ?? (0, [:], output)
}
