/// One JSON-RPC 2.0 message, as classified from a decoded JSON value.
public enum JSONRPCMessage: Sendable, Equatable {
    /// A call that expects an answer carrying the same id.
    case request(id: RequestID, method: String, params: JSONValue?)
    /// A call that expects no answer.
    case notification(method: String, params: JSONValue?)
    /// A successful answer (a server that sends no requests can ignore these).
    case response(id: RequestID, result: JSONValue)
    /// An error answer.
    case errorResponse(id: RequestID?, error: JSONRPCError)

    /// Why a JSON value is not a message, and the id to answer with when one could be read.
    public struct Invalid: Error, Sendable, Equatable {
        /// The request's id when it was readable, else nil (the answer then carries `"id": null`).
        public let id: RequestID?
        /// The error to answer with.
        public let error: JSONRPCError
    }

    /// Classifies `value` by the JSON-RPC 2.0 rules as MCP narrows them: `jsonrpc` must be
    /// `"2.0"`, an id must be a string or integer (never null), `method` a string, `params` an
    /// object or array when present.
    public static func decode(_ value: JSONValue) throws(Invalid) -> JSONRPCMessage {
        guard case .object(let object) = value else {
            throw Invalid(id: nil, error: .invalidRequest("a message must be a JSON object"))
        }
        let idValue = object["id"]
        let id = idValue.flatMap(RequestID.init)
        guard object["jsonrpc"] == .string("2.0") else {
            throw Invalid(id: id, error: .invalidRequest("\"jsonrpc\" must be \"2.0\""))
        }
        if let methodValue = object["method"] {
            guard case .string(let method) = methodValue else {
                throw Invalid(id: id, error: .invalidRequest("\"method\" must be a string"))
            }
            let params = object["params"]
            if let params {
                switch params {
                case .object, .array: break
                default: throw Invalid(id: id, error: .invalidRequest("\"params\" must be an object or an array"))
                }
            }
            guard let idValue else { return .notification(method: method, params: params) }
            guard let id else {
                throw Invalid(id: nil, error: .invalidRequest("\"id\" must be a string or an integer"))
            }
            _ = idValue
            return .request(id: id, method: method, params: params)
        }
        if let result = object["result"], let id {
            return .response(id: id, result: result)
        }
        if let error = object["error"]?.objectValue, let code = error["code"]?.integerValue,
           let message = error["message"]?.stringValue {
            return .errorResponse(id: id, error: JSONRPCError(code: Int(code), message: message, data: error["data"]))
        }
        throw Invalid(id: id, error: .invalidRequest("not a request, notification or response"))
    }

    /// The JSON of a success response carrying `id` and `result`.
    public static func responseJSON(id: RequestID, result: JSONValue) -> JSONValue {
        .object(JSONObject([("jsonrpc", "2.0"), ("id", id.json), ("result", result)]))
    }

    /// The JSON of an error response; `id` nil writes `"id": null` as JSON-RPC 2.0 requires when the
    /// request's id could not be read.
    public static func errorJSON(id: RequestID?, error: JSONRPCError) -> JSONValue {
        .object(JSONObject([("jsonrpc", "2.0"), ("id", id?.json ?? .null), ("error", error.json)]))
    }

    /// The JSON of a notification.
    public static func notificationJSON(method: String, params: JSONValue?) -> JSONValue {
        var object = JSONObject([("jsonrpc", "2.0"), ("method", .string(method))])
        if let params { object.append("params", params) }
        return .object(object)
    }
}
