import JSONRPC

/// The one error model of lustores-mcp: a stable code, a message for a human, the time, and
/// optional details (`schemas/error.schema.json`). A failed ``ToolOutcome`` carries it and each
/// transport renders it: over MCP a tool result with `isError: true`, over REST the body of an
/// answer with ``Code/httpStatus``.
public struct ToolError: Error, Sendable, Equatable {
    /// The stable error codes, with their HTTP status.
    public enum Code: String, Sendable, CaseIterable {
        /// Bad arguments, bad JSON, an unknown or unconfigured suite.
        case invalidRequest = "MCP_INVALID_REQUEST"
        /// No API key, or a wrong one.
        case authRequired = "MCP_AUTH_REQUIRED"
        /// A valid API key without the scope the call needs (`details.scope` names it).
        case forbidden = "MCP_FORBIDDEN"
        /// No such execution, path or tool.
        case notFound = "MCP_NOT_FOUND"
        /// A test execution is already running.
        case testRunning = "MCP_TEST_RUNNING"
        /// Over a rate limit.
        case rateLimited = "MCP_RATE_LIMITED"
        /// A fault of the server; the message says nothing secret.
        case internalError = "MCP_INTERNAL_ERROR"
        /// The database (or another dependency) cannot be reached.
        case unavailable = "MCP_UNAVAILABLE"
        /// The path exists but not for this HTTP method (REST only).
        case methodNotAllowed = "MCP_METHOD_NOT_ALLOWED"

        /// The HTTP status the REST shim answers with.
        public var httpStatus: Int {
            switch self {
            case .invalidRequest: return 400
            case .authRequired: return 401
            case .forbidden: return 403
            case .notFound: return 404
            case .methodNotAllowed: return 405
            case .testRunning: return 409
            case .rateLimited: return 429
            case .internalError: return 500
            case .unavailable: return 503
            }
        }
    }

    /// The stable code.
    public let code: Code
    /// A sentence for a person; never a key, password, SQL text or path.
    public let message: String
    /// Machine-readable specifics (`field`, `execution_id`, `reason`, …).
    public let details: JSONObject?
    /// When the error happened, ISO 8601 UTC to the second.
    public let timestamp: String

    /// An error of `code` happening now (or at `timestamp`).
    public init(_ code: Code, _ message: String, details: JSONObject? = nil, timestamp: String = Timestamp.now()) {
        self.code = code
        self.message = message
        self.details = details
        self.timestamp = timestamp
    }

    /// `{"error":{"code","message","timestamp","details"?}}`.
    public var json: JSONValue {
        var error = JSONObject([("code", .string(code.rawValue)), ("message", .string(message)),
                                ("timestamp", .string(timestamp))])
        if let details { error.append("details", .object(details)) }
        return .object(JSONObject([("error", .object(error))]))
    }

    /// The tool outcome carrying this error.
    public var outcome: ToolOutcome { .failure(self) }
}
