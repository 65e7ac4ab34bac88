import Testing
import HTTPServerTesting
@testable import HTTPServer
@testable import HTTPShim
@testable import MCPHTTP

/// Parses `text` fed whole, and again byte by byte; both must agree.
func parseAll(_ text: String, limits: HTTPLimits = HTTPLimits()) -> [HTTPRequestParser.Result] {
    parseAll(Array(text.utf8), limits: limits)
}

func parseAll(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits()) -> [HTTPRequestParser.Result] {
    func run(pieces: [ArraySlice<UInt8>]) -> [HTTPRequestParser.Result] {
        var parser = HTTPRequestParser(limits: limits)
        var results: [HTTPRequestParser.Result] = []
        for piece in pieces {
            parser.append(piece)
            loop: while true {
                let result = parser.next()
                switch result {
                case .needMore: break loop
                case .request: results.append(result)
                case .error: results.append(result); return results
                }
            }
        }
        return results
    }
    let whole = run(pieces: [bytes[...]])
    let byteByByte = run(pieces: bytes.indices.map { bytes[$0...$0] })
    #expect(whole == byteByByte, "whole and byte-by-byte parses differ")
    return whole
}

func parseError(_ text: String, limits: HTTPLimits = HTTPLimits()) -> HTTPParseError? {
    if case .error(let error)? = parseAll(text, limits: limits).last { return error }
    return nil
}

func parseOne(_ text: String) -> HTTPRequest? {
    if case .request(let request)? = parseAll(text).first { return request }
    return nil
}

@Suite struct HTTPRequestParserTests {
    @Test func parsesASimpleGet() throws {
        let request = try #require(parseOne("GET /api/mcp/sales?limit=5&page=2 HTTP/1.1\r\nHost: x\r\nX-Thing:  a b \r\n\r\n"))
        #expect(request.method == "GET")
        #expect(request.path == "/api/mcp/sales")
        #expect(request.query == "limit=5&page=2")
        #expect(request.minorVersion == 1)
        #expect(request.header("x-thing") == "a b")
        #expect(request.header("HOST") == "x")
        #expect(request.keepAlive)
        #expect(request.body.isEmpty)
    }

    @Test func parsesBodiesAndPipelinedRequests() {
        let text = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        let results = parseAll(text)
        #expect(results.count == 2)
        guard results.count == 2, case .request(let first) = results[0], case .request(let second) = results[1] else { return }
        #expect(first.body == Array("hello".utf8))
        #expect(second.path == "/b")
        #expect(!second.keepAlive)
    }

    @Test func http10AndAbsoluteFormAndLeadingEmptyLines() throws {
        let old = try #require(parseOne("GET / HTTP/1.0\r\n\r\n"))
        #expect(old.minorVersion == 0 && !old.keepAlive)
        let kept = try #require(parseOne("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"))
        #expect(kept.keepAlive)
        let absolute = try #require(parseOne("GET http://localhost:8080/api/mcp/status?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n"))
        #expect(absolute.path == "/api/mcp/status" && absolute.query == "x=1")
        let leading = try #require(parseOne("\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(leading.path == "/x")
        let encoded = try #require(parseOne("GET /caf%C3%A9 HTTP/1.1\r\nHost: a\r\n\r\n"))
        #expect(encoded.path == "/café")
    }

    @Test(arguments: [
        ("GET /\r\n\r\n", HTTPParseError.malformedRequestLine),
        ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine),
        ("G@T / HTTP/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n", .malformedRequestLine),
        ("GET / HTTX/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/1.10\r\nHost: a\r\n\r\n", .malformedRequestLine),
        (" GET / HTTP/1.1\r\nHost: a\r\n\r\n", .malformedRequestLine),
        ("GET / HTTP/2.0\r\nHost: a\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.2\r\nHost: a\r\n\r\n", .unsupportedVersion),
        ("GET / HTTP/1.1\nHost: a\r\n\r\n", .bareLineFeed),
        ("GET / HTTP/1.1\r\nHost: a\n\r\n", .bareLineFeed),
        ("GET / HTTP/1.1\r\nHost: a\r\n\n", .bareLineFeed),
        ("GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", .bareCarriageReturn),
        ("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: a\r\nX : b\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{0}b\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\u{7F}b\r\n\r\n", .malformedHeader),
        ("GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n folded\r\n\r\n", .obsoleteLineFolding),
        ("GET / HTTP/1.1\r\n\r\n", .missingHost),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .duplicateHost),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx", .duplicateContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\nx", .duplicateContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", .contentLengthWithTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .chunkedNotAccepted),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n", .unsupportedTransferEncoding),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n", .invalidContentLength),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999999\r\n\r\n", .bodyTooLarge),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n", .bodyTooLarge),
        ("GET /%FF HTTP/1.1\r\nHost: a\r\n\r\n", .invalidPathEncoding),
        ("GET /%C3%28 HTTP/1.1\r\nHost: a\r\n\r\n", .invalidPathEncoding),
        ("GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", .invalidPathEncoding),
        ("GET /a%00b HTTP/1.1\r\nHost: a\r\n\r\n", .invalidPathEncoding),
        ("GET /a%4 HTTP/1.1\r\nHost: a\r\n\r\n", .invalidPathEncoding),
        ("GET api HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget),
        ("GET * HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget),
        ("GET ftp://x/ HTTP/1.1\r\nHost: a\r\n\r\n", .invalidTarget),
    ])
    func rejectsBadInput(_ text: String, _ expected: HTTPParseError) {
        #expect(parseError(text) == expected)
    }

    @Test func rejectsRawNonASCIIInTheTarget() {
        var bytes = Array("GET /caf".utf8)
        bytes.append(contentsOf: [0xC3, 0xA9, 0xFF])
        bytes.append(contentsOf: Array(" HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        guard case .error(let error)? = parseAll(bytes).last else { Issue.record("accepted"); return }
        #expect(error == .invalidTarget)
    }

    @Test func acceptsOneMiBBodyAndRefusesOneMore() {
        let body = String(repeating: "a", count: 1 << 20)
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \(1 << 20)\r\n\r\n\(body)".utf8))
        guard case .request(let request) = parser.next() else { Issue.record("refused"); return }
        #expect(request.body.count == 1 << 20)
    }

    @Test func enforcesTheRequestLineLimitBeforeTheLineEnds() {
        let long = "GET /" + String(repeating: "a", count: 8 * 1024)
        var parser = HTTPRequestParser()
        parser.append(Array(long.utf8))
        #expect(parser.next() == .error(.requestLineTooLong))
        #expect(parseError(long + " HTTP/1.1\r\nHost: a\r\n\r\n") == .requestLineTooLong)
        // Exactly at the limit is fine: 8 KiB including CRLF.
        let fits = "GET /" + String(repeating: "a", count: 8 * 1024 - 16) + " HTTP/1.1\r\n"
        #expect(fits.utf8.count == 8 * 1024)
        #expect(parseOne(fits + "Host: a\r\n\r\n") != nil)
        #expect(parseError("GET /a" + fits.dropFirst(5) + "Host: a\r\n\r\n") == .requestLineTooLong)
    }

    /// Found by fuzzing: the verdict on an over-long line must not depend on how it was split.
    @Test func limitVerdictsDoNotDependOnReadBoundaries() {
        #expect(parseError("GET /" + String(repeating: "a", count: 9000) + "\n") == .requestLineTooLong)
        #expect(parseError("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 33000) + "\r\r\n") == .headersTooLarge)
    }

    @Test func enforcesHeaderSizeAndCount() {
        let big = "GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "b", count: 32 * 1024) + "\r\n\r\n"
        #expect(parseError(big) == .headersTooLarge)
        var parser = HTTPRequestParser()
        parser.append(Array(("GET / HTTP/1.1\r\nX: " + String(repeating: "b", count: 33 * 1024)).utf8))
        #expect(parser.next() == .error(.headersTooLarge))
        let hundred = (0..<99).map { "X-\($0): v\r\n" }.joined()
        #expect(parseOne("GET / HTTP/1.1\r\nHost: a\r\n" + hundred + "\r\n") != nil)
        #expect(parseError("GET / HTTP/1.1\r\nHost: a\r\n" + hundred + "X-Last: v\r\n\r\n") == .tooManyHeaders)
        #expect(HTTPParseError.tooManyHeaders.status == 431 && HTTPParseError.headersTooLarge.status == 431)
    }

    @Test func errorsAreStickyAndCarryTheirStatus() {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/1.1\nHost: a\r\n\r\n".utf8))
        #expect(parser.next() == .error(.bareLineFeed))
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        #expect(parser.next() == .error(.bareLineFeed))
        #expect(HTTPParseError.chunkedNotAccepted.status == 411)
        #expect(HTTPParseError.unsupportedTransferEncoding.status == 501)
        #expect(HTTPParseError.unsupportedVersion.status == 505)
        #expect(HTTPParseError.bodyTooLarge.status == 413)
        #expect(HTTPParseError.requestLineTooLong.status == 414)
        #expect(Set(HTTPParseError.allCases.map(\.rawValue)).count == HTTPParseError.allCases.count)
    }

    @Test func waitsForTheWholeBody() {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nab".utf8))
        #expect(parser.next() == .needMore)
        #expect(parser.isAwaitingBody)
        parser.append(Array("cd".utf8))
        guard case .request(let request) = parser.next() else { Issue.record("no request"); return }
        #expect(request.body == Array("abcd".utf8))
        #expect(!parser.hasPartialRequest)
    }
}
