import LUStores

/// Authentication and rate limiting in front of every route (REST and `/mcp`).
///
/// Guarantees: without a matching bearer key the answer is 401 `MCP_AUTH_REQUIRED` with
/// `WWW-Authenticate: Bearer` (unless the gate was built for `--insecure-no-auth`, when everyone
/// shares one identity and one set of limits); past the key's limit the answer is 429
/// `MCP_RATE_LIMITED` with `Retry-After`; admitted requests get the `X-RateLimit-*` headers.
public struct AccessGate: Sendable {
    public enum Admission: Sendable {
        case admitted(headers: [(name: String, value: String)])
        case refused(HTTPResponse)
    }

    public let keys: APIKeys
    public let allowAnonymous: Bool
    public let limiter: RateLimiter

    public init(keys: APIKeys, allowAnonymous: Bool = false, limiter: RateLimiter) {
        self.keys = keys
        self.allowAnonymous = allowAnonymous
        self.limiter = limiter
    }

    /// Authenticates `request`; with `kind`, also counts it against that limit.
    public func admit(_ request: HTTPRequest, kind: RateLimitClass?) async -> Admission {
        let identity: Int
        if let index = keys.authenticate(request.header("authorization")) {
            identity = index
        } else if allowAnonymous && keys.isEmpty {
            identity = -1
        } else {
            let message = request.header("authorization") == nil ? "an API key is required: Authorization: Bearer <key>"
                                                                   : "the API key is not valid"
            return .refused(.error(ToolError(.authRequired, message), headers: [("WWW-Authenticate", "Bearer")]))
        }
        guard let kind else { return .admitted(headers: []) }
        let decision = await limiter.consume(identity: identity, kind: kind)
        guard decision.allowed else {
            let limit = limiter.limits[kind]
            return .refused(.error(ToolError(.rateLimited, "rate limit of \(limit) exceeded",
                                             details: .init([("limit", .string(kind.rawValue))])),
                                   headers: decision.headers))
        }
        return .admitted(headers: decision.headers)
    }
}
