import HTTPServer
import JSONRPC
import MCP
import MCPHTTP

/// The whole shim behind the HTTP server: `/api/mcp/…` to the REST router, `/mcp` to the MCP
/// endpoint, anything else 404 in the error format of `schemas/error.schema.json`.
public struct HTTPShimHandler: HTTPHandler {
    /// The REST twins of the tools.
    public let rest: RESTRouter
    /// MCP Streamable HTTP, when served.
    public let mcp: (any HTTPHandler)?

    /// A handler routing to `rest` and `mcp`.
    public init(rest: RESTRouter, mcp: (any HTTPHandler)?) {
        self.rest = rest
        self.mcp = mcp
    }

    /// The answer of the route `request.path` belongs to.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        if RESTRouter.owns(request.path) { return await rest.handle(request) }
        if request.path == "/mcp", let mcp {
            // The key's scopes decide what tools/list shows and what the audit line names.
            return await ToolCaller.$current.withValue(rest.gate.mcpCaller(request)) { await mcp.handle(request) }
        }
        return .error(ToolError(.notFound, "no route for \(request.path)"))
    }

    /// What the server answers by itself, in the same error format: `MCP_INVALID_REQUEST` with
    /// the refusal's reason in `details.reason` (a request it cannot parse, a timeout), or
    /// `MCP_UNAVAILABLE` (too many connections), with the refusal's status and headers.
    @Sendable public static func renderRefusal(_ refusal: HTTPRefusal) -> HTTPResponse {
        let error = refusal == .overloaded
            ? ToolError(.unavailable, refusal.message)
            : ToolError(.invalidRequest, refusal.message, details: JSONObject([("reason", .string(refusal.reason))]))
        return .error(error, status: refusal.status, headers: refusal.headers)
    }
}

extension HTTPResponse {
    /// The error object of `schemas/error.schema.json` with `status` (by default the code's own).
    public static func error(_ error: ToolError, status: Int? = nil, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        json(status ?? error.code.httpStatus, error.json, headers: headers)
    }
}
