import HTTPServer
import JSONRPC
import MCP
import ServerSupport
import Testing
@testable import HTTPShim

/// The counts `/metrics` shows and the client address the shim's consumers read.
struct ShimMetricsTests {
    /// The exposition's sample lines as `name{labels}` → value.
    func samples(_ metrics: ShimMetrics) -> [String: Double] {
        var text = ""
        metrics.write(to: &text)
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = Double(line[line.index(after: space)...])
        }
        return samples
    }

    @Test func requestsAreCountedUnderTheirTemplateMethodAndCode() {
        let metrics = ShimMetrics()
        let testResult = ShimMetrics.Route.rest(RESTRoute.all.firstIndex { $0.tool == "get_test_result" }!)
        metrics.requestAnswered(route: testResult, method: "GET", status: 404, seconds: 0.0003)
        metrics.requestAnswered(route: testResult, method: "GET", status: 404, seconds: 0.2)
        metrics.requestAnswered(route: testResult, method: "GET", status: 200, seconds: 90)
        metrics.requestAnswered(route: .unmatched, method: "BREW", status: 404, seconds: 0.001)
        let counted = samples(metrics)
        #expect(counted[#"lustores_http_requests_total{route="/api/mcp/test/{execution_id}",method="GET",code="404"}"#] == 2)
        #expect(counted[#"lustores_http_requests_total{route="/api/mcp/test/{execution_id}",method="GET",code="200"}"#] == 1)
        #expect(counted[#"lustores_http_requests_total{route="unmatched",method="other",code="404"}"#] == 1)
        #expect(metrics.requests(route: testResult, method: "GET", status: 404) == 2)
        // Cumulative buckets; +Inf (and _count) holds the value past every bound.
        let histogram = #"lustores_http_request_duration_seconds_bucket{route="/api/mcp/test/{execution_id}",method="GET",le="#
        #expect(counted[histogram + #""0.0005"}"#] == 1)
        #expect(counted[histogram + #""0.25"}"#] == 2)
        #expect(counted[histogram + #""60"}"#] == 2)
        #expect(counted[histogram + #""+Inf"}"#] == 3)
        #expect(counted[#"lustores_http_request_duration_seconds_count{route="/api/mcp/test/{execution_id}",method="GET"}"#] == 3)
        let sum = counted[#"lustores_http_request_duration_seconds_sum{route="/api/mcp/test/{execution_id}",method="GET"}"#] ?? 0
        #expect(abs(sum - 90.2003) < 1e-9)
    }

    @Test func toolCallsAreCountedByToolTransportAndOutcome() async {
        let metrics = ShimMetrics()
        let registry = fakeRegistry()
        let rest = metrics.observing(registry, transport: "rest")
        let mcp = metrics.observing(registry, transport: "mcp")
        let context = ToolContext(requestID: nil, revision: ProtocolRevision.latestHandshake)
        _ = await rest.call(rest["get_status"]!, arguments: JSONObject(), context: context)
        _ = await rest.call(rest["get_sales"]!, arguments: JSONObject([("limit", 0)]), context: context)
        _ = await mcp.call(mcp["get_status"]!, arguments: JSONObject(), context: context)
        _ = await registry.call(registry["get_status"]!, arguments: JSONObject(), context: context)
        let counted = samples(metrics)
        #expect(counted[#"lustores_tool_calls_total{tool="get_status",transport="rest",code="ok"}"#] == 1)
        #expect(counted[#"lustores_tool_calls_total{tool="get_status",transport="mcp",code="ok"}"#] == 1)
        #expect(counted[#"lustores_tool_calls_total{tool="get_sales",transport="rest",code="MCP_INVALID_REQUEST"}"#] == 1)
        #expect(counted[#"lustores_tool_call_duration_seconds_count{tool="get_status",transport="rest"}"#] == 1)
        // The registry itself is not observed: 3 calls counted of 4 made.
        #expect(counted.filter { $0.key.hasPrefix("lustores_tool_calls_total") }.values.reduce(0, +) == 3)
    }

    @Test func labelValuesAndHelpAreEscaped() {
        #expect(PrometheusText.labels(["type": #"a"b\c"# + "\n"]) == #"type="a\"b\\c\n""#)
        var out = ""
        PrometheusText.header(&out, "x_total", "one\\two\nthree \"quoted\"", "counter")
        #expect(out == "# HELP x_total one\\\\two\\nthree \"quoted\"\n# TYPE x_total counter\n")
        #expect(PrometheusText.number(3) == "3" && PrometheusText.number(0.25) == "0.25" && PrometheusText.number(.infinity) == "+Inf")
    }

    /// A request from `peer`, forwarded for `forwardedFor`, with a key no server accepts.
    func unauthenticated(from peer: String, forwardedFor: String?) -> HTTPRequest {
        var headers: [(name: String, value: String)] = [("authorization", "Bearer not-a-key-of-this-server")]
        if let forwardedFor { headers.append(("x-forwarded-for", forwardedFor)) }
        return HTTPRequest(method: "GET", target: "/api/mcp/status", path: "/api/mcp/status", headers: headers, clientAddress: peer)
    }

    func handler(trusting proxies: [String], failures: FailedAuthentications) throws -> HTTPShimHandler {
        let gate = AccessGate(keys: APIKeys([testKey]), limiter: RateLimiter(limits: RateLimits()), failures: failures)
        return HTTPShimHandler(rest: RESTRouter(registry: fakeRegistry(), gate: gate), mcp: nil, trustedProxies: try TrustedProxies(proxies))
    }

    @Test func theFailedAuthenticationLimitCountsTheForwardedClientBehindATrustedProxy() async throws {
        let shim = try handler(trusting: ["10.0.0.1"], failures: FailedAuthentications(limit: RateLimit(requests: 1, windowSeconds: 3600)))
        // Two clients behind one proxy: each has its own count, so one guesser does not lock out the other.
        #expect(await shim.handle(unauthenticated(from: "10.0.0.1", forwardedFor: "203.0.113.9")).status == 401)
        #expect(await shim.handle(unauthenticated(from: "10.0.0.1", forwardedFor: "198.51.100.7")).status == 401)
        #expect(await shim.handle(unauthenticated(from: "10.0.0.1", forwardedFor: "203.0.113.9")).status == 429)
    }

    @Test func aForwardedAddressFromAPeerThatIsNotTrustedIsIgnored() async throws {
        let shim = try handler(trusting: ["10.0.0.1"], failures: FailedAuthentications(limit: RateLimit(requests: 1, windowSeconds: 3600)))
        // A guesser cannot escape its limit by inventing X-Forwarded-For: its socket address counts.
        #expect(await shim.handle(unauthenticated(from: "192.0.2.50", forwardedFor: "203.0.113.9")).status == 401)
        #expect(await shim.handle(unauthenticated(from: "192.0.2.50", forwardedFor: "198.51.100.7")).status == 429)
    }
}
