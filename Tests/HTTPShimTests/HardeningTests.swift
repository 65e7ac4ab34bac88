import Testing
import HTTPServerTesting
@testable import HTTPServer
@testable import HTTPShim
@testable import MCPHTTP

/// The defects an adversarial run found in the HTTP layer, each kept as a test.
@Suite struct StrictParsingTests {
    @Test func aSecondAuthorizationOrOriginIsRefused() {
        let authorization = parseError("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n")
        #expect(authorization == .duplicateAuthorization && authorization?.status == 400)
        let origin = parseError("GET / HTTP/1.1\r\nHost: x\r\nOrigin: http://a\r\norigin: http://b\r\n\r\n")
        #expect(origin == .duplicateOrigin && origin?.status == 400)
    }

    @Test func anEncodedSlashIsNeverDecodedIntoASeparator() {
        for target in ["/api/mcp%2fstatus", "/api/mcp%2Fstatus", "/a/%2F/b?x=1"] {
            #expect(parseError("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n") == .encodedSlash, "\(target)")
        }
        #expect(HTTPParseError.encodedSlash.status == 400)
        // In the query an encoded slash is data, as before.
        #expect(parseOne("GET /a?charge_code=CC%2F01 HTTP/1.1\r\nHost: x\r\n\r\n")?.query == "charge_code=CC%2F01")
    }

    @Test func aFragmentInTheTargetIsRefused() {
        for target in ["/api/mcp/status#x", "/a?b=1#frag", "http://x/a#y"] {
            #expect(parseError("GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n") == .fragmentInTarget, "\(target)")
        }
    }

    @Test func anAbsoluteTargetMustNameTheHostOfTheHostHeader() throws {
        let foreign = parseError("GET http://evil.example/api/mcp/status HTTP/1.1\r\nHost: localhost:8080\r\n\r\n")
        #expect(foreign == .misdirected && foreign?.status == 421)
        let own = try #require(parseOne("GET http://LOCALHOST:8080/api/mcp/status HTTP/1.1\r\nHost: localhost:8080\r\n\r\n"))
        #expect(own.path == "/api/mcp/status" && own.authority == "LOCALHOST:8080")
        // HTTP/1.0 without Host: the target's authority is the host, and checks downstream see it.
        let old = try #require(parseOne("GET http://localhost/x HTTP/1.0\r\n\r\n"))
        #expect(old.header("host") == "localhost")
        #expect(parseError("GET http://user@localhost/x HTTP/1.1\r\nHost: localhost\r\n\r\n") == .invalidTarget)
        #expect(parseError("GET http:///x HTTP/1.1\r\nHost: localhost\r\n\r\n") == .invalidTarget)
    }
}

@Suite struct ConnectionPressureTests {
    let limits = HTTPLimits()

    @Test func theFirstRequestsHeaderTimeoutRunsFromTheOpening() {
        let connection = HTTPConnection(limits: limits, refusals: HTTPRefusal.plainText, openedAt: 100)
        #expect(connection.partialSince == 100)
        #expect(connection.evictionRank == .silent)
        // Blank lines are not a request: the clock does not restart.
        _ = connection.receive(Array("\r\n".utf8), now: 105)
        #expect(connection.partialSince == 100)
        let requests = connection.receive(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), now: 106)
        #expect(requests.count == 1)
        #expect(connection.partialSince == nil)
        #expect(connection.evictionRank == nil, "an answer is owed")
        connection.apply(.complete(HTTPResponse(status: 204)), to: requests[0].0, date: "d")
        connection.consumeOutput(connection.output.count)
        // Between requests the idle timeout applies again, not the header timeout.
        #expect(connection.partialSince == nil)
        #expect(connection.evictionRank == .idleUntrusted)
        connection.trusted = true
        #expect(connection.evictionRank == .idleTrusted)
        _ = connection.receive(Array("GET / HT".utf8), now: 200)
        #expect(connection.partialSince == 200)
        #expect(connection.evictionRank == nil, "a second request in progress is kept")
    }

    @Test func expendableConnectionsGoInOrder() {
        #expect(HTTPConnection.EvictionRank.silent < .idleUntrusted)
        #expect(HTTPConnection.EvictionRank.idleUntrusted < .idleTrusted)
    }
}

@Suite struct FailedAuthenticationTests {
    @Test func failuresPastTheLimitGet429PerAddressAndAreCounted() async {
        let failures = FailedAuthentications(limit: RateLimit(requests: 3, windowSeconds: 60))
        for second in 0..<3 {
            #expect(await failures.record(address: "192.0.2.1", keyPresented: true, now: Double(second)) == .unauthorized)
        }
        #expect(await failures.record(address: "192.0.2.1", keyPresented: true, now: 10) == .limited(retryAfter: 50))
        #expect(await failures.record(address: "192.0.2.2", keyPresented: false, now: 10) == .unauthorized)
        #expect(await failures.record(address: "192.0.2.1", keyPresented: true, now: 61) == .unauthorized, "the window moved on")
        var expected = FailedAuthentications.Count()
        expected.failures = 6
        expected.refused = 1
        #expect(await failures.count() == expected)
    }

    @Test func aValidKeyIsNeverRefusedByTheFailureLimit() async {
        let gate = AccessGate(keys: APIKeys(["good-key"]), limiter: RateLimiter(limits: RateLimits()),
                              failures: FailedAuthentications(limit: RateLimit(requests: 2, windowSeconds: 3600)))
        var wrong = HTTPRequest(method: "GET", target: "/", path: "/", headers: [("authorization", "Bearer guess")])
        wrong.clientAddress = "198.51.100.7"
        var statuses: [Int] = []
        for _ in 0..<5 {
            if case .refused(let response) = await gate.admit(wrong, scope: nil, kind: nil) { statuses.append(response.status) }
        }
        #expect(statuses == [401, 401, 429, 429, 429])
        var right = wrong
        right.headers = [("authorization", "Bearer good-key")]
        guard case .admitted = await gate.admit(right, scope: nil, kind: .status) else {
            Issue.record("a valid key from a limited address was refused")
            return
        }
        #expect(gate.trust(right) && !gate.trust(wrong))
    }
}
