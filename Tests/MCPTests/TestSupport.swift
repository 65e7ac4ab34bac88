import JSONRPC
import Synchronization
@testable import MCP

/// A registry of small tools that exercise the engine: echo, slow (cancellable, reports progress), fail.
func testRegistry() -> ToolRegistry {
    let echo = Tool(
        name: "echo", title: "Echo", description: "Returns its arguments.",
        inputSchema: ["type": "object", "properties": ["text": ["type": "string", "maxLength": 20],
                                                      "count": ["type": "integer", "minimum": 1, "maximum": 5]],
                      "additionalProperties": false],
        outputSchema: ["type": "object"],
        annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true),
        handler: { arguments, _ in .success(.object(arguments)) })
    let slow = Tool(
        name: "slow", title: "Slow", description: "Reports progress, then waits until cancelled or 5 s pass.",
        inputSchema: ["type": "object", "additionalProperties": false], outputSchema: nil,
        annotations: ToolAnnotations(readOnlyHint: false, idempotentHint: false),
        handler: { _, context in
            for step in [1.0, 2.0, 2.0, 3.0] { context.reportProgress(step, total: 3, message: "step \(step)") }
            context.log(.info, "started")
            context.log(.debug, "detail")
            try? await Task.sleep(for: .seconds(5))
            return Task.isCancelled ? ToolError(.internalError, "cancelled").outcome : .success(["done": true])
        })
    let fail = Tool(
        name: "fail", title: "Fail", description: "Always fails.",
        inputSchema: ["type": "object"], outputSchema: nil,
        annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true),
        handler: { _, _ in ToolError(.internalError, "nope", timestamp: "2025-06-09T10:30:00Z").outcome })
    return ToolRegistry([echo, slow, fail]) { violation in ToolError(.invalidRequest, violation.description) }
}

func testServer(pageSize: Int = MCPServer.defaultToolsPageSize) -> MCPServer {
    MCPServer(implementation: Implementation(name: "test-server", version: "9.9.9", title: "Test", description: "For tests"),
              instructions: "Be kind.", registry: testRegistry(), toolsPageSize: pageSize)
}

/// Collects what a sink is sent.
final class SinkRecorder: Sendable {
    private let messages = Mutex<[JSONValue]>([])
    var sink: MessageSink { { value in self.messages.withLock { $0.append(value) } } }
    var recorded: [JSONValue] { messages.withLock { $0 } }
}

/// Drives an engine the way a transport does, one line at a time, and returns the answer.
struct EngineDriver {
    let server: MCPServer
    var session = SessionState()
    let recorder = SinkRecorder()

    init(server: MCPServer = testServer()) { self.server = server }

    mutating func send(_ text: String) async -> JSONValue? {
        let disposition = server.receive(line: Array(text.utf8), session: &session)
        return await Self.resolve(disposition, sink: recorder.sink)
    }

    mutating func send(_ value: JSONValue) async -> JSONValue? {
        await send(JSONWriter.string(value))
    }

    static func resolve(_ disposition: Disposition, sink: @escaping MessageSink) async -> JSONValue? {
        switch disposition {
        case .none, .cancel: return nil
        case .reply(let value): return value
        case .work(_, let work): return await work(sink)
        case .batch(let elements): return await Disposition.runBatch(elements, sink: sink)
        }
    }

    /// `initialize` at `revision`, then `notifications/initialized`.
    mutating func initialize(_ revision: String) async -> JSONValue? {
        let answer = await send(request(1, "initialize", ["protocolVersion": .string(revision), "capabilities": [:],
                                                          "clientInfo": ["name": "t", "version": "1"]]))
        _ = await send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        return answer
    }
}

func request(_ id: Int64, _ method: String, _ params: JSONValue? = nil) -> JSONValue {
    var object = JSONObject([("jsonrpc", "2.0"), ("id", .integer(id)), ("method", .string(method))])
    if let params { object.append("params", params) }
    return .object(object)
}

/// The 2026-07-28 envelope, with extra `_meta` members and params.
func statelessRequest(_ id: Int64, _ method: String, _ params: JSONObject = JSONObject(),
                      version: String = "2026-07-28", extraMeta: JSONObject = JSONObject()) -> JSONValue {
    var meta = JSONObject([("io.modelcontextprotocol/protocolVersion", .string(version)),
                           ("io.modelcontextprotocol/clientCapabilities", [:])])
    for member in extraMeta { meta[member.key] = member.value }
    var full = params
    full["_meta"] = .object(meta)
    return request(id, method, .object(full))
}

extension JSONValue {
    var errorCode: Int64? { self["error"]?["code"]?.integerValue }
    var result: JSONValue? { self["result"] }
}
