import Foundation
import JSONRPC
import Testing

/// Resources, prompts and completions through independent clients of the built binary, over stdio
/// and over `/mcp`: the official Python SDK (Tests/Interop/sdk_features.py), fastmcp's client
/// (fastmcp_client.py), and mcpscore's audit (mcpscore_check.py: every failing rule must be one of
/// the deliberate exceptions of mcpscore-exceptions.txt, which the README lists).
@Suite(.serialized) struct AssistantInteropTests {
    static let prompts: JSONValue = ["system-health-report", "sales-report", "inventory-review", "test-run", "troubleshoot"]

    static func python(_ script: String, _ arguments: [String], in directory: String) async throws -> (Completed, JSONValue?) {
        let python = try await InteropEnvironment.readyPython()
        let run = try await Subprocess.run(python, [InteropEnvironment.interopDirectory + "/" + script] + arguments,
                                           environment: InteropEnvironment.environment(directory), timeout: .seconds(600))
        let lastLine = run.stdoutText.split(separator: "\n").last.map(String.init) ?? ""
        // sdk_stdio_client.py prints its summary indented; the others print one line.
        return (run, (try? JSONParser.parse(Array(run.stdoutText.utf8))) ?? (try? JSONParser.parse(Array(lastLine.utf8))))
    }

    /// Checks what sdk_features.py or fastmcp_client.py saw.
    static func expectFeatures(_ summary: JSONValue?, _ run: Completed, sourceLocation: SourceLocation = #_sourceLocation) {
        let output = "--- stdout ---\n\(run.stdoutText)\n--- stderr ---\n\(run.stderr.suffix(6000))"
        #expect(run.exit.termination == .exited(0), "\(output)", sourceLocation: sourceLocation)
        #expect(summary?["prompts"] == prompts, "\(output)", sourceLocation: sourceLocation)
        #expect(summary?["resources"]?.arrayValue?.count == 3, "\(output)", sourceLocation: sourceLocation)
        #expect(summary?["templates"]?.arrayValue?.count == 3, "\(output)", sourceLocation: sourceLocation)
        for member in summary?["got"]?.objectValue ?? JSONObject() {
            #expect(member.value.arrayValue?.first == "resource", "a prompt embeds no facts: \(output)", sourceLocation: sourceLocation)
        }
    }

    static func stdioServer(_ directory: String) -> [String] {
        ["--", Paths.server, "serve", "--database", directory + "/store.sqlite"]
    }

    @Test(arguments: [false, true])
    func officialSDKOverStdio(stateless: Bool) async throws {
        try await withTemporaryDirectory { directory in
            let (run, summary) = try await Self.python("sdk_stdio_client.py", (stateless ? ["--stateless"] : []) + ["--features"]
                                                       + Self.stdioServer(directory), in: directory)
            Self.expectFeatures(summary?["features"], run)
            #expect(summary?["features"]?["completions"]?["test-run.test_type"]?["values"] == ["sales", "system"])
        }
    }

    @Test func fastmcpOverStdio() async throws {
        try await withTemporaryDirectory { directory in
            let (run, summary) = try await Self.python("fastmcp_client.py", ["stdio"] + Self.stdioServer(directory), in: directory)
            Self.expectFeatures(summary, run)
            #expect(summary?["dates"] == ["yesterday"])
        }
    }

    @Test func officialSDKAndFastmcpOverHTTP() async throws {
        try await withTemporaryDirectory { directory in
            let server = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": "assistant-key-0123456789"])
            #expect(await server.waitForListening())
            let url = "http://127.0.0.1:\(server.port)/mcp"
            for extra in [[], ["--stateless"]] {
                let (run, summary) = try await Self.python("sdk_http_client.py", [url, "assistant-key-0123456789", "--features"] + extra, in: directory)
                Self.expectFeatures(summary?["features"], run)
            }
            let (run, summary) = try await Self.python("fastmcp_client.py", ["http", url, "assistant-key-0123456789"], in: directory)
            Self.expectFeatures(summary, run)
            server.terminate()
            #expect(try await server.finish().0 == 0)
        }
    }

    @Test func mcpscoreFindsOnlyTheDeliberateExceptions() async throws {
        try await withTemporaryDirectory { directory in
            let (stdio, stdioSummary) = try await Self.python("mcpscore_check.py", ["stdio"] + Self.stdioServer(directory), in: directory)
            #expect(stdio.exit.termination == .exited(0), "\(stdio.stdoutText)\n\(stdio.stderr.suffix(6000))")
            #expect(stdioSummary?["unexpected"] == [])
            let server = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": "score-key-0123456789"])
            #expect(await server.waitForListening())
            let (http, httpSummary) = try await Self.python("mcpscore_check.py", ["http", "http://127.0.0.1:\(server.port)/mcp", "score-key-0123456789"],
                                                            in: directory)
            #expect(http.exit.termination == .exited(0), "\(http.stdoutText)\n\(http.stderr.suffix(6000))")
            #expect(httpSummary?["unexpected"] == [])
            server.terminate()
            #expect(try await server.finish().0 == 0)
        }
    }
}
