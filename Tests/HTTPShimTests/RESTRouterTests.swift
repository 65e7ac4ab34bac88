import JSONRPC
import LUStores
import MCP
import Testing
import HTTPServerTesting
@testable import HTTPServer
@testable import HTTPShim
@testable import MCPHTTP

@Suite struct RESTRouterTests {
    @Test func statusBodyIsTheToolResultByteForByte() async throws {
        let answer = await exchange(shim(), "GET", "/api/mcp/status")
        #expect(answer.status == 200)
        #expect(answer.headers["content-type"] == "application/json")
        let outcome = await fakeRegistry().call(fakeRegistry()["get_status"]!, arguments: .init(), context: .init(requestID: nil, revision: .latestHandshake))
        #expect(answer.body == JSONWriter.string(outcome.json))
        #expect(answer.headers["x-ratelimit-limit"] == "60")
        #expect(answer.headers["x-ratelimit-remaining"] == "59")
        #expect(Int(answer.headers["x-ratelimit-reset"] ?? "") != nil)
    }

    @Test func authIsRequired() async throws {
        for key in [nil, "wrong", testKey + "x", String(testKey.dropLast())] as [String?] {
            let answer = await exchange(shim(), "GET", "/api/mcp/sales", key: key)
            #expect(answer.status == 401)
            #expect(answer.headers["www-authenticate"] == "Bearer")
            let body = try JSONParser.parse(answer.body)
            #expect(body["error"]?["code"] == "MCP_AUTH_REQUIRED")
            #expect(!answer.body.contains(testKey))
            #expect(answer.headers["x-ratelimit-limit"] == nil)
        }
        let basic = await exchange(shim(), "GET", "/api/mcp/status", key: nil, headers: ["Authorization: Basic \(testKey)"])
        #expect(basic.status == 401)
        let lower = await exchange(shim(), "GET", "/api/mcp/status", key: nil, headers: ["Authorization: bearer \(otherKey)"])
        #expect(lower.status == 200)
        let anonymous = await exchange(shim(anonymous: true), "GET", "/api/mcp/status", key: nil)
        #expect(anonymous.status == 200)
    }

    @Test func unknownPathsAndWrongMethods() async throws {
        let missing = await exchange(shim(), "GET", "/api/mcp/nothing")
        #expect(missing.status == 404)
        #expect(try JSONParser.parse(missing.body)["error"]?["code"] == "MCP_NOT_FOUND")
        let root = await exchange(shim(), "GET", "/")
        #expect(root.status == 404 && root.headers["content-type"] == "application/json")
        let wrong = await exchange(shim(), "DELETE", "/api/mcp/status")
        #expect(wrong.status == 405)
        #expect(try JSONParser.parse(wrong.body)["error"]?["code"] == "MCP_METHOD_NOT_ALLOWED")
        #expect(wrong.headers["allow"] == "GET")
        let post = await exchange(shim(), "GET", "/api/mcp/test")
        #expect(post.status == 405 && post.headers["allow"] == "POST")
        let absent = await exchange(shim(registry: fakeRegistry(including: ["get_status"])), "GET", "/api/mcp/sales")
        #expect(absent.status == 404)
        #expect(absent.body.contains("get_sales"))
    }

    @Test func queryParametersAreTypedByTheToolSchema() async throws {
        let sales = await exchange(shim(), "GET", "/api/mcp/sales?page=2&limit=5&charge_code=CC%2F01+X&status=completed")
        #expect(sales.status == 200)
        #expect(sales.body == #"{"arguments":{"page":2,"limit":5,"charge_code":"CC/01 X","status":"completed"}}"#)
        let inventory = await exchange(shim(), "GET", "/api/mcp/inventory?low_stock=true&include_inactive=false&search=caf%C3%A9")
        #expect(inventory.body == #"{"arguments":{"low_stock":true,"include_inactive":false,"search":"café"}}"#)
        for (query, field) in [("limit=abc", "limit"), ("limit=501", "limit"), ("page=0", "page"), ("page=1.5", "page"),
                               ("low_stock=yes", "low_stock"), ("bogus=1", "bogus"), ("status=open", "status"), ("limit=%2B5", "limit")] {
            let path = field == "low_stock" ? "/api/mcp/inventory" : "/api/mcp/sales"
            let answer = await exchange(shim(), "GET", "\(path)?\(query)")
            #expect(answer.status == 400, "\(query)")
            let body = try JSONParser.parse(answer.body)
            #expect(body["error"]?["code"] == "MCP_INVALID_REQUEST")
            #expect(body["error"]?["details"]?["field"]?.stringValue == field, "\(query)")
            #expect(answer.headers["x-ratelimit-limit"] == "100")
        }
        let repeated = await exchange(shim(), "GET", "/api/mcp/sales?limit=5&limit=6")
        #expect(repeated.status == 400)
        let badEncoding = await exchange(shim(), "GET", "/api/mcp/sales?charge_code=%FF")
        #expect(badEncoding.status == 400)
    }

    @Test func testExecutionRoutes() async throws {
        let started = await exchange(shim(), "POST", "/api/mcp/test", headers: ["Content-Type: application/json"], body: #"{"test_type":"unit"}"#)
        #expect(started.status == 202)
        #expect(started.headers["location"] == "/api/mcp/test/test_1")
        #expect(started.headers["x-ratelimit-limit"] == "10")
        #expect(try JSONParser.parse(started.body)["execution_id"] == "test_1")
        for body in ["{", "[1]", #"{"test_type":"nope"}"#, "", #"{"test_type":"unit","extra":1}"#] {
            let answer = await exchange(shim(), "POST", "/api/mcp/test", body: body)
            #expect(answer.status == 400, "\(body)")
            #expect(try JSONParser.parse(answer.body)["error"]?["code"] == "MCP_INVALID_REQUEST")
        }
        let form = await exchange(shim(), "POST", "/api/mcp/test", headers: ["Content-Type: text/plain"], body: "x")
        #expect(form.status == 415)
        let result = await exchange(shim(), "GET", "/api/mcp/test/test_1")
        #expect(result.status == 200 && result.body == #"{"execution_id":"test_1","status":"completed"}"#)
        let waited = await exchange(shim(), "GET", "/api/mcp/test/test_1?wait_seconds=2")
        #expect(waited.status == 200)
        let tooLong = await exchange(shim(), "GET", "/api/mcp/test/test_1?wait_seconds=61")
        #expect(tooLong.status == 400)
        let unknown = await exchange(shim(), "GET", "/api/mcp/test/test_9")
        #expect(unknown.status == 404)
        #expect(try JSONParser.parse(unknown.body)["error"]?["code"] == "MCP_NOT_FOUND")
        #expect(unknown.headers["x-ratelimit-limit"] == "100")
    }

    /// A run refused because one is running counts (409 `MCP_TEST_RUNNING`); one rejected as
    /// invalid does not, whether the body or the arguments are at fault.
    @Test func onlyStartedOrRefusedAsRunningExecutionsCount() async throws {
        let running = Tool(name: "run_tests", title: "run_tests", description: "run_tests",
                           inputSchema: ["type": "object", "properties": ["test_type": ["type": "string", "enum": ["unit", "busy"]]],
                                         "required": ["test_type"]],
                           outputSchema: ["type": "object"], annotations: ToolAnnotations(readOnlyHint: false, idempotentHint: false)) { arguments, _ in
            arguments["test_type"] == "busy" ? ToolError(.testRunning, "a run is going").outcome
                                             : .started(["execution_id": "test_1"], handle: "test_1")
        }
        var limits = RateLimits()
        limits.testExecution = RateLimit(requests: 5, windowSeconds: 3600)
        let handler = shim(registry: ToolRegistry([running], invalidArguments: LUStoresTools.invalidArguments), limits: limits)
        let expected: [(body: String, status: Int, remaining: String)] = [
            (#"{"test_type":"nope"}"#, 400, "5"), ("{", 400, "5"), (#"{"test_type":"busy"}"#, 409, "4"),
            (#"{"test_type":"unit"}"#, 202, "3"), ("[1]", 400, "3"), (#"{"test_type":"busy"}"#, 409, "2"),
        ]
        for (body, status, remaining) in expected {
            let answer = await exchange(handler, "POST", "/api/mcp/test", body: body)
            #expect(answer.status == status, "\(body)")
            #expect(answer.headers["x-ratelimit-remaining"] == remaining, "\(body)")
        }
    }

    @Test func aBurstOf61StatusCallsGets60AnswersAndOne429() async throws {
        let handler = shim()
        var statuses: [Int] = []
        var last: (status: Int, headers: [String: String], body: String) = (0, [:], "")
        for _ in 0..<61 {
            last = await exchange(handler, "GET", "/api/mcp/status")
            statuses.append(last.status)
        }
        #expect(statuses.filter { $0 == 200 }.count == 60)
        #expect(statuses.last == 429)
        #expect(last.headers["retry-after"].flatMap(Int.init).map { $0 >= 1 && $0 <= 60 } == true)
        #expect(last.headers["x-ratelimit-remaining"] == "0")
        #expect(try JSONParser.parse(last.body)["error"]?["code"] == "MCP_RATE_LIMITED")
        // Another key and another class have limits of their own.
        #expect(await exchange(handler, "GET", "/api/mcp/status", key: otherKey).status == 200)
        #expect(await exchange(handler, "GET", "/api/mcp/sales").status == 200)
    }
}

@Suite struct RateLimiterTests {
    @Test func slidingWindowIsExact() async {
        var limits = RateLimits()
        limits.status = RateLimit(requests: 3, windowSeconds: 10)
        let limiter = RateLimiter(limits: limits)
        func at(_ time: Double) async -> RateLimiter.Decision {
            await limiter.consume(identity: 0, kind: .status, monotonic: time, wall: 1000 + time)
        }
        let first = await at(0)
        #expect(first.remaining == 2 && first.reset == 1010)
        #expect(await at(1).allowed)
        let third = await at(2)
        #expect(third.allowed && third.remaining == 0 && third.reset == 1010)
        let refused = await at(3)
        #expect(!refused.allowed && refused.retryAfter == 7 && refused.reset == 1010)
        #expect(await at(9.99).allowed == false)
        #expect(await at(10).allowed)   // the request at 0 has left the window
        #expect(await at(10.5).allowed == false)
        #expect(await at(11).allowed)
    }

    /// A refunded request frees its place at once, and only its own: the bug this caught was a
    /// refund that showed a freed place in the headers but left the count as it was.
    @Test func aRefundGivesBackExactlyOnePlace() async {
        var limits = RateLimits()
        limits.testExecution = RateLimit(requests: 2, windowSeconds: 100)
        let limiter = RateLimiter(limits: limits)
        #expect(await limiter.consume(identity: 0, kind: .testExecution, monotonic: 0, wall: 1000).allowed)
        for time in [1.0, 1.0005, 2] {
            let taken = await limiter.consume(identity: 0, kind: .testExecution, monotonic: time, wall: 1000 + time)
            #expect(taken.allowed && taken.remaining == 0)
            let refunded = await limiter.refund(identity: 0, kind: .testExecution, monotonic: time, wall: 1000 + time)
            #expect(refunded.remaining == 1 && refunded.reset == 1100)
        }
        #expect(await limiter.consume(identity: 0, kind: .testExecution, monotonic: 3, wall: 1003).allowed)
        let refused = await limiter.consume(identity: 0, kind: .testExecution, monotonic: 4, wall: 1004)
        #expect(!refused.allowed && refused.retryAfter == 96)
        #expect(await limiter.refusals()[.testExecution] == 1)
        // Another key's refund takes nothing from this one.
        _ = await limiter.refund(identity: 1, kind: .testExecution, monotonic: 5, wall: 1005)
        #expect(await limiter.consume(identity: 0, kind: .testExecution, monotonic: 6, wall: 1006).allowed == false)
    }

    @Test func neverMoreThanTheLimitInAnyWindow() async {
        var limits = RateLimits()
        limits.dataRetrieval = RateLimit(requests: 5, windowSeconds: 2)
        let limiter = RateLimiter(limits: limits)
        var generator = SystemRandomNumberGenerator()
        var time = 0.0
        var accepted: [Double] = []
        for _ in 0..<2000 {
            time += Double.random(in: 0..<0.3, using: &generator)
            if await limiter.consume(identity: 7, kind: .dataRetrieval, monotonic: time, wall: time).allowed { accepted.append(time) }
        }
        for (index, start) in accepted.enumerated() {
            let inWindow = accepted[index...].prefix { $0 < start + 2 }.count
            #expect(inWindow <= 5)
        }
        #expect(accepted.count > 500)
    }

    /// A lifted limit (the benchmark's 1e9 per minute) must cost O(log n) per request, not a copy
    /// of the ring (found by the benchmark: the ring was copied out of the dictionary and back).
    @Test func aHugeLimitStaysCheap() async {
        var limits = RateLimits()
        limits.status = RateLimit(requests: 1_000_000_000, windowSeconds: 60)
        let limiter = RateLimiter(limits: limits)
        let clock = ContinuousClock()
        let start = clock.now
        for index in 0..<100_000 {
            _ = await limiter.consume(identity: 0, kind: .status, monotonic: Double(index) * 1e-5, wall: 0)
        }
        let elapsed = clock.now - start
        #expect(elapsed < .seconds(5), "\(elapsed)")
        #expect(await limiter.consume(identity: 0, kind: .status, monotonic: 1, wall: 0).remaining == 1_000_000_000 - 100_001)
    }

    /// Found by the soak benchmark: with millisecond entries in an array compacted by halves, 256
    /// busy keys made the server's RSS grow for minutes (26 MiB in 80 s). Whatever the request
    /// rate, a key and class keep at most about a thousand entries, and the count stays flat
    /// once the window has filled.
    @Test func memoryIsBoundedWhateverTheRate() async {
        var limits = RateLimits()
        limits.status = RateLimit(requests: 1_000_000_000, windowSeconds: 60)
        let limiter = RateLimiter(limits: limits)
        var afterOneWindow = 0
        for index in 0..<600_000 {   // 4 keys, 3 minutes, a request every 0.3 ms
            let time = Double(index) * 0.0003
            _ = await limiter.consume(identity: index % 4, kind: .status, monotonic: time, wall: time)
            if index == 200_000 { afterOneWindow = await limiter.storedEntries() }
        }
        let atTheEnd = await limiter.storedEntries()
        #expect(atTheEnd <= 4 * 1024, "\(atTheEnd) entries")
        #expect(atTheEnd == afterOneWindow, "no growth once the window has filled")
        #expect(await limiter.consume(identity: 0, kind: .status, monotonic: 180, wall: 180).remaining >= 1_000_000_000 - 50_001)
    }

    @Test func parsesLimits() {
        #expect(RateLimit.parse("1000000000/60", defaultWindow: 3600) == RateLimit(requests: 1_000_000_000, windowSeconds: 60))
        #expect(RateLimit.parse("10", defaultWindow: 3600) == RateLimit(requests: 10, windowSeconds: 3600))
        #expect(RateLimit.parse("10", defaultWindow: RateLimitClass.testExecution.documentedWindowSeconds)
                == RateLimit(requests: 10, windowSeconds: 3600))
        #expect(RateLimit.parse("10", defaultWindow: RateLimitClass.status.documentedWindowSeconds)
                == RateLimit(requests: 10, windowSeconds: 60))
        for bad in ["", "0", "-1/60", "5/0", "5/60/1", "x/60"] { #expect(RateLimit.parse(bad, defaultWindow: 60) == nil) }
    }
}
