/// The three limits of the product documentation, by kind of call.
public enum RateLimitClass: String, Sendable, CaseIterable {
    /// `GET /api/mcp/status`; default 60 per minute.
    case status
    /// `POST /api/mcp/test`; default 10 per hour.
    case testExecution = "test_execution"
    /// sales, inventory and test results; default 100 per minute.
    case dataRetrieval = "data_retrieval"

    /// The window a bare count of this class is over: status and data per minute, test
    /// execution per hour (as documented, in the environment and the configuration file alike).
    public var documentedWindowSeconds: Int { self == .testExecution ? 3600 : 60 }

    /// The one table of which class each tool counts against, over REST and `/mcp` alike.
    /// Tools not named here retrieve data.
    public static let byTool: [String: RateLimitClass] = ["get_status": .status, "run_tests": .testExecution,
                                                          "analyze_sales": .dataRetrieval, "analyze_inventory": .dataRetrieval,
                                                          "get_charge_codes": .dataRetrieval]

    /// The class a call of `tool` counts against.
    @Sendable public static func of(tool: String) -> RateLimitClass { byTool[tool] ?? .dataRetrieval }
}
