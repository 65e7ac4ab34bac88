/// The limit of each class.
public struct RateLimits: Sendable, Equatable {
    /// `GET /api/mcp/status` and `get_status`: 60 per minute.
    public var status = RateLimit(requests: 60, windowSeconds: 60)
    /// `POST /api/mcp/test` and `run_tests`: 10 per hour.
    public var testExecution = RateLimit(requests: 10, windowSeconds: 3600)
    /// Everything else: 100 per minute.
    public var dataRetrieval = RateLimit(requests: 100, windowSeconds: 60)

    /// The product defaults.
    public init() {}

    /// The limit of `kind`.
    public subscript(kind: RateLimitClass) -> RateLimit {
        get {
            switch kind {
            case .status: return status
            case .testExecution: return testExecution
            case .dataRetrieval: return dataRetrieval
            }
        }
        set {
            switch kind {
            case .status: status = newValue
            case .testExecution: testExecution = newValue
            case .dataRetrieval: dataRetrieval = newValue
            }
        }
    }
}
