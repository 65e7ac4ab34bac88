import JSONRPC
import LUStores

/// One answer: status, header fields, and a body that is either complete or streamed.
///
/// Guarantees when serialised: a header value never contains CR, LF or NUL (they become spaces,
/// so no caller can inject a header); `Content-Length` is always right for a complete body
/// (callers cannot set it, nor `Transfer-Encoding` or `Connection`); a streamed body is sent
/// with chunked transfer coding.
public struct HTTPResponse: Sendable {
    /// The body of an answer.
    public enum Body: Sendable {
        case bytes([UInt8])
        /// Sent chunk by chunk as the stream yields; the answer ends when the stream finishes.
        case stream(AsyncStream<[UInt8]>)
    }

    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: Body

    public init(status: Int, headers: [(name: String, value: String)] = [], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON answer.
    public static func json(_ status: Int, _ value: JSONValue, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: .bytes(JSONWriter.bytes(value)))
    }

    /// The error object of `schemas/error.schema.json` with `status` (by default the code's own).
    public static func error(_ error: ToolError, status: Int? = nil, headers: [(name: String, value: String)] = []) -> HTTPResponse {
        json(status ?? error.code.httpStatus, error.json, headers: headers)
    }

    /// The answer to a request that could not be parsed.
    public static func parseError(_ error: HTTPParseError) -> HTTPResponse {
        let failure = ToolError(error.status == 503 ? .unavailable : .invalidRequest, error.message,
                                details: JSONObject([("reason", .string(error.rawValue))]))
        return HTTPResponse.error(failure, status: error.status)
    }

    /// Adds a header field.
    public mutating func addHeader(_ name: String, _ value: String) { headers.append((name, value)) }

    /// The value of header `name` (case-insensitive), if set.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// Header names the serialiser owns.
    static let reservedHeaders: Set<String> = ["content-length", "transfer-encoding", "connection", "date"]

    /// The status line and header section. `keepAlive` false adds `Connection: close`;
    /// `announceKeepAlive` (an HTTP/1.0 client) adds `Connection: keep-alive`.
    func serializeHead(keepAlive: Bool, date: String, announceKeepAlive: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(contentsOf: "HTTP/1.1 \(status) \(Self.reason(status))\r\n".utf8)
        for (name, value) in headers where !Self.reservedHeaders.contains(name.lowercased()) {
            guard !name.isEmpty, name.utf8.allSatisfy(HTTPRequestParser.isTokenByte) else { continue }
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            for byte in value.utf8 { out.append(byte == 0x0D || byte == 0x0A || byte == 0 ? 0x20 : byte) }
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: "Date: \(date)\r\n".utf8)
        switch body {
        case .bytes(let bytes):
            if status != 204 && status != 304 && !(100..<200).contains(status) {
                out.append(contentsOf: "Content-Length: \(bytes.count)\r\n".utf8)
            }
        case .stream:
            out.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8)
        }
        if !keepAlive {
            out.append(contentsOf: "Connection: close\r\n".utf8)
        } else if announceKeepAlive {
            out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        return out
    }

    /// One chunk of a streamed body in chunked coding (empty `bytes` writes nothing).
    static func chunk(_ bytes: [UInt8]) -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        var out = Array(String(bytes.count, radix: 16).utf8)
        out.append(contentsOf: [0x0D, 0x0A])
        out.append(contentsOf: bytes)
        out.append(contentsOf: [0x0D, 0x0A])
        return out
    }

    /// The end of a chunked body.
    static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)

    /// The reason phrase of `status`.
    public static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 202: return "Accepted"
        case 204: return "No Content"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 406: return "Not Acceptable"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 411: return "Length Required"
        case 413: return "Content Too Large"
        case 414: return "URI Too Long"
        case 415: return "Unsupported Media Type"
        case 421: return "Misdirected Request"
        case 429: return "Too Many Requests"
        case 431: return "Request Header Fields Too Large"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 503: return "Service Unavailable"
        case 505: return "HTTP Version Not Supported"
        default: return "Status \(status)"
        }
    }
}
