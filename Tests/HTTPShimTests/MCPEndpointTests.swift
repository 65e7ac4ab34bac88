import JSONRPC
import LUStores
import MCP
import Testing
import HTTPServerTesting
@testable import HTTPServer
@testable import HTTPShim
@testable import MCPHTTP

/// The fake tools plus one that reports progress 0, 50, 100 of 100.
func mcpRegistry() -> ToolRegistry {
    let progress = Tool(name: "progress_tool", title: "Progress", description: "Reports progress.",
                        inputSchema: ["type": "object", "additionalProperties": false], outputSchema: ["type": "object"],
                        annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true)) { _, context in
        for step in [0.0, 50, 100] {
            context.reportProgress(step, total: 100)
            try? await Task.sleep(for: .milliseconds(10))
        }
        return .success(["done": true])
    }
    let slow = Tool(name: "slow_tool", title: "Slow", description: "Waits 5 s unless cancelled.",
                    inputSchema: ["type": "object"], outputSchema: ["type": "object"],
                    annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true)) { _, _ in
        try? await Task.sleep(for: .seconds(5))
        return .success(["cancelled": .bool(Task.isCancelled)])
    }
    return ToolRegistry(fakeRegistry().tools + [progress, slow], invalidArguments: LUStoresTools.invalidArguments)
}

func mcpShim(sessions: MCPSessions = MCPSessions(), limits: RateLimits = RateLimits()) -> HTTPShimHandler {
    let registry = mcpRegistry()
    let gate = AccessGate(keys: APIKeys([testKey]), limiter: RateLimiter(limits: limits))
    let engine = MCPServer(implementation: Implementation(name: "t", version: "1", title: "T", description: "d"), registry: registry)
    let endpoint = MCPEndpoint(server: engine, gate: gate, allowedHosts: OriginPolicy(boundHost: "127.0.0.1"), sessions: sessions)
    return HTTPShimHandler(rest: RESTRouter(registry: registry, gate: gate), mcp: endpoint)
}

let jsonHeaders = ["Content-Type: application/json", "Accept: application/json, text/event-stream"]
let modernMeta = #""_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}"#

func modern(_ method: String, id: Int = 1, params: String = "", name: String? = nil, version: String = "2026-07-28",
            extra: [String] = []) -> (body: String, headers: [String]) {
    let body = #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":{\#(params.isEmpty ? "" : params + ",")\#(modernMeta)}}"#
    var headers = jsonHeaders + ["MCP-Protocol-Version: \(version)", "Mcp-Method: \(method)"]
    if let name { headers.append("Mcp-Name: \(name)") }
    return (body, headers + extra)
}

@Suite struct MCPEndpointTests {
    @Test func handshakeSessionLifecycle() async throws {
        let handler = mcpShim()
        let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
        let first = await exchange(handler, "POST", "/mcp", headers: jsonHeaders, body: initialize)
        #expect(first.status == 200)
        #expect(first.headers["content-type"] == "application/json")
        let session = try #require(first.headers["mcp-session-id"])
        #expect(session.count == 32 && session.allSatisfy { $0.isHexDigit })
        #expect(try JSONParser.parse(first.body)["result"]?["protocolVersion"] == "2025-06-18")
        let headers = jsonHeaders + ["Mcp-Session-Id: \(session)", "MCP-Protocol-Version: 2025-06-18"]
        let initialized = await exchange(handler, "POST", "/mcp", headers: headers, body: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        #expect(initialized.status == 202 && initialized.body.isEmpty)
        let list = await exchange(handler, "POST", "/mcp", headers: headers, body: #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#)
        #expect(list.status == 200)
        #expect(try JSONParser.parse(list.body)["result"]?["tools"]?.arrayValue?.count == 7)
        let call = await exchange(handler, "POST", "/mcp", headers: headers,
                                  body: #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"get_status","arguments":{}}}"#)
        #expect(try JSONParser.parse(call.body)["result"]?["structuredContent"]?["system"]?["status"] == "healthy")
        let noSession = await exchange(handler, "POST", "/mcp", headers: jsonHeaders, body: #"{"jsonrpc":"2.0","id":4,"method":"tools/list"}"#)
        #expect(noSession.status == 400)
        let unknown = await exchange(handler, "POST", "/mcp", headers: jsonHeaders + ["Mcp-Session-Id: nope"],
                                     body: #"{"jsonrpc":"2.0","id":5,"method":"tools/list"}"#)
        #expect(unknown.status == 404)
        let wrongVersion = await exchange(handler, "POST", "/mcp", headers: jsonHeaders + ["Mcp-Session-Id: \(session)", "MCP-Protocol-Version: 2025-03-26"],
                                          body: #"{"jsonrpc":"2.0","id":6,"method":"tools/list"}"#)
        #expect(wrongVersion.status == 400)
        let anonymousDelete = await exchange(handler, "DELETE", "/mcp")
        #expect(anonymousDelete.status == 400)
        let deleted = await exchange(handler, "DELETE", "/mcp", headers: ["Mcp-Session-Id: \(session)"])
        #expect(deleted.status == 204)
        let gone = await exchange(handler, "POST", "/mcp", headers: headers, body: #"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#)
        #expect(gone.status == 404)
    }

    @Test func statelessRequestsAndTheirValidationOrder() async throws {
        let handler = mcpShim()
        let call = modern("tools/call", params: #""name":"get_status","arguments":{}"#, name: "get_status")
        let ok = await exchange(handler, "POST", "/mcp", headers: call.headers, body: call.body)
        #expect(ok.status == 200)
        let result = try JSONParser.parse(ok.body)
        #expect(result["result"]?["structuredContent"]?["system"]?["status"] == "healthy")
        #expect(result["result"]?["resultType"] == "complete")
        #expect(ok.headers["mcp-session-id"] == nil)

        func expectError(_ pair: (body: String, headers: [String]), code: Int, status: Int, id: Int = 1) async throws {
            let answer = await exchange(handler, "POST", "/mcp", headers: pair.headers, body: pair.body)
            #expect(answer.status == status, "\(pair.body)")
            let body = try JSONParser.parse(answer.body)
            #expect(body["error"]?["code"]?.integerValue == Int64(code), "\(answer.body)")
            #expect(body["id"]?.integerValue == Int64(id))
        }
        // _meta missing → -32602 before any header check.
        try await expectError((#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#, jsonHeaders + ["MCP-Protocol-Version: 2026-07-28"]),
                              code: -32602, status: 400)
        // Header 2026-07-28, body v999 → -32020, not -32022.
        let v999 = modern("tools/list", version: "2026-07-28")
        try await expectError((v999.body.replacingOccurrences(of: "\"2026-07-28\"", with: "\"v999.0.0\""), v999.headers), code: -32020, status: 400)
        let both = modern("tools/list", version: "v999.0.0")
        try await expectError((both.body.replacingOccurrences(of: "\"2026-07-28\"", with: "\"v999.0.0\""), both.headers), code: -32022, status: 400)
        try await expectError((modern("tools/list").body, jsonHeaders + ["MCP-Protocol-Version: 2026-07-28", "Mcp-Method: prompts/list"]),
                              code: -32020, status: 400)
        try await expectError((modern("tools/list").body, jsonHeaders + ["MCP-Protocol-Version: 2026-07-28", "Mcp-Method: TOOLS/LIST"]),
                              code: -32020, status: 400)
        try await expectError((modern("tools/list").body, jsonHeaders + ["MCP-Protocol-Version: 2026-07-28"]), code: -32020, status: 400)
        try await expectError(modern("tools/call", params: #""name":"get_status""#, name: "wrong_tool_name"), code: -32020, status: 400)
        try await expectError(modern("tools/call", params: #""name":"get_status""#), code: -32020, status: 400)
        try await expectError(modern("tools/call", params: #""name":"get_status""#, name: "=?base64?Z2V0X3N0YXR1cw?=") , code: -32020, status: 400)
        try await expectError(modern("tools/call", params: #""name":"get_status""#, name: "get_status", extra: ["Mcp-Param-X: 1"]), code: -32020, status: 400)
        try await expectError(modern("ping"), code: -32601, status: 404)
        try await expectError(modern("initialize"), code: -32601, status: 404)
        for name in ["  get_status  ", "=?base64?Z2V0X3N0YXR1cw==?="] {
            let accepted = modern("tools/call", params: #""name":"get_status","arguments":{}"#, name: name)
            let answer = await exchange(handler, "POST", "/mcp", headers: accepted.headers, body: accepted.body)
            #expect(answer.status == 200, "\(name)")
            #expect(try JSONParser.parse(answer.body)["error"] == nil)
        }
        let lowerCase = modern("tools/list")
        let answer = await exchange(handler, "POST", "/mcp",
                                    headers: jsonHeaders + ["mcp-protocol-version: 2026-07-28", "MCP-METHOD: tools/list"], body: lowerCase.body)
        #expect(answer.status == 200)
        let notification = await exchange(handler, "POST", "/mcp", headers: jsonHeaders + ["MCP-Protocol-Version: 2026-07-28"],
                                          body: #"{"jsonrpc":"2.0","method":"notifications/whatever"}"#)
        #expect(notification.status == 202)
    }

    @Test func hostOriginAuthAndHTTPChecks() async throws {
        let handler = mcpShim()
        let call = modern("server/discover")
        let good = await exchange(handler, "POST", "/mcp", headers: call.headers + ["Origin: http://localhost:8080"], body: call.body)
        #expect(good.status == 200)
        let evil = await InProcessHTTP.exchange(
            "POST /mcp HTTP/1.1\r\nHost: evil.example.com\r\nOrigin: http://evil.example.com\r\nAuthorization: Bearer \(testKey)\r\n"
                + call.headers.joined(separator: "\r\n") + "\r\nContent-Length: \(call.body.utf8.count)\r\n\r\n" + call.body,
            handler: handler)
        #expect(responses(evil).first.map { (400..<500).contains($0.status) } == true)
        let badOrigin = await exchange(handler, "POST", "/mcp", headers: call.headers + ["Origin: http://evil.example.com"], body: call.body)
        #expect(badOrigin.status == 403)
        let nullOrigin = await exchange(handler, "POST", "/mcp", headers: call.headers + ["Origin: null"], body: call.body)
        #expect(nullOrigin.status == 403)
        let noKey = await exchange(handler, "POST", "/mcp", key: nil, headers: call.headers, body: call.body)
        #expect(noKey.status == 401 && noKey.headers["www-authenticate"] == "Bearer")
        let get = await exchange(handler, "GET", "/mcp", headers: ["Accept: text/event-stream"])
        #expect(get.status == 405 && get.headers["allow"] == "POST, DELETE")
        let text = await exchange(handler, "POST", "/mcp", headers: ["Content-Type: text/plain"], body: call.body)
        #expect(text.status == 415)
        let html = await exchange(handler, "POST", "/mcp", headers: ["Content-Type: application/json", "Accept: text/html"], body: call.body)
        #expect(html.status == 406)
        let broken = await exchange(handler, "POST", "/mcp", headers: jsonHeaders, body: "{\"jsonrpc\":")
        #expect(broken.status == 400)
        #expect(try JSONParser.parse(broken.body)["error"]?["code"] == -32700)
        #expect(OriginPolicy(boundHost: "0.0.0.0").allowsHost("[::1]:9000"))
        #expect(!OriginPolicy(boundHost: "0.0.0.0").allowsHost("0.0.0.0:9000"))
        #expect(!OriginPolicy(boundHost: "127.0.0.1").allowsOrigin("http://localhost.evil.com"))
        #expect(!OriginPolicy(boundHost: "127.0.0.1").allowsOrigin("http://user@evil.com"))
    }

    @Test func notificationsCancelledStopsACallOfTheSameSession() async throws {
        let sessions = MCPSessions()
        let handler = mcpShim(sessions: sessions)
        let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}"#
        let session = try #require(await exchange(handler, "POST", "/mcp", headers: jsonHeaders, body: initialize).headers["mcp-session-id"])
        let headers = jsonHeaders + ["Mcp-Session-Id: \(session)"]
        let clock = ContinuousClock()
        let start = clock.now
        async let slow = exchange(handler, "POST", "/mcp", headers: headers,
                                  body: #"{"jsonrpc":"2.0","id":"s1","method":"tools/call","params":{"name":"slow_tool","arguments":{}}}"#)
        // Cancel once the call is in flight (a cancellation for a request not yet running is
        // ignored, as the spec allows).
        while sessions.inFlightCount(session: session) == 0 && clock.now - start < .seconds(4) {
            try await Task.sleep(for: .milliseconds(10))
        }
        let cancel = await exchange(handler, "POST", "/mcp", headers: headers,
                                    body: #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"s1"}}"#)
        #expect(cancel.status == 202)
        let answer = await slow
        // Not cancelled, the tool would answer 200 with a result after 5 s: the status alone decides
        // (a bound on the time would fail on a loaded machine).
        #expect(answer.status == 202)
    }

    @Test func toolCallsCountAgainstTheirRESTLimit() async throws {
        var limits = RateLimits()
        limits.status = RateLimit(requests: 2, windowSeconds: 60)
        let handler = mcpShim(limits: limits)
        let call = modern("tools/call", id: 9, params: #""name":"get_status","arguments":{}"#, name: "get_status")
        var statuses: [Int] = []
        var last: (status: Int, headers: [String: String], body: String) = (0, [:], "")
        for _ in 0..<3 {
            last = await exchange(handler, "POST", "/mcp", headers: call.headers, body: call.body)
            statuses.append(last.status)
        }
        #expect(statuses == [200, 200, 429])
        #expect(last.headers["retry-after"] != nil && last.headers["x-ratelimit-remaining"] == "0")
        let body = try JSONParser.parse(last.body)
        #expect(body["id"] == 9 && body["error"]?["code"] == -32000)
        // Listing tools is not limited, nor are other tools' classes touched.
        let list = modern("tools/list")
        #expect(await exchange(handler, "POST", "/mcp", headers: list.headers, body: list.body).status == 200)
        let sales = modern("tools/call", params: #""name":"get_sales","arguments":{}"#, name: "get_sales")
        #expect(await exchange(handler, "POST", "/mcp", headers: sales.headers, body: sales.body).status == 200)
    }

    /// A call the engine refuses before any tool runs is charged to no limit: the bug this caught
    /// was `run_tests` on a read-only server (not served, -32602) still taking an hourly unit.
    @Test func callsRejectedBeforeAnyToolRunsAreNotCharged() async throws {
        var limits = RateLimits()
        limits.status = RateLimit(requests: 1, windowSeconds: 60)
        limits.testExecution = RateLimit(requests: 1, windowSeconds: 3600)
        let handler = mcpShim(limits: limits)
        let unknown = modern("tools/call", id: 3, params: #""name":"run_tests_gone","arguments":{}"#, name: "run_tests_gone")
        let badArguments = modern("tools/call", id: 4, params: #""name":"get_status","arguments":[1]"#, name: "get_status")
        for _ in 0..<3 {
            for call in [unknown, badArguments] {
                let answer = await exchange(handler, "POST", "/mcp", headers: call.headers, body: call.body)
                #expect(answer.status == 400)
                #expect(try JSONParser.parse(answer.body)["error"]?["code"] == -32602)
            }
        }
        // The status class's one unit is still there.
        let call = modern("tools/call", id: 5, params: #""name":"get_status","arguments":{}"#, name: "get_status")
        #expect(await exchange(handler, "POST", "/mcp", headers: call.headers, body: call.body).status == 200)
        #expect(await exchange(handler, "POST", "/mcp", headers: call.headers, body: call.body).status == 429)
    }

    @Test func progressStreamsAsServerSentEvents() async throws {
        let handler = mcpShim()
        let call = modern("tools/call", params: #""name":"progress_tool","arguments":{},"_meta":{"progressToken":"p1"}"#, name: "progress_tool")
        // The second _meta replaces nothing: merge the progress token into the one _meta.
        let body = call.body.replacingOccurrences(of: #","_meta":{"progressToken":"p1"}"#, with: "")
            .replacingOccurrences(of: #""io.modelcontextprotocol/clientCapabilities":{}}"#,
                                  with: #""io.modelcontextprotocol/clientCapabilities":{},"progressToken":"p1"}"#)
        let output = await InProcessHTTP.exchange(
            "POST /mcp HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(testKey)\r\n" + call.headers.joined(separator: "\r\n")
                + "\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body, handler: handler)
        #expect(output.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(output.contains("Content-Type: text/event-stream\r\n"))
        #expect(output.contains("Transfer-Encoding: chunked\r\n"))
        let events = output.components(separatedBy: "data: ").dropFirst().compactMap { piece in
            try? JSONParser.parse(String(piece.prefix { $0 != "\n" }))
        }
        #expect(events.count == 4)
        #expect(events.prefix(3).map { $0["params"]?["progress"]?.doubleValue } == [0, 50, 100])
        #expect(events.last?["result"]?["structuredContent"]?["done"] == true)
        #expect(output.hasSuffix("0\r\n\r\n"))
        // Without SSE in Accept, the same call is one JSON answer.
        let plain = await exchange(handler, "POST", "/mcp", headers: ["Content-Type: application/json", "Accept: application/json"]
                                    + call.headers.dropFirst(2), body: body)
        #expect(plain.headers["content-type"] == "application/json")
        #expect(try JSONParser.parse(plain.body)["result"]?["structuredContent"]?["done"] == true)
    }
}
