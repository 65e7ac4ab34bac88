/// Why a request could not be parsed: a stable code (for logs, tests and the answer's body, which
/// the application renders from ``HTTPRefusal``) and the status the server answers with before
/// closing the connection: 400 unless a more precise status exists (421 for an absolute-form
/// target whose host is not the `Host` header's).
public enum HTTPParseError: String, Error, Sendable, CaseIterable {
    case malformedRequestLine = "HTTP_MALFORMED_REQUEST_LINE"
    case requestLineTooLong = "HTTP_REQUEST_LINE_TOO_LONG"
    case unsupportedVersion = "HTTP_VERSION_NOT_SUPPORTED"
    case bareLineFeed = "HTTP_BARE_LF"
    case bareCarriageReturn = "HTTP_BARE_CR"
    case malformedHeader = "HTTP_MALFORMED_HEADER"
    case obsoleteLineFolding = "HTTP_OBSOLETE_LINE_FOLDING"
    case headersTooLarge = "HTTP_HEADERS_TOO_LARGE"
    case tooManyHeaders = "HTTP_TOO_MANY_HEADERS"
    case missingHost = "HTTP_MISSING_HOST"
    case duplicateHost = "HTTP_DUPLICATE_HOST"
    case duplicateAuthorization = "HTTP_DUPLICATE_AUTHORIZATION"
    case duplicateOrigin = "HTTP_DUPLICATE_ORIGIN"
    case invalidContentLength = "HTTP_INVALID_CONTENT_LENGTH"
    case duplicateContentLength = "HTTP_DUPLICATE_CONTENT_LENGTH"
    case contentLengthWithTransferEncoding = "HTTP_CONTENT_LENGTH_WITH_TRANSFER_ENCODING"
    case chunkedNotAccepted = "HTTP_CHUNKED_NOT_ACCEPTED"
    case unsupportedTransferEncoding = "HTTP_UNSUPPORTED_TRANSFER_ENCODING"
    case bodyTooLarge = "HTTP_BODY_TOO_LARGE"
    case invalidTarget = "HTTP_INVALID_TARGET"
    case invalidPathEncoding = "HTTP_INVALID_PATH_ENCODING"
    case encodedSlash = "HTTP_ENCODED_SLASH"
    case fragmentInTarget = "HTTP_FRAGMENT_IN_TARGET"
    case misdirected = "HTTP_MISDIRECTED_REQUEST"

    /// The status answered: 400 unless a more precise one exists.
    public var status: Int {
        switch self {
        case .requestLineTooLong: return 414
        case .unsupportedVersion: return 505
        case .headersTooLarge, .tooManyHeaders: return 431
        case .chunkedNotAccepted: return 411
        case .unsupportedTransferEncoding: return 501
        case .bodyTooLarge: return 413
        case .misdirected: return 421
        default: return 400
        }
    }

    /// A sentence for the error body.
    public var message: String {
        switch self {
        case .malformedRequestLine: return "malformed request line"
        case .requestLineTooLong: return "request line too long"
        case .unsupportedVersion: return "only HTTP/1.0 and HTTP/1.1 are supported"
        case .bareLineFeed: return "lines must end with CRLF"
        case .bareCarriageReturn: return "CR not followed by LF"
        case .malformedHeader: return "malformed header field"
        case .obsoleteLineFolding: return "obsolete line folding is not accepted"
        case .headersTooLarge: return "header section too large"
        case .tooManyHeaders: return "too many header fields"
        case .missingHost: return "HTTP/1.1 requests need a Host header"
        case .duplicateHost: return "more than one Host header"
        case .duplicateAuthorization: return "more than one Authorization header"
        case .duplicateOrigin: return "more than one Origin header"
        case .invalidContentLength: return "invalid Content-Length"
        case .duplicateContentLength: return "more than one Content-Length"
        case .contentLengthWithTransferEncoding: return "Content-Length together with Transfer-Encoding"
        case .chunkedNotAccepted: return "chunked request bodies are not accepted: send Content-Length"
        case .unsupportedTransferEncoding: return "unsupported Transfer-Encoding"
        case .bodyTooLarge: return "request body too large"
        case .invalidTarget: return "invalid request target"
        case .invalidPathEncoding: return "the path is not valid percent-encoded UTF-8"
        case .encodedSlash: return "an encoded slash (%2F) is not accepted in the path"
        case .fragmentInTarget: return "a fragment (#) is not accepted in the request target"
        case .misdirected: return "the request target names another host than the Host header"
        }
    }
}
