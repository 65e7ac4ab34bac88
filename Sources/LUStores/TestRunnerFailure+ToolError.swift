import MCP
import JSONRPC
import TestExecution

extension ToolError {
    /// The tool error for a refusal of the test runner: `MCP_INVALID_REQUEST` with `test_type` and
    /// `configured`, `MCP_TEST_RUNNING` with `execution_id` (the oldest running) and `running`,
    /// `MCP_NOT_FOUND` with `execution_id`, or `MCP_UNAVAILABLE`; the message is the failure's.
    public init(_ failure: TestRunnerFailure) {
        switch failure {
        case .notConfigured(let testType, let configured):
            self.init(.invalidRequest, failure.description,
                      details: JSONObject([("test_type", .string(testType)), ("configured", .array(configured.map(JSONValue.string)))]))
        case .busy(let running):
            self.init(.testRunning, failure.description,
                      details: JSONObject([("execution_id", .string(running.first ?? "")), ("running", .array(running.map(JSONValue.string)))]))
        case .notFound(let id):
            self.init(.notFound, failure.description, details: JSONObject([("execution_id", .string(id))]))
        case .unavailable:
            self.init(.unavailable, failure.description)
        }
    }
}
