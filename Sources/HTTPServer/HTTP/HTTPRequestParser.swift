/// An incremental, byte-level HTTP/1.1 request parser (RFC 9112) that enforces every limit of
/// ``HTTPLimits`` while the bytes arrive, not after.
///
/// Feed bytes with ``append(_:)`` in arrival order, then call ``next()`` until it says
/// `.needMore`. Guarantees: each byte is examined a bounded number of times however it is split
/// (the end-of-head search resumes where it stopped); nothing is buffered past the limits (a head
/// over its limit fails as soon as the limit is crossed); once it reports an error it reports the
/// same error forever (the connection must be answered and closed, since framing is lost).
/// Strict where leniency enables request smuggling: bare LF or CR, obsolete line folding,
/// whitespace before a colon, repeated `Content-Length`, `Content-Length` with
/// `Transfer-Encoding`, a second `Host`, `Authorization` or `Origin`, `%2F` in the path (never
/// decoded into a separator) and a fragment in the target are all errors; an absolute-form target
/// must name the host of the `Host` header, ports aside (421 otherwise). `Transfer-Encoding: chunked` is refused with 411 (send
/// `Content-Length`), any other transfer coding with 501.
public struct HTTPRequestParser: Sendable {
    /// What ``next()`` found.
    public enum Result: Sendable, Equatable {
        /// No complete request is buffered yet.
        case needMore
        /// The next request, body included.
        case request(HTTPRequest)
        /// The input cannot be parsed; framing is lost, so the connection must end.
        case error(HTTPParseError)
    }

    /// The bounds enforced.
    public let limits: HTTPLimits
    private var buffer: [UInt8] = []
    /// First byte of the request being parsed.
    private var start = 0
    /// Where the end-of-head search resumes.
    private var scan = 0
    /// Start of the line being scanned, and how many lines of this head were complete.
    private var lineStart = 0
    private var lines = 0
    /// First byte after the request line, once it is complete.
    private var headerStart = 0
    /// A head already parsed, waiting for `bodyLength` bytes from `start`.
    private var pending: HTTPRequest?
    private var bodyLength = 0
    private var failure: HTTPParseError?

    /// A parser with nothing buffered.
    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Adds bytes received from the client.
    public mutating func append<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        guard failure == nil else { return }
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            scan -= start
            lineStart -= start
            headerStart -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Whether part of a request has arrived (the header timeout applies, not the idle one).
    public var hasPartialRequest: Bool { pending != nil || start < buffer.count }

    /// Whether a complete head is waiting for its body.
    public var isAwaitingBody: Bool { pending != nil }

    /// Whether the head waiting for its body asked for `Expect: 100-continue`.
    public var awaitingBodyExpectsContinue: Bool {
        pending?.header("expect")?.lowercased() == "100-continue"
    }

    /// The next complete request, `.needMore`, or the error that ends the connection.
    public mutating func next() -> Result {
        if let failure { return .error(failure) }
        if pending == nil {
            switch scanHead() {
            case .needMore: return .needMore
            case .error(let error): return fail(error)
            case .request: break
            }
        }
        guard var request = pending else { return .needMore }
        guard buffer.count - start >= bodyLength else { return .needMore }
        if bodyLength > 0 { request.body = Array(buffer[start..<(start + bodyLength)]) }
        start += bodyLength
        pending = nil
        bodyLength = 0
        scan = start
        lineStart = start
        lines = 0
        compact()
        return .request(request)
    }

    private mutating func fail(_ error: HTTPParseError) -> Result {
        failure = error
        buffer = []
        return .error(error)
    }

    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 64 * 1024)
        } else if start >= 64 * 1024 {
            buffer.removeFirst(start)
        } else {
            return
        }
        scan -= start
        lineStart -= start
        headerStart -= start
        start = 0
    }

    /// Finds the end of the head and parses it into `pending`; `.request` means done.
    private mutating func scanHead() -> Result {
        let count = buffer.count
        var index = scan
        while index < count {
            // Limits are checked byte by byte, so the verdict never depends on how the bytes
            // were split into reads (found by fuzzing).
            if lines == 0 {
                if index + 1 - lineStart > limits.maxRequestLineBytes { return .error(.requestLineTooLong) }
            } else if index + 1 - headerStart > limits.maxHeaderBytes {
                return .error(.headersTooLarge)
            }
            let byte = buffer[index]
            if byte == 0x0A {
                guard index > lineStart, buffer[index - 1] == 0x0D else { return .error(.bareLineFeed) }
                let contentLength = index - 1 - lineStart
                if contentLength == 0 {
                    if lines == 0 {
                        // RFC 9112 §2.2: ignore empty lines before the request line.
                        start = index + 1
                        lineStart = start
                        index += 1
                        continue
                    }
                    scan = index + 1
                    if let error = parseHead(end: index + 1) { return .error(error) }
                    start = index + 1
                    return .request(pending!)
                }
                lines += 1
                if lines == 1 { headerStart = index + 1 }
                if lines > limits.maxHeaderCount + 1 { return .error(.tooManyHeaders) }
                lineStart = index + 1
            }
            index += 1
        }
        scan = count
        return .needMore
    }

    /// Parses the head in `start..<end` (which ends with CRLF CRLF) into `pending`.
    private mutating func parseHead(end: Int) -> HTTPParseError? {
        // Split into lines without their CRLF; any other CR is a bare CR.
        var lineRanges: [Range<Int>] = []
        var lineBegin = start
        var index = start
        while index < end - 2 {
            if buffer[index] == 0x0D {
                guard buffer[index + 1] == 0x0A else { return .bareCarriageReturn }
                lineRanges.append(lineBegin..<index)
                index += 2
                lineBegin = index
                continue
            }
            index += 1
        }
        guard let requestLine = lineRanges.first else { return .malformedRequestLine }
        if requestLine.count + 2 > limits.maxRequestLineBytes { return .requestLineTooLong }
        let headerBytes = end - (requestLine.upperBound + 2)
        if headerBytes > limits.maxHeaderBytes { return .headersTooLarge }
        if lineRanges.count - 1 > limits.maxHeaderCount { return .tooManyHeaders }

        var request: HTTPRequest
        switch parseRequestLine(requestLine) {
        case .success(let parsed): request = parsed
        case .failure(let error): return error
        }
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(lineRanges.count - 1)
        for range in lineRanges.dropFirst() {
            switch parseField(range) {
            case .success(let field): headers.append(field)
            case .failure(let error): return error
            }
        }
        request.headers = headers

        let hosts = headers.filter { $0.name == "host" }
        if hosts.count > 1 { return .duplicateHost }
        if headers.filter({ $0.name == "authorization" }).count > 1 { return .duplicateAuthorization }
        if headers.filter({ $0.name == "origin" }).count > 1 { return .duplicateOrigin }
        if let authority = request.authority {
            // RFC 9112 §3.2.2: the target's authority is the request's host; a Host header
            // naming another is a request meant for someone else, not one to reinterpret.
            if let host = hosts.first {
                guard Self.hostName(host.value) == Self.hostName(authority) else { return .misdirected }
            } else {
                request.headers.append(("host", authority))
            }
        } else if hosts.isEmpty && request.minorVersion == 1 {
            return .missingHost
        }
        let lengths = headers.filter { $0.name == "content-length" }.map(\.value)
        let encodings = headers.filter { $0.name == "transfer-encoding" }.map(\.value)
        if !encodings.isEmpty {
            if !lengths.isEmpty { return .contentLengthWithTransferEncoding }
            let codings = encodings.flatMap { $0.lowercased().split(separator: ",") }.map { $0.trimmingSpaces() }
            return codings == ["chunked"] ? .chunkedNotAccepted : .unsupportedTransferEncoding
        }
        var length = 0
        if lengths.count > 1 || lengths.first?.contains(",") == true { return .duplicateContentLength }
        if let text = lengths.first {
            guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return .invalidContentLength }
            // Any number with more digits than the limit is over it; no overflow is possible.
            guard text.utf8.count <= String(limits.maxBodyBytes).utf8.count, let value = Int(text),
                  value <= limits.maxBodyBytes else { return .bodyTooLarge }
            length = value
        }
        pending = request
        bodyLength = length
        return nil
    }

    private func parseRequestLine(_ range: Range<Int>) -> Swift.Result<HTTPRequest, HTTPParseError> {
        let line = buffer[range]
        let parts = line.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
              parts[0].allSatisfy(Self.isTokenByte) else { return .failure(.malformedRequestLine) }
        let versionBytes = Array(parts[2])
        let prefix = Array("HTTP/".utf8)
        guard versionBytes.count == 8, Array(versionBytes[0..<5]) == prefix, versionBytes[6] == 0x2E,
              Self.isDigit(versionBytes[5]), Self.isDigit(versionBytes[7]) else { return .failure(.malformedRequestLine) }
        guard versionBytes[5] == 0x31, versionBytes[7] == 0x30 || versionBytes[7] == 0x31 else {
            return .failure(.unsupportedVersion)
        }
        let method = String(decoding: parts[0], as: UTF8.self)
        let targetBytes = Array(parts[1])
        guard targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return .failure(.invalidTarget) }
        let target = String(decoding: targetBytes, as: UTF8.self)
        var originForm = Substring(target)
        var authority: String?
        if target == "*" {
            guard method == "OPTIONS" else { return .failure(.invalidTarget) }
        } else if !target.hasPrefix("/") {
            let lower = target.lowercased()
            guard let schemeEnd = ["http://", "https://"].first(where: { lower.hasPrefix($0) }) else {
                return .failure(.invalidTarget)
            }
            let rest = target.dropFirst(schemeEnd.count)
            let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            let authorityText = rest[..<slash]
            guard !authorityText.isEmpty, !authorityText.contains("@") else { return .failure(.invalidTarget) }
            authority = String(authorityText)
            originForm = rest[slash...]
            if !originForm.hasPrefix("/") { originForm = "/" + originForm }
        }
        return makeRequest(method: method, target: target, originForm: originForm, authority: authority, minor: versionBytes[7])
    }

    private func makeRequest(method: String, target: String, originForm: Substring, authority: String?,
                             minor: UInt8) -> Swift.Result<HTTPRequest, HTTPParseError> {
        // A fragment is never sent (RFC 9110 §7.1); one that arrives is a client confused about
        // what it asks for, so nothing is guessed.
        if originForm.contains("#") { return .failure(.fragmentInTarget) }
        var rawPath = originForm
        var query = ""
        if let mark = originForm.firstIndex(of: "?") {
            rawPath = originForm[..<mark]
            query = String(originForm[originForm.index(after: mark)...])
        }
        // Decoded, %2F would become a separator the client did not send (`/api/mcp%2fstatus`
        // reaching a route a proxy in front matched differently).
        if rawPath.lowercased().contains("%2f") { return .failure(.encodedSlash) }
        guard let path = Self.percentDecode(rawPath, plusIsSpace: false) else { return .failure(.invalidPathEncoding) }
        var request = HTTPRequest(method: method, target: target, path: path, query: query, minorVersion: minor == 0x31 ? 1 : 0)
        request.authority = authority
        return .success(request)
    }

    private func parseField(_ range: Range<Int>) -> Swift.Result<(name: String, value: String), HTTPParseError> {
        guard let first = range.first.map({ buffer[$0] }) else { return .failure(.malformedHeader) }
        if first == 0x20 || first == 0x09 { return .failure(.obsoleteLineFolding) }
        var colon = range.lowerBound
        while colon < range.upperBound, buffer[colon] != 0x3A {
            guard Self.isTokenByte(buffer[colon]) else { return .failure(.malformedHeader) }
            colon += 1
        }
        guard colon < range.upperBound, colon > range.lowerBound else { return .failure(.malformedHeader) }
        var valueStart = colon + 1
        var valueEnd = range.upperBound
        while valueStart < valueEnd, buffer[valueStart] == 0x20 || buffer[valueStart] == 0x09 { valueStart += 1 }
        while valueEnd > valueStart, buffer[valueEnd - 1] == 0x20 || buffer[valueEnd - 1] == 0x09 { valueEnd -= 1 }
        for index in valueStart..<valueEnd {
            let byte = buffer[index]
            if (byte < 0x20 && byte != 0x09) || byte == 0x7F { return .failure(.malformedHeader) }
        }
        let name = String(decoding: buffer[range.lowerBound..<colon].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 },
                          as: UTF8.self)
        return .success((name, String(decoding: buffer[valueStart..<valueEnd], as: UTF8.self)))
    }

    /// Whether `byte` may appear in a token (RFC 9110 `tchar`): method names and header names.
    public static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    /// The host of an authority (`Host:` value or absolute-form), lower-cased, without its port.
    static func hostName(_ authority: String) -> String {
        let lower = authority.lowercased()
        if lower.hasPrefix("["), let close = lower.firstIndex(of: "]") { return String(lower[...close]) }
        return String(lower.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)[0])
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Percent-decodes `text` (and `+` as space in query strings); nil unless the result is
    /// valid UTF-8 without NUL and every `%` starts two hex digits.
    public static func percentDecode<Text: StringProtocol>(_ text: Text, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else {
                bytes.append(byte)
            }
        }
        guard !bytes.contains(0), let decoded = String(validating: bytes, as: UTF8.self) else { return nil }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}
