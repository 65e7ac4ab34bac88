/// The three limits of the product documentation, by kind of route.
public enum RateLimitClass: String, Sendable, CaseIterable {
    /// `GET /api/mcp/status`; default 60 per minute.
    case status
    /// `POST /api/mcp/test`; default 10 per hour.
    case testExecution = "test_execution"
    /// sales, inventory and test results; default 100 per minute.
    case dataRetrieval = "data_retrieval"
}
