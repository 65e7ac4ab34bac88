/// One parsed HTTP/1.x request. Header names are lower-cased; values have surrounding
/// whitespace removed and contain no control characters other than HTAB.
public struct HTTPRequest: Sendable, Equatable {
    /// The method token as sent (`GET`, `POST`; case-sensitive).
    public var method: String
    /// The request target as sent (origin form, e.g. `/api/mcp/sales?limit=5`).
    public var target: String
    /// The percent-decoded path, valid UTF-8.
    public var path: String
    /// The raw query (after `?`, without it); empty when there is none.
    public var query: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    /// Header fields in arrival order, names lower-cased.
    public var headers: [(name: String, value: String)]
    /// The body, exactly `Content-Length` bytes (empty without one).
    public var body: [UInt8]
    /// The client's address (`127.0.0.1`, `::1`): the connection's peer as the server accepted
    /// it, nil for a request not read from a socket. The one place that names the client: a layer
    /// trusting a reverse proxy replaces it with the forwarded address before handlers read it.
    public var clientAddress: String?
    /// The host of an absolute-form target (`http://HOST/…`), which the parser has checked
    /// against the `Host` header; nil for the usual origin form.
    public var authority: String?

    /// A request as the parser would produce it (for handlers and tests).
    public init(method: String, target: String, path: String, query: String = "", minorVersion: Int = 1,
                headers: [(name: String, value: String)] = [], body: [UInt8] = [], clientAddress: String? = nil) {
        self.method = method
        self.target = target
        self.path = path
        self.query = query
        self.minorVersion = minorVersion
        self.headers = headers
        self.body = body
        self.clientAddress = clientAddress
    }

    /// The first value of header `name` (case-insensitive), if present.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }

    /// Every value of header `name` (case-insensitive), in order.
    public func headerValues(_ name: String) -> [String] {
        let lower = name.lowercased()
        return headers.filter { $0.name == lower }.map(\.value)
    }

    /// Whether the connection may carry another request after this one (RFC 9112 §9.3).
    public var keepAlive: Bool {
        let tokens = headerValues("connection").flatMap { $0.lowercased().split(separator: ",") }
            .map { $0.trimmingSpaces() }
        if tokens.contains("close") { return false }
        return minorVersion >= 1 || tokens.contains("keep-alive")
    }

    /// Equal when every field is, header order included.
    public static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.target == rhs.target && lhs.path == rhs.path && lhs.query == rhs.query
            && lhs.minorVersion == rhs.minorVersion && lhs.body == rhs.body && lhs.clientAddress == rhs.clientAddress
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs (HTTP's optional whitespace), as
    /// header values and list elements are compared.
    public func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
