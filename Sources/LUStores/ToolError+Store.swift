import MCP
import Store

extension ToolError {
    /// SQLite primary result codes meaning the database itself cannot be used right now (permission
    /// denied, read-only file or volume or a deleted file, I/O error, corrupt or not a database,
    /// disk full, cannot open, lock protocol), as opposed to a fault in a query.
    static let unavailableSQLiteCodes: Set<Int32> = [3, 8, 10, 11, 13, 14, 15, 23, 26]

    /// The tool error for a store failure met while `activity` (e.g. "reading sales"):
    /// `MCP_UNAVAILABLE` when the database cannot be reached (cannot open, locked past the busy
    /// timeout, I/O or corruption errors), `MCP_INTERNAL_ERROR` otherwise. The message names no
    /// path, SQL or value (it says what failed in product terms, `StoreError.clientReason`); the full
    /// description goes to `logger` (stderr) for the operator.
    public static func store(_ error: StoreError, while activity: String, logger: Logger?) -> ToolError {
        logger?.error("\(activity): \(error.description)")
        switch error {
        case .cannotOpen, .cannotCreateDirectory, .busy:
            return ToolError(.unavailable, "the database cannot be used while \(activity): \(error.clientReason); try again later")
        case .sqlite(let code, _, _) where unavailableSQLiteCodes.contains(code & 0xff):
            return ToolError(.unavailable, "the database cannot be used while \(activity): \(error.clientReason); try again later")
        default:
            return ToolError(.internalError, "internal error while \(activity); the server log has the details")
        }
    }
}
