import HTTPServer
import JSONRPC
import MCP
import MCPHTTP

/// Authentication and rate limiting in front of every route (REST and `/mcp`).
///
/// Guarantees: without a matching bearer key the answer is 401 `MCP_AUTH_REQUIRED` with
/// `WWW-Authenticate: Bearer` (unless the gate was built for `--insecure-no-auth`, when everyone
/// shares one identity and one set of limits); past the key's limit the answer is 429
/// `MCP_RATE_LIMITED` with `Retry-After`; admitted requests get the `X-RateLimit-*` headers.
public struct AccessGate: Sendable {
    /// The verdict on one request.
    public enum Admission: Sendable {
        /// Go ahead; `headers` (the `X-RateLimit-*` state) belong on the answer.
        case admitted(headers: [(name: String, value: String)])
        /// Answer with this response (401 or 429).
        case refused(HTTPResponse)
    }

    /// The keys accepted.
    public let keys: APIKeys
    /// Whether a request without a key is admitted (only when there are no keys at all).
    public let allowAnonymous: Bool
    /// The per-key limits.
    public let limiter: RateLimiter
    /// Where refusals are counted (401s and 429s), if anywhere.
    public let metrics: ShimMetrics?

    /// A gate checking `keys` and counting against `limiter`; refusals are counted in `metrics`.
    public init(keys: APIKeys, allowAnonymous: Bool = false, limiter: RateLimiter, metrics: ShimMetrics? = nil) {
        self.keys = keys
        self.allowAnonymous = allowAnonymous
        self.limiter = limiter
        self.metrics = metrics
    }

    /// The scope a key needs to read `/metrics`.
    public static let metricsScope = "metrics"

    /// Authenticates `request` for an operator's route that needs `scope` (such as
    /// ``metricsScope``); no rate limit applies. A key without the scope is refused 403
    /// `MCP_FORBIDDEN`.
    public func admit(_ request: HTTPRequest, scope: String) async -> Admission {
        switch await decide(request, kind: nil) {
        case .unknownKey(let response): return .refused(response)
        case .limited(let kind, let decision): return .refused(Self.rateLimited(kind, decision, limit: limiter.limits[kind]))
        case .admitted(let identity, _):
            guard holds(identity, scope: scope) else {
                // Unreachable until keys carry scopes; the scoped keys bring `MCP_FORBIDDEN` for this answer.
                return .refused(.json(403, ToolError(.invalidRequest, "this API key does not have the \(scope) scope").json))
            }
            return .admitted(headers: [])
        }
    }

    /// Whether the key at `identity` may use `scope`. Keys carry no scopes yet, so every valid
    /// key (and the anonymous caller of `--insecure-no-auth`) holds every scope; scoped keys
    /// answer here.
    private func holds(_ identity: Int, scope: String) -> Bool { true }

    /// Takes back the request `request` counted against `kind` when it turned out not to count
    /// (a test execution refused as invalid before it started). Returns the `X-RateLimit-*`
    /// headers as the limit now stands.
    public func refund(_ request: HTTPRequest, kind: RateLimitClass) async -> [(name: String, value: String)] {
        guard let identity = identity(of: request) else { return [] }
        return await limiter.refund(identity: identity, kind: kind).headers
    }

    /// Authenticates `request`; with `kind`, also counts it against that limit.
    public func admit(_ request: HTTPRequest, kind: RateLimitClass?) async -> Admission {
        switch await decide(request, kind: kind) {
        case .unknownKey(let response): return .refused(response)
        case .limited(let kind, let decision): return .refused(Self.rateLimited(kind, decision, limit: limiter.limits[kind]))
        case .admitted(_, let headers): return .admitted(headers: headers)
        }
    }

    /// The same decisions for `/mcp`: authentication for every request, and for a `tools/call`
    /// the limit of that tool's class (``RateLimitClass/of(tool:)``), as its REST twin counts.
    public func admitMCP(_ request: HTTPRequest, tool: String?) async -> MCPAdmission {
        switch await decide(request, kind: tool.map(RateLimitClass.of(tool:))) {
        case .unknownKey(let response): return .refused(response)
        case .limited(let kind, let decision):
            return .rateLimited(limit: kind.rawValue, retryAfter: decision.retryAfter, headers: decision.headers)
        case .admitted: return .admitted
        }
    }

    private enum Decision {
        case unknownKey(HTTPResponse)
        case limited(RateLimitClass, RateLimiter.Decision)
        case admitted(identity: Int, [(name: String, value: String)])
    }

    private static func rateLimited(_ kind: RateLimitClass, _ decision: RateLimiter.Decision, limit: RateLimit) -> HTTPResponse {
        .error(ToolError(.rateLimited, "rate limit of \(limit) exceeded", details: .init([("limit", .string(kind.rawValue))])),
               headers: decision.headers)
    }

    /// The key's index, -1 for the anonymous caller, nil when refused.
    private func identity(of request: HTTPRequest) -> Int? {
        if let index = keys.authenticate(request.header("authorization")) { return index }
        return allowAnonymous && keys.isEmpty ? -1 : nil
    }

    private func decide(_ request: HTTPRequest, kind: RateLimitClass?) async -> Decision {
        guard let identity = identity(of: request) else {
            metrics?.authenticationFailed()
            let message = request.header("authorization") == nil ? "an API key is required: Authorization: Bearer <key>"
                                                                   : "the API key is not valid"
            return .unknownKey(.error(ToolError(.authRequired, message), headers: [("WWW-Authenticate", "Bearer")]))
        }
        guard let kind else { return .admitted(identity: identity, []) }
        let decision = await limiter.consume(identity: identity, kind: kind)
        guard decision.allowed else {
            metrics?.rateLimited(kind)
            return .limited(kind, decision)
        }
        return .admitted(identity: identity, decision.headers)
    }
}

extension MCPEndpoint {
    /// An endpoint whose callers are admitted by `gate`: its keys, and its limits per tool class.
    public init(server: MCPServer, gate: AccessGate, allowedHosts: OriginPolicy, sessions: MCPSessions = MCPSessions()) {
        self.init(server: server, allowedHosts: allowedHosts, sessions: sessions) { request, tool in
            await gate.admitMCP(request, tool: tool)
        }
    }
}
