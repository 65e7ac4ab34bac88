import HTTPServer
import JSONRPC

extension HTTPResponse {
    /// A JSON answer: `Content-Type: application/json`, then `headers`, and `value` as the body.
    public static func json(_ status: Int, _ value: JSONValue, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: .bytes(JSONWriter.bytes(value)))
    }
}
