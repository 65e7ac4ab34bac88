import MCP

/// The rule of the test-execution limit, the same over REST and `/mcp`: a call of `run_tests`
/// counts against it only when it started a run, or was refused because one is running
/// (`MCP_TEST_RUNNING`: a client retrying in a loop is what the limit is for). A call rejected as
/// invalid (bad arguments, an unknown suite, a body that is not JSON) gives its count back, so a
/// CI script's mistakes do not use up the hour's quota.
public enum TestQuota {
    /// Whether a test execution that ended with `outcome` counts against the limit.
    public static func counts(_ outcome: ToolOutcome) -> Bool {
        switch outcome {
        case .started: return true
        case .success: return true
        case .failure(let error): return error.code == .testRunning
        }
    }
}
