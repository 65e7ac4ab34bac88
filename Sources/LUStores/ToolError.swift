import JSONRPC

/// The one error model of lustores-mcp (`schemas/error.schema.json`): a stable code, a message for a human, the
/// time, and optional details. Over MCP it is a tool result with `isError: true`; over REST the
/// body of an answer with ``Code/httpStatus``.
public struct ToolError: Error, Sendable, Equatable {
    /// The stable error codes, with their HTTP status.
    public enum Code: String, Sendable, CaseIterable {
        case invalidRequest = "MCP_INVALID_REQUEST"
        case authRequired = "MCP_AUTH_REQUIRED"
        case notFound = "MCP_NOT_FOUND"
        case testRunning = "MCP_TEST_RUNNING"
        case rateLimited = "MCP_RATE_LIMITED"
        case internalError = "MCP_INTERNAL_ERROR"
        case unavailable = "MCP_UNAVAILABLE"

        /// The HTTP status the REST shim answers with.
        public var httpStatus: Int {
            switch self {
            case .invalidRequest: return 400
            case .authRequired: return 401
            case .notFound: return 404
            case .testRunning: return 409
            case .rateLimited: return 429
            case .internalError: return 500
            case .unavailable: return 503
            }
        }
    }

    public let code: Code
    public let message: String
    public let details: JSONObject?
    /// When the error happened, ISO 8601 UTC to the second.
    public let timestamp: String

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
    public var outcome: ToolOutcome { .failure(json) }
}

import MCP
