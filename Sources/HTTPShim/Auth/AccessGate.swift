import HTTPServer
import JSONRPC
import MCP
import MCPHTTP

/// Authentication and rate limiting in front of every route (REST and `/mcp`).
///
/// Guarantees: without a matching bearer key the answer is 401 `MCP_AUTH_REQUIRED` with
/// `WWW-Authenticate: Bearer` (unless the gate was built for `--insecure-no-auth`, when everyone
/// shares one identity and one set of limits), or 429 `MCP_RATE_LIMITED` with `Retry-After` once
/// the client's address is over its limit of failed authentications (``FailedAuthentications``;
/// a valid key is never refused by it); past the key's limit the answer is 429
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
    /// Failed authentications per client address: counted (``FailedAuthentications/count()``),
    /// logged, and limited.
    public let failures: FailedAuthentications

    /// A gate checking `keys`, counting against `limiter`, and limiting failed authentications
    /// with `failures`.
    public init(keys: APIKeys, allowAnonymous: Bool = false, limiter: RateLimiter,
                failures: FailedAuthentications = FailedAuthentications()) {
        self.keys = keys
        self.allowAnonymous = allowAnonymous
        self.limiter = limiter
        self.failures = failures
    }

    /// Whether `request` carries a valid key: what the HTTP server asks to keep such clients'
    /// connections open longest under pressure (`HTTPClientTrust`).
    public var trust: HTTPClientTrust {
        let keys = self.keys
        return { request in keys.authenticate(request.header("authorization")) != nil }
    }

    /// Authenticates `request`; with `kind`, also counts it against that limit.
    public func admit(_ request: HTTPRequest, kind: RateLimitClass?) async -> Admission {
        switch await decide(request, kind: kind) {
        case .unknownKey(let response): return .refused(response)
        case .limited(let kind, let decision): return .refused(Self.rateLimited(kind, decision, limit: limiter.limits[kind]))
        case .admitted(let headers): return .admitted(headers: headers)
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
        case admitted([(name: String, value: String)])
    }

    private static func rateLimited(_ kind: RateLimitClass, _ decision: RateLimiter.Decision, limit: RateLimit) -> HTTPResponse {
        .error(ToolError(.rateLimited, "rate limit of \(limit) exceeded", details: .init([("limit", .string(kind.rawValue))])),
               headers: decision.headers)
    }

    private func decide(_ request: HTTPRequest, kind: RateLimitClass?) async -> Decision {
        let identity: Int
        if let index = keys.authenticate(request.header("authorization")) {
            identity = index
        } else if allowAnonymous && keys.isEmpty {
            identity = -1
        } else {
            let presented = request.header("authorization") != nil
            if case .limited(let retryAfter) = await failures.record(address: request.clientAddress, keyPresented: presented) {
                let error = ToolError(.rateLimited, "too many failed authentications from this address",
                                      details: .init([("limit", .string("authentication"))]))
                return .unknownKey(.error(error, headers: [("Retry-After", String(retryAfter))]))
            }
            let message = presented ? "the API key is not valid" : "an API key is required: Authorization: Bearer <key>"
            return .unknownKey(.error(ToolError(.authRequired, message), headers: [("WWW-Authenticate", "Bearer")]))
        }
        guard let kind else { return .admitted([]) }
        let decision = await limiter.consume(identity: identity, kind: kind)
        guard decision.allowed else { return .limited(kind, decision) }
        return .admitted(decision.headers)
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
