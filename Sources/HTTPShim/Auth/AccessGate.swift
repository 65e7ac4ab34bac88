import HTTPServer
import JSONRPC
import MCP
import MCPHTTP

/// Authentication, scopes and rate limiting in front of every route (REST and `/mcp`), and the
/// audit lines of what it refuses.
///
/// Guarantees: without a matching bearer key the answer is 401 `MCP_AUTH_REQUIRED` with
/// `WWW-Authenticate: Bearer` and an `auth_failed` audit line naming the address, never the
/// presented key (unless the gate was built for `--insecure-no-auth`, when everyone is
/// ``APIKey/anonymous`` with every scope and one set of limits); a key without the scope the
/// call needs gets 403 `MCP_FORBIDDEN` before its limit is counted; past the key's limit the answer
/// is 429 `MCP_RATE_LIMITED` with `Retry-After`; admitted requests get the `X-RateLimit-*` headers.
/// Once a client's address is over its limit of failed authentications (``FailedAuthentications``)
/// its unauthenticated requests get 429 with `Retry-After` instead of 401; a valid key is never
/// refused by that limit.
public struct AccessGate: Sendable {
    /// The verdict on one request.
    public enum Admission: Sendable {
        /// Go ahead as `key`; `headers` (the `X-RateLimit-*` state) belong on the answer.
        case admitted(key: APIKey, headers: [(name: String, value: String)])
        /// Answer with this response (401, 403 or 429).
        case refused(HTTPResponse)
    }

    /// The keys accepted.
    public let keys: APIKeys
    /// Whether a request without a key is admitted (only when there are no keys at all).
    public let allowAnonymous: Bool
    /// The per-key limits.
    public let limiter: RateLimiter
    /// Where calls and failed authentications are recorded, if anywhere.
    public let audit: AuditLog?

    /// Failed authentications per client address: counted (``FailedAuthentications/count()``),
    /// logged, and limited.
    public let failures: FailedAuthentications

    /// A gate checking `keys` and counting against `limiter`, recording to `audit`, and limiting
    /// failed authentications with `failures`.
    public init(keys: APIKeys, allowAnonymous: Bool = false, limiter: RateLimiter, audit: AuditLog? = nil,
                failures: FailedAuthentications = FailedAuthentications()) {
        self.keys = keys
        self.allowAnonymous = allowAnonymous
        self.limiter = limiter
        self.audit = audit
        self.failures = failures
    }

    /// Whether `request` carries a valid key: what the HTTP server asks to keep such clients'
    /// connections open longest under pressure (`HTTPClientTrust`).
    public var trust: HTTPClientTrust {
        let keys = self.keys
        return { request in keys.authenticate(request.header("authorization")) != nil }
    }

    /// The key `request` presents (or ``APIKey/anonymous`` when anonymous callers are allowed),
    /// nil when it presents none that matches.
    public func identify(_ request: HTTPRequest) -> APIKey? {
        if let key = keys.authenticate(request.header("authorization")) { return key }
        return allowAnonymous && keys.isEmpty ? .anonymous : nil
    }

    /// Authenticates `request`; with `scope`, checks the key has it; with `kind`, counts it
    /// against that limit.
    public func admit(_ request: HTTPRequest, scope: APIKeyScope?, kind: RateLimitClass?) async -> Admission {
        guard let key = authenticated(request, transport: "rest") else { return .refused(await unauthorized(request)) }
        if let scope, !key.allows(scope) { return .refused(.error(Self.forbidden(scope))) }
        guard let kind else { return .admitted(key: key, headers: []) }
        let decision = await limiter.consume(identity: key.position, kind: kind)
        guard decision.allowed else { return .refused(Self.rateLimited(kind, decision, limit: limiter.limits[kind])) }
        return .admitted(key: key, headers: decision.headers)
    }

    /// The same decisions for `/mcp`: authentication for every request, and for a `tools/call`
    /// the tool's scope (``APIKeyScope/required(tool:)``), then the limit of its class
    /// (``RateLimitClass/of(tool:)``), as its REST twin. A refused call is recorded here, since
    /// the engine never sees it.
    public func admitMCP(_ request: HTTPRequest, tool: String?) async -> MCPAdmission {
        guard let key = authenticated(request, transport: "mcp") else { return .refused(await unauthorized(request)) }
        guard let tool else { return .admitted }
        let scope = APIKeyScope.required(tool: tool)
        guard key.allows(scope) else {
            let error = Self.forbidden(scope)
            recordRefusedCall(request, key: key, tool: tool, code: error.code)
            return .refusedCall(status: 403, error: JSONRPCError(code: -32000, message: error.message, data: error.json))
        }
        let kind = RateLimitClass.of(tool: tool)
        let decision = await limiter.consume(identity: key.position, kind: kind)
        guard decision.allowed else {
            recordRefusedCall(request, key: key, tool: tool, code: .rateLimited)
            return .rateLimited(limit: kind.rawValue, retryAfter: decision.retryAfter, headers: decision.headers)
        }
        return .admitted
    }

    /// The caller to bind while `/mcp` handles `request` (its tools list and calls follow the
    /// key's scopes), nil when it presents no valid key (the endpoint then answers 401).
    public func mcpCaller(_ request: HTTPRequest) -> ToolCaller? {
        guard let key = identify(request) else { return nil }
        return ToolCaller(name: key.name, address: request.clientAddress, transport: "mcp") { tool in
            key.allows(APIKeyScope.required(tool: tool))
        }
    }

    private func authenticated(_ request: HTTPRequest, transport: String) -> APIKey? {
        if let key = identify(request) { return key }
        audit?.record(AuditEntry(event: "auth_failed", key: nil, address: request.clientAddress, transport: transport,
                                 route: "\(request.method) \(request.path)", outcome: ToolError.Code.authRequired.rawValue,
                                 status: 401))
        return nil
    }

    private func recordRefusedCall(_ request: HTTPRequest, key: APIKey, tool: String, code: ToolError.Code) {
        audit?.record(AuditEntry(key: key.name, address: request.clientAddress, transport: "mcp", tool: tool,
                                 route: "\(request.method) \(request.path)", outcome: code.rawValue, status: code.httpStatus))
    }

    /// 401, or 429 once the request's address is over its limit of failed authentications.
    private func unauthorized(_ request: HTTPRequest) async -> HTTPResponse {
        let presented = request.header("authorization") != nil
        if case .limited(let retryAfter) = await failures.record(address: request.clientAddress ?? "", keyPresented: presented) {
            let error = ToolError(.rateLimited, "too many failed authentications from this address",
                                  details: .init([("limit", .string("authentication"))]))
            return .error(error, headers: [("Retry-After", String(retryAfter))])
        }
        let message = request.header("authorization") == nil ? "an API key is required: Authorization: Bearer <key>"
                                                               : "the API key is not valid"
        return .error(ToolError(.authRequired, message), headers: [("WWW-Authenticate", "Bearer")])
    }

    private static func forbidden(_ scope: APIKeyScope) -> ToolError {
        ToolError(.forbidden, "this API key does not have the \(scope.rawValue) scope",
                  details: JSONObject([("scope", .string(scope.rawValue))]))
    }

    private static func rateLimited(_ kind: RateLimitClass, _ decision: RateLimiter.Decision, limit: RateLimit) -> HTTPResponse {
        .error(ToolError(.rateLimited, "rate limit of \(limit) exceeded", details: .init([("limit", .string(kind.rawValue))])),
               headers: decision.headers)
    }
}

extension MCPEndpoint {
    /// An endpoint whose callers are admitted by `gate`: its keys and scopes, and its limits per
    /// tool class.
    public init(server: MCPServer, gate: AccessGate, allowedHosts: OriginPolicy, sessions: MCPSessions = MCPSessions()) {
        self.init(server: server, allowedHosts: allowedHosts, sessions: sessions) { request, tool in
            await gate.admitMCP(request, tool: tool)
        }
    }
}
