import Foundation
import JSONRPC
import Testing

/// Each protocol revision end to end against the built binary: the handshake (or the stateless
/// envelope), `tools/list`, `get_status`, errors, and every message the server wrote validated
/// against that revision's official schema by Tests/Interop/validate_messages.py.
@Suite struct ProtocolRevisionTests {
    /// A schema file of `schemas/`, parsed.
    static func schemaFile(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: URL(fileURLWithPath: Paths.repositoryRoot + "/schemas/" + name))
        return try JSONParser.parse(Array(data))
    }

    /// What a client sends in one session of `revision`, in order. Ids: 0 the handshake, 1
    /// tools/list, 2 get_status, 3 ping or a removed method, 4 a tool error, 5 an unknown tool,
    /// 6 an unknown method, "call-7" get_status with a string id, 8 logging/setLevel.
    static func session(_ revision: Revision) -> [JSONValue] {
        if revision.isStateless {
            return [
                statelessRequest(0, "server/discover"),
                statelessRequest(1, "tools/list"),
                statelessRequest(2, "tools/call", ["name": "get_status", "arguments": [:]]),
                statelessRequest(3, "ping"),  // removed in 2026-07-28
                statelessRequest(4, "tools/call", ["name": "get_status", "arguments": ["verbose": true]]),
                statelessRequest(5, "tools/call", ["name": "no_such_tool", "arguments": [:]]),
                statelessRequest(6, "nope/nothing"),
                statelessRequest("call-7", "tools/call", ["name": "get_status"]),
                statelessRequest(8, "logging/setLevel", ["level": "info"]),  // removed in 2026-07-28
                statelessRequest(9, "tools/list", version: "2099-01-01"),  // -32022
            ]
        }
        return [
            initializeRequest(0, version: revision.rawValue),
            initializedNotification,
            request(1, "tools/list"),
            callRequest(2, "get_status"),
            request(3, "ping"),
            callRequest(4, "get_status", ["verbose": true]),
            callRequest(5, "no_such_tool"),
            request(6, "nope/nothing"),
            request("call-7", "tools/call", ["name": "get_status"]),
            request(8, "logging/setLevel", ["level": "info"]),
        ]
    }

    @Test(arguments: Revision.allCases)
    func revisionSessionIsAnsweredAndSchemaValid(_ revision: Revision) async throws {
        try await withTemporaryDirectory { directory in
            let sent = Self.session(revision)
            // A line that is not JSON, in the middle of the session: a parse error with id null.
            var lines = sent.map(\.line)
            lines.insert("{this is not json", at: 4)
            let run = try await runServer(in: directory, lines: lines)
            let messages = expectWellBehaved(run)

            // Every request answered exactly once, nothing else but the one parse error.
            let answers = responsesByID(messages)
            let requestIDs = sent.compactMap { $0["id"]?.line }
            #expect(Set(answers.keys) == Set(requestIDs + ["null"]), "\(run.stdoutText)")
            #expect(answers.values.allSatisfy { $0.count == 1 }, "an id was answered twice:\n\(run.stdoutText)")
            #expect(messages.count == requestIDs.count + 1)
            #expect(answers["null"]?.first?.errorCode == -32700)
            func answer(_ id: JSONValue) -> JSONValue? { answers[id.line]?.first }

            try checkHandshake(answer(0), revision: revision)
            try checkToolsList(answer(1), revision: revision)
            for id: JSONValue in [2, "call-7"] {
                let result = try #require(answer(id)?.result, "get_status (id \(id)) failed: \(String(describing: answer(id)))")
                #expect(result["isError"] == false)
                let status = try #require(result.firstTextBlockJSON, "no JSON text block in \(result)")
                #expect(status["system"]?["status"]?.stringValue != nil)
                if revision.hasStructuredOutput {
                    #expect(result["structuredContent"] == status, "structuredContent and the text block differ")
                } else {
                    #expect(result["structuredContent"] == nil, "no structuredContent before 2025-06-18")
                }
            }
            if revision.isStateless {
                #expect(answer(3)?.errorCode == -32601, "ping was removed in 2026-07-28")
                #expect(answer(8)?.errorCode == -32601, "logging/setLevel was removed in 2026-07-28")
                let unsupported = try #require(answer(9))
                #expect(unsupported.errorCode == -32022)
                #expect(unsupported["error"]?["data"]?["supported"] == ["2026-07-28"])
                #expect(unsupported["error"]?["data"]?["requested"] == "2099-01-01")
            } else {
                #expect(answer(3)?.result == [:], "ping answers {}")
                #expect(answer(8)?.result == [:], "logging/setLevel answers {}")
            }
            let toolError = try #require(answer(4)?.result, "\(String(describing: answer(4)))")
            #expect(toolError["isError"] == true)
            #expect(toolError.firstTextBlockJSON?["error"]?["code"] == "MCP_INVALID_REQUEST")
            if revision.hasStructuredOutput {
                #expect(toolError["structuredContent"] == toolError.firstTextBlockJSON)
            }
            #expect(answer(5)?.errorCode == -32602, "an unknown tool is a protocol error")
            #expect(answer(6)?.errorCode == -32601)

            var transcript = Transcript()
            transcript.record(revision: revision.rawValue, sent: sent, stdout: run.stdout)
            try await expectValidTranscript(transcript, in: directory)
        }
    }

    private func checkHandshake(_ answer: JSONValue?, revision: Revision) throws {
        let result = try #require(answer?.result, "the handshake failed: \(String(describing: answer))")
        #expect(result["capabilities"]?["tools"] != nil, "the server offers tools")
        if revision.isStateless {
            #expect(result["supportedVersions"]?.arrayValue?.contains("2026-07-28") == true)
            #expect(result["resultType"] == "complete")
            let info = result["_meta"]?["io.modelcontextprotocol/serverInfo"]
            #expect(info?["name"] == "lustores-mcp")
            #expect(info?["version"]?.stringValue?.isEmpty == false)
        } else {
            #expect(result["protocolVersion"] == .string(revision.rawValue), "initialize echoes a supported version")
            #expect(result["serverInfo"]?["name"] == "lustores-mcp")
            #expect(result["serverInfo"]?["version"]?.stringValue?.isEmpty == false)
            #expect(result["resultType"] == nil)
        }
    }

    private func checkToolsList(_ answer: JSONValue?, revision: Revision) throws {
        let result = try #require(answer?.result, "tools/list failed: \(String(describing: answer))")
        let tools = try #require(result["tools"]?.arrayValue)
        #expect(tools.compactMap { $0["name"]?.stringValue } == expectedToolNames)
        let tool = try #require(tools.first)
        // tools/list serves exactly the schemas of schemas/.
        #expect(tool["inputSchema"] == (try Self.schemaFile("get_status.input.schema.json")))
        if revision.hasStructuredOutput {
            #expect(tool["outputSchema"] == (try Self.schemaFile("get_status.output.schema.json")))
            #expect(tool["title"]?.stringValue != nil)
        } else {
            #expect(tool["outputSchema"] == nil, "no outputSchema before 2025-06-18")
            #expect(tool["title"] == nil, "no Tool.title before 2025-06-18")
        }
        if revision.hasAnnotations {
            #expect(tool["annotations"]?["readOnlyHint"] == true)
            #expect(tool["annotations"]?["openWorldHint"] == false)
        } else {
            #expect(tool["annotations"] == nil, "no annotations in 2024-11-05")
        }
        if revision.isStateless {
            #expect(result["ttlMs"]?.integerValue.map { $0 >= 0 } == true)
            #expect(result["cacheScope"]?.stringValue != nil)
        }
    }

    @Test func initializeWithAnUnknownVersionOffersTheLatestHandshakeRevision() async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runServer(in: directory, lines: [initializeRequest(1, version: "1999-01-01").line,
                                                                 initializedNotification.line, request(2, "tools/list").line])
            let answers = responsesByID(expectWellBehaved(run))
            #expect(answers["1"]?.first?.result?["protocolVersion"] == "2025-11-25")
            #expect(answers["2"]?.first?.result?["tools"] != nil)
        }
    }

    @Test func requestsBeforeInitializeAreRefused() async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runServer(in: directory, lines: [request(1, "tools/list").line, callRequest(2, "get_status").line])
            let answers = responsesByID(expectWellBehaved(run))
            #expect(answers["1"]?.first?.errorCode == -32600)
            #expect(answers["2"]?.first?.errorCode == -32600)
        }
    }

    @Test func aSecondInitializeIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runServer(in: directory, lines: [initializeRequest(1, version: "2025-06-18").line,
                                                                 initializeRequest(2, version: "2025-06-18").line])
            let answers = responsesByID(expectWellBehaved(run))
            #expect(answers["1"]?.first?.result?["protocolVersion"] == "2025-06-18")
            #expect(answers["2"]?.first?.errorCode == -32600)
        }
    }
}
