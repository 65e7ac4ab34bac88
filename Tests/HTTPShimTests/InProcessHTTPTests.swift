import JSONRPC
import Testing
import HTTPServerTesting
@testable import HTTPServer
@testable import HTTPShim
@testable import MCPHTTP

/// Answers with the path and body it was sent.
let echoHandler = ClosureHandler { request in
    HTTPResponse(status: 200, headers: [("Content-Type", "text/plain")],
                 body: .bytes(Array("\(request.method) \(request.path) \(request.body.count)".utf8)))
}

/// Splits raw output into responses (complete bodies only, by Content-Length).
func responses(_ text: String) -> [(status: Int, headers: [String: String], body: String)] {
    var rest = Substring(text)
    var result: [(Int, [String: String], String)] = []
    while let end = rest.range(of: "\r\n\r\n") {
        let head = rest[..<end.lowerBound].components(separatedBy: "\r\n")
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            headers[parts[0].lowercased()] = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        }
        rest = rest[end.upperBound...]
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let body = String(rest.utf8.prefix(length)) ?? ""
        rest = rest.dropFirst(body.count)
        result.append((status, headers, body))
    }
    return result
}

import Foundation

@Suite struct InProcessHTTPTests {
    @Test func answersPipelinedRequestsInOrder() async {
        let input = (0..<20).map { "GET /r\($0) HTTP/1.1\r\nHost: a\r\n\r\n" }.joined()
        for pieceSize in [1, 7, Int.max] {
            let output = await InProcessHTTP.exchange(input, handler: echoHandler, pieceSize: pieceSize)
            let answers = responses(output)
            #expect(answers.map(\.body) == (0..<20).map { "GET /r\($0) 0" })
            #expect(answers.allSatisfy { $0.headers["date"] != nil })
        }
    }

    @Test func parseErrorsAreAnsweredInJSONAndCloseTheConnection() async throws {
        let output = await InProcessHTTP.exchange(
            "GET /ok HTTP/1.1\r\nHost: a\r\n\r\nPOST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nGET /never HTTP/1.1\r\nHost: a\r\n\r\n",
            handler: echoHandler, refusals: HTTPShimHandler.renderRefusal)
        let answers = responses(output)
        #expect(answers.count == 2)
        #expect(answers.first?.status == 200)
        let error = try #require(answers.last)
        #expect(error.status == 400)
        #expect(error.headers["connection"] == "close")
        #expect(error.headers["content-type"] == "application/json")
        let body = try JSONParser.parse(error.body)
        #expect(body["error"]?["code"] == "MCP_INVALID_REQUEST")
        #expect(body["error"]?["details"]?["reason"] == "HTTP_DUPLICATE_CONTENT_LENGTH")
        #expect(body["error"]?["timestamp"]?.stringValue != nil)
    }

    @Test func connectionCloseStopsReading() async {
        let output = await InProcessHTTP.exchange(
            "GET /a HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n", handler: echoHandler)
        let answers = responses(output)
        #expect(answers.map(\.body) == ["GET /a 0"])
        #expect(answers.first?.headers["connection"] == "close")
    }

    @Test func expectContinueGetsAnInterimAnswer() async {
        let head = "POST /p HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"
        let waiting = await InProcessHTTP.exchange(Array(head.utf8), handler: echoHandler, endInput: false)
        #expect(String(decoding: waiting, as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
        let whole = await InProcessHTTP.exchange(head + "abc", handler: echoHandler, pieceSize: head.utf8.count)
        #expect(whole.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"))
        #expect(whole.hasSuffix("POST /p 3"))
    }

    @Test func http10KeepAliveIsAnnounced() async {
        let output = await InProcessHTTP.exchange(
            "GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\nGET /c HTTP/1.0\r\n\r\n", handler: echoHandler)
        let answers = responses(output)
        #expect(answers.map(\.body) == ["GET /a 0", "GET /b 0"])
        #expect(answers.first?.headers["connection"] == "keep-alive")
        #expect(answers.last?.headers["connection"] == "close")
    }

    @Test func statusesOfLimits() async {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 10
        let output = await InProcessHTTP.exchange("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n01234567890",
                                                  handler: echoHandler, limits: limits)
        #expect(responses(output).first?.status == 413)
        let chunked = await InProcessHTTP.exchange("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
                                                   handler: echoHandler)
        #expect(responses(chunked).first?.status == 411)
        let version = await InProcessHTTP.exchange("GET / HTTP/3.0\r\nHost: a\r\n\r\n", handler: echoHandler)
        #expect(version.hasPrefix("HTTP/1.1 505 "))
    }

    /// Random streams of HTTP-ish fragments: every answer is a well-formed status line, in order,
    /// and nothing crashes.
    @Test func randomInputAlwaysGetsWellFormedAnswers() async {
        let fragments = ["GET ", "POST ", "/a", "/%FF", "?x=1", " HTTP/1.1", " HTTP/1.0", "\r\n", "\n", "\r", "Host: a\r\n",
                         "Content-Length: 3\r\n", "Content-Length: 99999999999\r\n", "Transfer-Encoding: chunked\r\n",
                         "Connection: close\r\n", " folded\r\n", "\r\n\r\n", "abc", "\u{0}", ":", "X: y\r\n"]
        var generator = SystemRandomNumberGenerator()
        var limits = HTTPLimits()
        limits.maxRequestLineBytes = 64
        limits.maxHeaderBytes = 128
        limits.maxHeaderCount = 4
        limits.maxBodyBytes = 16
        for _ in 0..<1500 {
            let input = (0..<Int.random(in: 1...30, using: &generator)).map { _ in fragments.randomElement(using: &generator)! }.joined()
            let output = await InProcessHTTP.exchange(input, handler: echoHandler, limits: limits,
                                                      pieceSize: Int.random(in: 1...64, using: &generator))
            guard !output.isEmpty else { continue }
            #expect(output.hasPrefix("HTTP/1.1 "), "\(input.debugDescription) -> \(output.debugDescription)")
            let statuses = output.components(separatedBy: "\r\n").filter { $0.hasPrefix("HTTP/1.1 ") }
            #expect(statuses.allSatisfy { Int($0.dropFirst(9).prefix(3)) != nil })
        }
    }

    @Test func streamsBodiesChunked() async {
        let streaming = ClosureHandler { _ in
            let (stream, continuation) = AsyncStream<[UInt8]>.makeStream()
            continuation.yield(Array("data: 1\n\n".utf8))
            continuation.yield(Array("data: 2\n\n".utf8))
            continuation.finish()
            return HTTPResponse(status: 200, headers: [("Content-Type", "text/event-stream")], body: .stream(stream))
        }
        let output = await InProcessHTTP.exchange("POST /mcp HTTP/1.1\r\nHost: a\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n", handler: streaming)
        #expect(output.contains("Transfer-Encoding: chunked\r\n"))
        #expect(output.contains("\r\n\r\n9\r\ndata: 1\n\n\r\n9\r\ndata: 2\n\n\r\n0\r\n\r\nHTTP/1.1 200 OK"))
    }
}
