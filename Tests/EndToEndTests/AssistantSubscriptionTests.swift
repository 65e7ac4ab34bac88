import Foundation
import JSONRPC
import Testing

/// Resource subscriptions of the built binary on stdio: an execution's resources are updated when
/// it ends, and `lustores://status` when the health status changes. Every message the server
/// wrote is validated against the revision's official schema.
@Suite struct AssistantSubscriptionTests {
    /// A suite that runs until the test creates `DIRECTORY/go`, so the test can subscribe first.
    static func releasedConfig(_ directory: String) throws -> String {
        let config: JSONValue = ["test_suites": ["e2e": [
            "command": ["/bin/sh", "-c", .string("while [ ! -e '\(directory)/go' ]; do sleep 0.05; done; echo released")],
        ]]]
        let path = directory + "/config.json"
        try JSONWriter.string(config).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func messages(_ bytes: [UInt8]) -> [JSONValue] { parsedLines(bytes).compactMap { $0 } }

    static func updated(_ uri: String, in bytes: [UInt8]) -> Bool {
        messages(bytes).contains { $0["method"] == "notifications/resources/updated" && $0["params"]?["uri"] == .string(uri) }
    }

    @Test(arguments: [Revision.v2025_11_25, .v2026_07_28])
    func anExecutionsEndAndAHealthChangeReachSubscribers(_ revision: Revision) async throws {
        try await withTemporaryDirectory { directory in
            let server = try startServer(in: directory, arguments: ["--config", try Self.releasedConfig(directory)])
            defer { Task { await server.kill() } }
            let output = try #require(server.stdout)
            var sent: [JSONValue] = []
            func send(_ message: JSONValue) async {
                sent.append(message)
                _ = await server.send(message.line + "\n")
            }
            func answered(_ id: JSONValue) async -> JSONValue? {
                _ = await output.wait(within: .seconds(60)) { bytes in Self.messages(bytes).contains { $0["id"] == id } }
                return Self.messages(output.bytes).first { $0["id"] == id }
            }
            func make(_ id: JSONValue, _ method: String, _ params: JSONValue = [:]) -> JSONValue {
                revision.isStateless ? statelessRequest(id, method, params) : request(id, method, params)
            }
            if !revision.isStateless {
                await send(initializeRequest(0, version: revision.rawValue))
                await send(initializedNotification)
            }
            // The health baseline is set by this first status.
            await send(make(1, "tools/call", ["name": "get_status", "arguments": [:]]))
            let started = try #require(await answered(1))
            #expect(started["result"]?["isError"] == false)
            await send(make(2, "tools/call", ["name": "run_tests", "arguments": ["test_type": "e2e"]]))
            let run = try #require(await answered(2)?["result"]?["structuredContent"], "run_tests did not start")
            let id = try #require(run["execution_id"]?.stringValue)
            let uris = ["lustores://tests/\(id)", "lustores://tests/\(id)/output", "lustores://tests/latest", "lustores://status"]
            if revision.isStateless {
                await send(statelessRequest("listen", "subscriptions/listen",
                                            ["notifications": ["resourceSubscriptions": .array(uris.map { .string($0) })]]))
                #expect(await output.wait(within: .seconds(60)) { bytes in
                    Self.messages(bytes).contains { $0["method"] == "notifications/subscriptions/acknowledged" }
                })
            } else {
                for (offset, uri) in uris.enumerated() {
                    await send(request(.integer(Int64(10 + offset)), "resources/subscribe", ["uri": .string(uri)]))
                    #expect(await answered(.integer(Int64(10 + offset)))?["result"] == [:])
                }
            }
            #expect(FileManager.default.createFile(atPath: directory + "/go", contents: Data()))
            for uri in uris.dropLast() {
                #expect(await output.wait(within: .seconds(60)) { Self.updated(uri, in: $0) }, "no update of \(uri)")
            }
            await send(make(3, "resources/read", ["uri": .string("lustores://tests/\(id)/output")]))
            let tail = await answered(3)?["result"]?["contents"]?.arrayValue?.first?["text"]?.stringValue
            #expect(tail?.contains("released") == true)

            // The database file goes: the next status is unhealthy, and subscribers hear of it.
            #expect(!Self.updated("lustores://status", in: output.bytes))
            try FileManager.default.removeItem(atPath: directory + "/store.sqlite")
            await send(make(4, "tools/call", ["name": "get_status", "arguments": [:]]))
            let unhealthy = await answered(4)?["result"]?["structuredContent"]?["system"]?["status"]
            #expect(unhealthy == "unhealthy")
            #expect(await output.wait(within: .seconds(60)) { Self.updated("lustores://status", in: $0) })

            server.closeInput()
            #expect(await server.waitForExit(within: .seconds(60)) != nil)
            // A listen stream's notifications answer the listen request named by their subscriptionId.
            var transcript = Transcript()
            for message in Self.messages(output.bytes) {
                let key = message["id"] ?? message["params"]?["_meta"]?["io.modelcontextprotocol/subscriptionId"]
                let request = key.flatMap { key in sent.first { $0["id"] == key && $0["method"] != nil } }
                transcript.append(revision: revision.rawValue, request: request, message: message)
            }
            try await expectValidTranscript(transcript, in: directory)
        }
    }
}
