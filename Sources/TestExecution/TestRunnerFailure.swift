/// Why the runner refused a request. The description is the message for a person; the tools turn
/// each case into their error code and details.
public enum TestRunnerFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// `testType` is not a configured suite; `configured` are the ones that are, sorted.
    case notConfigured(testType: String, configured: [String])
    /// As many executions as allowed are running; `running` lists them, oldest first.
    case busy(running: [String])
    /// No execution has this id.
    case notFound(executionID: String)
    /// The execution log could not be read or written; `reason` says what failed.
    case unavailable(reason: String)

    /// The message for a person (`MCP_…` errors carry it unchanged).
    public var description: String {
        switch self {
        case .notConfigured(let testType, let configured):
            return "the \(testType) suite is not configured; configured suites: \(configured.joined(separator: ", "))"
        case .busy(let running):
            return "a test execution is already running: \(running.first ?? "")"
        case .notFound(let id):
            return "no test execution \(id)"
        case .unavailable(let reason):
            return reason
        }
    }
}
