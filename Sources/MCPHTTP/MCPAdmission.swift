import HTTPServer
import JSONRPC

/// What the application decides about a request to `/mcp` before the endpoint acts on it — who
/// may call and how often — so that the endpoint itself knows no keys and no limits.
public enum MCPAdmission: Sendable {
    /// Go ahead.
    case admitted
    /// Answer with this response as it is (a 401 with `WWW-Authenticate`, say).
    case refused(HTTPResponse)
    /// Over the limit called `limit` (such as `data_retrieval`): answered 429 with a JSON-RPC
    /// error that echoes the request id and carries `retryAfter` seconds, plus `headers`
    /// (`Retry-After`, `X-RateLimit-*`).
    case rateLimited(limit: String, retryAfter: Int, headers: [(name: String, value: String)])
    /// A `tools/call` the caller may not make (a key without the tool's scope): answered with
    /// HTTP `status` and the JSON-RPC `error`, echoing the request id.
    case refusedCall(status: Int, error: JSONRPCError)
}

/// Admits a request to `/mcp`. Called once for every request with `tool` nil (authentication),
/// then once more for each `tools/call` with the tool's name (its rate limit).
public typealias MCPAdmissionCheck = @Sendable (_ request: HTTPRequest, _ tool: String?) async -> MCPAdmission
