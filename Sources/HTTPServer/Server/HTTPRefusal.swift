/// A request the server answers itself, without calling the handler: the application decides how
/// the answer looks (its error format) through an ``HTTPRefusalRenderer``; the server decides
/// when it is sent and that the connection closes after it.
public enum HTTPRefusal: Sendable, Equatable {
    /// The bytes received are not a request this server accepts (400, 411, 413, 414, 431, 501
    /// or 505: ``HTTPParseError/status``).
    case unparsable(HTTPParseError)
    /// A request's head or body did not arrive within its ``HTTPLimits`` timeout (408).
    case timedOut
    /// The connection is over ``HTTPLimits/maxConnections`` (503, to be retried).
    case overloaded

    /// The status the answer must carry.
    public var status: Int {
        switch self {
        case .unparsable(let error): return error.status
        case .timedOut: return 408
        case .overloaded: return 503
        }
    }

    /// A stable code for logs and error bodies: the parse error's (`HTTP_BARE_LF`, …),
    /// `HTTP_REQUEST_TIMEOUT`, or `HTTP_TOO_MANY_CONNECTIONS`.
    public var reason: String {
        switch self {
        case .unparsable(let error): return error.rawValue
        case .timedOut: return "HTTP_REQUEST_TIMEOUT"
        case .overloaded: return "HTTP_TOO_MANY_CONNECTIONS"
        }
    }

    /// A sentence for a person.
    public var message: String {
        switch self {
        case .unparsable(let error): return error.message
        case .timedOut: return "the request took too long to arrive"
        case .overloaded: return "too many connections"
        }
    }

    /// Header fields the answer must carry: `Retry-After: 1` when overloaded.
    public var headers: [(name: String, value: String)] {
        self == .overloaded ? [("Retry-After", "1")] : []
    }

    /// A plain-text answer with ``status``, ``headers`` and ``message``: what a server without
    /// an error format of its own sends.
    @Sendable public static func plainText(_ refusal: HTTPRefusal) -> HTTPResponse {
        HTTPResponse(status: refusal.status, headers: [("Content-Type", "text/plain; charset=utf-8")] + refusal.headers,
                     body: .bytes(Array((refusal.message + "\n").utf8)))
    }
}

/// Turns a refusal into the answer sent; it must keep the refusal's ``HTTPRefusal/status`` and
/// ``HTTPRefusal/headers``. Called on an event loop thread: it must be quick and never block.
public typealias HTTPRefusalRenderer = @Sendable (HTTPRefusal) -> HTTPResponse
