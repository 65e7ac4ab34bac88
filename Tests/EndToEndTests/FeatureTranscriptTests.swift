import Foundation
import JSONRPC
import MCP
import Synchronization
import Testing

/// Resources, subscriptions, prompts and completions under every revision: a session that lists,
/// reads, subscribes, gets prompts and completes against a small registration served by the MCP
/// engine, every message it sends validated against that revision's official schema (and the
/// project rules) by Tests/Interop/validate_messages.py.
@Suite struct FeatureTranscriptTests {
    /// Collects what a sink is sent.
    final class Collector: Sendable {
        private let messages = Mutex<[JSONValue]>([])
        var sink: MessageSink { { value in self.messages.withLock { $0.append(value) } } }
        /// The messages collected since the last call.
        func take() -> [JSONValue] {
            messages.withLock { messages in
                defer { messages = [] }
                return messages
            }
        }
    }

    static func server() -> MCPServer {
        let icon = Icon(src: "data:image/svg+xml;base64,PHN2Zy8+", mimeType: "image/svg+xml", sizes: ["any"])
        let resources = ResourceRegistry([
            Resource(uri: "demo://status", name: "status", title: "Status", description: "Health.", mimeType: "application/json",
                     icons: [icon], cacheTTLMilliseconds: 1000) { _ in
                [.text(#"{"status":"healthy"}"#, uri: "demo://status", mimeType: "application/json")]
            },
            Resource(uri: "demo://logo", name: "logo", mimeType: "image/png") { _ in
                [ResourceContents(uri: "demo://logo", mimeType: "image/png", body: .blob(base64: "iVBORw0KGgo="))]
            },
        ], templates: [
            ResourceTemplate(uriTemplate: "demo://runs/{run_id}", name: "run", title: "Run", description: "One run.",
                             mimeType: "text/plain", icons: [icon],
                             completers: ["run_id": { value, _, _ in ["17", "18"].filter { $0.hasPrefix(value) } }]) { uri, variables, _ in
                guard variables["run_id"] == "17" else { throw RequestFailure.notFound }
                return [.text("run 17 passed", uri: uri, mimeType: "text/plain")]
            },
        ], pageSize: 1)
        let prompts = PromptRegistry([
            Prompt(name: "report", title: "Report", description: "A report on one day.", arguments: [
                PromptArgument(name: "date", title: "Day", description: "YYYY-MM-DD", required: true,
                               completer: { value, _, _ in (1...150).map { "2025-\($0)" }.filter { $0.hasPrefix(value) } }),
            ], icons: [icon]) { arguments, _ in
                PromptResult(description: "Report", messages: [
                    PromptMessage(role: .user, content: .resource(.text(#"{"status":"healthy"}"#, uri: "demo://status",
                                                                        mimeType: "application/json"))),
                    PromptMessage(role: .user, content: .text("Report on \(arguments["date"] ?? "?").")),
                ])
            },
        ])
        return MCPServer(implementation: Implementation(name: "demo", version: "1", title: "Demo", description: "d",
                                                        icons: [icon], websiteUrl: "https://example.org"),
                         registry: ToolRegistry([]) { violation in ToolError(.invalidRequest, "\(violation)") }, resources: resources, prompts: prompts)
    }

    /// The requests of one session: lists (two pages each), reads, a missing resource, prompts
    /// with and without a required argument, completions of both kinds.
    static func requests(_ revision: Revision) -> [JSONValue] {
        func make(_ id: Int, _ method: String, _ params: JSONValue = [:]) -> JSONValue {
            revision.isStateless ? statelessRequest(.integer(Int64(id)), method, params) : request(.integer(Int64(id)), method, params)
        }
        return [
            make(1, "resources/list"),
            make(2, "resources/list", ["cursor": "resources:1"]),
            make(3, "resources/templates/list"),
            make(4, "resources/read", ["uri": "demo://status"]),
            make(5, "resources/read", ["uri": "demo://logo"]),
            make(6, "resources/read", ["uri": "demo://runs/17"]),
            make(7, "resources/read", ["uri": "demo://runs/99"]),
            make(8, "prompts/list"),
            make(9, "prompts/get", ["name": "report", "arguments": ["date": "2025-06-01"]]),
            make(10, "prompts/get", ["name": "report"]),
            make(11, "completion/complete", ["ref": ["type": "ref/prompt", "name": "report"],
                                             "argument": ["name": "date", "value": "2025-"]]),
            make(12, "completion/complete", ["ref": ["type": "ref/resource", "uri": "demo://runs/{run_id}"],
                                             "argument": ["name": "run_id", "value": "1"], "context": ["arguments": [:]]]),
            make(13, "resources/list", ["cursor": "bogus"]),
        ]
    }

    @Test(arguments: Revision.allCases)
    func everyMessageIsSchemaValid(_ revision: Revision) async throws {
        let server = Self.server()
        let channelMessages = Collector()
        var session = SessionState(notifications: server.openChannel(sink: channelMessages.sink))
        var transcript = Transcript()
        var answered = 0
        func exchange(_ message: JSONValue, session: inout SessionState) async -> JSONValue? {
            let collector = Collector()
            let answer = await Self.resolve(server.receive(message, session: &session), sink: collector.sink)
            for extra in collector.take() { transcript.append(revision: revision.rawValue, request: message, message: extra) }
            if let answer {
                transcript.append(revision: revision.rawValue, request: message, message: answer)
                answered += 1
            }
            return answer
        }

        if revision.isStateless {
            _ = await exchange(statelessRequest(0, "server/discover"), session: &session)
        } else {
            _ = await exchange(initializeRequest(0, version: revision.rawValue), session: &session)
            _ = await exchange(notification("notifications/initialized"), session: &session)
        }
        for message in Self.requests(revision) { _ = await exchange(message, session: &session) }

        if revision.isStateless {
            // A listen stream: acknowledgement, one update, then the final result when the server closes it.
            let listen = statelessRequest("listen-1", "subscriptions/listen",
                                          ["notifications": ["resourceSubscriptions": ["demo://status"], "toolsListChanged": true]])
            guard case .work(_, let work) = server.receive(listen, session: &session) else {
                Issue.record("subscriptions/listen was not started")
                return
            }
            let stream = Collector()
            let running = Task { await work(stream.sink) }
            while session.notifications?.isListening(.string("listen-1")) != true { await Task.yield() }
            server.notifyResourceUpdated("demo://status")
            session.notifications?.close()
            let final = try #require(await running.value)
            for message in stream.take() + [final] { transcript.append(revision: revision.rawValue, request: listen, message: message) }
            _ = await exchange(statelessRequest(20, "resources/subscribe", ["uri": "demo://status"]), session: &session)
            #expect(transcript.entries.filter { $0["message"]?["method"] == "notifications/resources/updated" }.count == 1)
        } else {
            let subscribe = request(20, "resources/subscribe", ["uri": "demo://status"])
            _ = await exchange(subscribe, session: &session)
            server.notifyResourceUpdated("demo://status")
            for message in channelMessages.take() { transcript.append(revision: revision.rawValue, request: subscribe, message: message) }
            _ = await exchange(request(21, "resources/unsubscribe", ["uri": "demo://status"]), session: &session)
            _ = await exchange(request(22, "resources/subscribe", ["uri": "demo://nothing"]), session: &session)
            #expect(transcript.entries.filter { $0["message"]?["method"] == "notifications/resources/updated" }.count == 1)
        }
        #expect(answered == Self.requests(revision).count + (revision.isStateless ? 2 : 4))
        try await withTemporaryDirectory { directory in
            try await expectValidTranscript(transcript, in: directory, allowNullErrorID: false)
        }
    }

    static func resolve(_ disposition: Disposition, sink: @escaping MessageSink) async -> JSONValue? {
        switch disposition {
        case .none, .cancel: return nil
        case .reply(let value): return value
        case .work(_, let work): return await work(sink)
        case .batch(let elements): return await Disposition.runBatch(elements, sink: sink)
        }
    }
}
