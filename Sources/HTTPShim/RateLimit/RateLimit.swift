/// A limit of `requests` in any window of `windowSeconds`.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    public var requests: Int
    public var windowSeconds: Int

    public init(requests: Int, windowSeconds: Int) {
        precondition(requests > 0 && windowSeconds > 0, "a rate limit needs a positive count and window")
        self.requests = requests
        self.windowSeconds = windowSeconds
    }

    public var description: String { "\(requests) per \(windowSeconds) s" }

    /// Parses `N/SECONDS` (or `N`, per minute), as the benchmark kit's
    /// `LUSTORES_RATE_LIMIT_*` variables are written; nil if malformed.
    public static func parse(_ text: String) -> RateLimit? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let requests = Int(parts[0]), requests > 0 else { return nil }
        var window = 60
        if parts.count == 2 {
            guard let seconds = Int(parts[1]), seconds > 0 else { return nil }
            window = seconds
        }
        return RateLimit(requests: requests, windowSeconds: window)
    }
}

/// The three limits of the product documentation, by kind of route.
public enum RateLimitClass: String, Sendable, CaseIterable {
    /// `GET /api/mcp/status`; default 60 per minute.
    case status
    /// `POST /api/mcp/test`; default 10 per hour.
    case testExecution = "test_execution"
    /// sales, inventory and test results; default 100 per minute.
    case dataRetrieval = "data_retrieval"
}

/// The limit of each class.
public struct RateLimits: Sendable, Equatable {
    public var status = RateLimit(requests: 60, windowSeconds: 60)
    public var testExecution = RateLimit(requests: 10, windowSeconds: 3600)
    public var dataRetrieval = RateLimit(requests: 100, windowSeconds: 60)

    public init() {}

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
