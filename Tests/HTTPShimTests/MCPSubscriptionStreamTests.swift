import JSONRPC
import LUStores
@testable import MCP
import Testing
import HTTPServerTesting
@testable import HTTPServer
@testable import HTTPShim
@testable import MCPHTTP

/// Resource updates over `/mcp`: a handshake session's GET SSE stream, and a 2026-07-28
/// `subscriptions/listen` stream.
@Suite struct MCPSubscriptionStreamTests {
    static let uri = "demo://status"

    static func shim() -> (HTTPShimHandler, MCPServer, MCPSessions, MCPEndpoint) {
        let registry = mcpRegistry()
        let gate = AccessGate(keys: APIKeys([testKey]), limiter: RateLimiter(limits: RateLimits()))
        let resources = ResourceRegistry([Resource(uri: uri, name: "status", mimeType: "application/json") { _ in
            [.text("{}", uri: uri, mimeType: "application/json")]
        }])
        let engine = MCPServer(implementation: Implementation(name: "t", version: "1", title: "T", description: "d"),
                               registry: registry, resources: resources)
        let sessions = MCPSessions()
        let endpoint = MCPEndpoint(server: engine, gate: gate, allowedHosts: OriginPolicy(boundHost: "127.0.0.1"), sessions: sessions)
        return (HTTPShimHandler(rest: RESTRouter(registry: registry, gate: gate), mcp: endpoint), engine, sessions, endpoint)
    }

    /// The raw output of one request whose answer is streamed (chunked), and the JSON of its SSE events.
    static func streamed(_ handler: HTTPShimHandler, _ method: String, headers: [String], body: String = "") async -> (String, [JSONValue]) {
        var text = "\(method) /mcp HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(testKey)\r\n"
        for header in headers { text += header + "\r\n" }
        if method == "POST" { text += "Content-Length: \(body.utf8.count)\r\n" }
        let output = await InProcessHTTP.exchange(text + "\r\n" + body, handler: handler)
        let events = output.components(separatedBy: "data: ").dropFirst().compactMap { piece in
            try? JSONParser.parse(String(piece.prefix { $0 != "\n" }))
        }
        return (output, events)
    }

    @Test func aSessionsUpdatesGoOnItsGetStream() async throws {
        let (handler, engine, sessions, _) = Self.shim()
        let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
        let first = await exchange(handler, "POST", "/mcp", headers: jsonHeaders, body: initialize)
        let session = try #require(first.headers["mcp-session-id"])
        let headers = jsonHeaders + ["Mcp-Session-Id: \(session)", "MCP-Protocol-Version: 2025-11-25"]
        let subscribe = await exchange(handler, "POST", "/mcp", headers: headers,
                                       body: #"{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"demo://status"}}"#)
        #expect(try JSONParser.parse(subscribe.body)["result"] == [:])
        // An update before any GET waits for the stream.
        engine.notifyResourceUpdated(Self.uri)
        let unknown = await exchange(handler, "GET", "/mcp", headers: ["Accept: text/event-stream", "Mcp-Session-Id: nope"])
        #expect(unknown.status == 404)
        let notAccepted = await exchange(handler, "GET", "/mcp", headers: ["Accept: application/json", "Mcp-Session-Id: \(session)"])
        #expect(notAccepted.status == 406)
        let get = Task { await Self.streamed(handler, "GET", headers: ["Accept: text/event-stream", "Mcp-Session-Id: \(session)",
                                                                        "MCP-Protocol-Version: 2025-11-25"]) }
        while !sessions.hasOpenStream(session) { await Task.yield() }
        engine.notifyResourceUpdated(Self.uri)
        engine.notifyResourceUpdated("demo://other")  // not subscribed
        // Ending the session ends its stream.
        #expect(await exchange(handler, "DELETE", "/mcp", headers: ["Mcp-Session-Id: \(session)"]).status == 204)
        let (output, events) = await get.value
        #expect(output.hasPrefix("HTTP/1.1 200 OK\r\n") && output.contains("Content-Type: text/event-stream\r\n"))
        #expect(events.count == 2, "\(output)")
        #expect(events.allSatisfy { $0["method"] == "notifications/resources/updated" && $0["params"]?["uri"] == .string(Self.uri) })
    }

    @Test func aListenRequestIsAStreamThatEndsWithItsFinalResult() async throws {
        let (handler, engine, _, endpoint) = Self.shim()
        let listen = modern("subscriptions/listen", id: 9, params: #""notifications":{"resourceSubscriptions":["demo://status"]}"#)
        let answer = Task { await Self.streamed(handler, "POST", headers: listen.headers, body: listen.body) }
        // The listen stream has a channel of its own: once it listens, update, then stop the server.
        while !engine.channels.channels.contains(where: { $0.isListening(.integer(9)) }) { await Task.yield() }
        engine.notifyResourceUpdated(Self.uri)
        endpoint.closeStreams()
        let (output, events) = await answer.value
        #expect(output.hasPrefix("HTTP/1.1 200 OK\r\n") && output.contains("Content-Type: text/event-stream\r\n"))
        #expect(events.first?["method"] == "notifications/subscriptions/acknowledged", "\(output)")
        #expect(events.contains { $0["method"] == "notifications/resources/updated" && $0["params"]?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == 9 })
        #expect(events.last?["id"] == 9 && events.last?["result"]?["resultType"] == "complete")
    }
}
