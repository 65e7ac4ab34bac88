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
