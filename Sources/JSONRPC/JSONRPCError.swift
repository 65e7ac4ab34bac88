/// A JSON-RPC 2.0 error object: integer code, message, optional data.
public struct JSONRPCError: Error, Sendable, Equatable {
    /// The error code; the constants below are the standard ones.
    public let code: Int
    /// A short description for a human.
    public let message: String
    /// Extra detail, if any.
    public let data: JSONValue?

    public init(code: Int, message: String, data: JSONValue? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    /// The line or body is not valid JSON.
    public static let parseErrorCode = -32700
    /// Valid JSON, but not a valid request object.
    public static let invalidRequestCode = -32600
    /// No such method, or a method behind a capability that was not advertised.
    public static let methodNotFoundCode = -32601
    /// The method exists but its parameters are wrong.
    public static let invalidParamsCode = -32602
    /// The server failed.
    public static let internalErrorCode = -32603

    public static func parseError(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: parseErrorCode, message: "Parse error: \(detail)")
    }

    public static func invalidRequest(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: invalidRequestCode, message: "Invalid Request: \(detail)")
    }

    public static func methodNotFound(_ method: String) -> JSONRPCError {
        JSONRPCError(code: methodNotFoundCode, message: "Method not found: \(method)")
    }

    public static func invalidParams(_ detail: String, data: JSONValue? = nil) -> JSONRPCError {
        JSONRPCError(code: invalidParamsCode, message: "Invalid params: \(detail)", data: data)
    }

    public static func internalError(_ detail: String) -> JSONRPCError {
        JSONRPCError(code: internalErrorCode, message: "Internal error: \(detail)")
    }

    /// The error as a JSON object.
    public var json: JSONValue {
        var object = JSONObject()
        object.append("code", .integer(Int64(code)))
        object.append("message", .string(message))
        if let data { object.append("data", data) }
        return .object(object)
    }
}
