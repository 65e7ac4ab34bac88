import MCP
import Store

extension ToolError {
    /// The tool error for a failure of a data source met while `activity` (e.g. "reading sales"):
    /// `MCP_UNAVAILABLE` when it is a ``DataSourceFailure`` saying the database cannot be used
    /// right now, `MCP_INTERNAL_ERROR` otherwise. The message names no path, SQL or value; the
    /// full description goes to `logger` (stderr) for the operator.
    public static func dataSource(_ error: any Error, while activity: String, logger: Logger?) -> ToolError {
        logger?.error("\(activity): \(error)")
        if let failure = error as? any DataSourceFailure, failure.isUnavailable {
            return ToolError(.unavailable, "the database cannot be used while \(activity): \(failure.clientReason); try again later")
        }
        return ToolError(.internalError, "internal error while \(activity); the server log has the details")
    }
}
