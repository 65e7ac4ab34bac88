import Testing
import HTTPServerTesting
@testable import HTTPServer
@testable import HTTPShim
@testable import MCPHTTP

@Suite struct HTTPResponseTests {
    @Test func headerValuesCannotInjectLines() {
        var response = HTTPResponse(status: 200, body: .bytes(Array("hi".utf8)))
        response.addHeader("X-Echo", "a\r\nSet-Cookie: evil=1")
        response.addHeader("Bad Name", "x")
        response.addHeader("Content-Length", "999")
        let text = String(decoding: response.serializeHead(keepAlive: true, date: "D"), as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.contains("X-Echo: a  Set-Cookie: evil=1\r\n"))
        #expect(!text.contains("\r\nSet-Cookie"))
        #expect(!text.contains("Bad Name"))
        #expect(text.contains("Content-Length: 2\r\n") && !text.contains("999"))
        #expect(text.hasSuffix("\r\n\r\n"))
        #expect(!text.contains("Connection: close"))
        let closing = String(decoding: response.serializeHead(keepAlive: false, date: "D"), as: UTF8.self)
        #expect(closing.contains("Connection: close\r\n"))
    }

    @Test func chunksAndDates() {
        #expect(HTTPResponse.chunk(Array(String(repeating: "x", count: 26).utf8)).prefix(4) == Array("1a\r\n".utf8)[...])
        #expect(HTTPResponse.chunk([]).isEmpty)
        #expect(HTTPDate.format(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
