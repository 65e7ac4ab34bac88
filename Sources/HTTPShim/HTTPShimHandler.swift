import HTTPServer
import JSONRPC
import MCP
import MCPHTTP
import ServerSupport

/// The whole shim behind the HTTP server: `/api/mcp/…` to the REST router, `/mcp` to the MCP
/// endpoint, `/healthz`, `/readyz` and `/metrics` to the operations routes, anything else 404 in
/// the error format of `schemas/error.schema.json`.
///
/// Before routing, the request's ``HTTPRequest/clientAddress`` is resolved through the trusted
/// proxies; after, each answer is counted by route template, method and status.
public struct HTTPShimHandler: HTTPHandler {
    /// The REST twins of the tools.
    public let rest: RESTRouter
    /// MCP Streamable HTTP, when served.
    public let mcp: (any HTTPHandler)?
    /// Health, readiness and metrics, when served.
    public let operations: OperationsRoutes?
    /// The proxies whose `X-Forwarded-For` names the client.
    public let trustedProxies: TrustedProxies
    /// Where each request's line goes at `debug` level (client address, method, route, status).
    public let logger: Logger?

    /// A handler routing to `rest`, `mcp` and `operations`.
    public init(rest: RESTRouter, mcp: (any HTTPHandler)?, operations: OperationsRoutes? = nil,
                trustedProxies: TrustedProxies = .none, logger: Logger? = nil) {
        self.rest = rest
        self.mcp = mcp
        self.operations = operations
        self.trustedProxies = trustedProxies
        self.logger = logger
    }

    /// The answer of the route `request.path` belongs to.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        var request = request
        trustedProxies.resolve(&request)
        let started = MonotonicClock.now()
        let (response, route) = await answer(request)
        operations?.metrics.requestAnswered(route: route, method: request.method, status: response.status,
                                            seconds: MonotonicClock.now() - started)
        if let logger, logger.level <= .debug {
            logger.debug("http: \(request.clientAddress ?? "-") \(request.method) \(ShimMetrics.routes[route.index]) \(response.status)")
        }
        return response
    }

    /// The answer, and the route it counts under (a template, never the raw path).
    private func answer(_ request: HTTPRequest) async -> (response: HTTPResponse, route: ShimMetrics.Route) {
        if RESTRouter.owns(request.path) {
            let matches = RESTRouter.matches(request.path)
            return (await rest.handle(request, matches: matches), matches.first.map { .rest($0.index) } ?? .unmatched)
        }
        if request.path == "/mcp", let mcp {
            // The key's scopes decide what tools/list shows and what the audit line names.
            return (await ToolCaller.$current.withValue(rest.gate.mcpCaller(request)) { await mcp.handle(request) }, .mcp)
        }
        if let operations, let route = OperationsRoutes.route(of: request.path) { return (await operations.handle(request), route) }
        return (.error(ToolError(.notFound, "no route for \(request.path)")), .unmatched)
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
