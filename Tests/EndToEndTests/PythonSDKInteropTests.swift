import JSONRPC
import Testing

/// The official Python MCP SDK (`mcp` on PyPI) as the client of the built binary, through
/// Tests/Interop/sdk_stdio_client.py, in the handshake era and in stateless 2026-07-28.
@Suite struct PythonSDKInteropTests {
    static func runClient(stateless: Bool, in directory: String) async throws -> (Completed, JSONValue?) {
        let python = try await InteropEnvironment.readyPython()
        try Paths.requireServer()
        let arguments = [InteropEnvironment.interopDirectory + "/sdk_stdio_client.py"] + (stateless ? ["--stateless"] : [])
            + ["--timeout", "90", "--", Paths.server, "serve", "--database", directory + "/store.sqlite"]
        let run = try await Subprocess.run(python, arguments, environment: InteropEnvironment.environment(directory),
                                           timeout: .seconds(150))
        return (run, try? JSONParser.parse(run.stdoutText))
    }

    @Test(arguments: [false, true])
    func sdkClientConnectsListsToolsAndCallsGetStatus(stateless: Bool) async throws {
        try await withTemporaryDirectory { directory in
            let (run, summary) = try await Self.runClient(stateless: stateless, in: directory)
            let transcript = "--- stdout ---\n\(run.stdoutText)\n--- stderr ---\n\(run.stderr)"
            #expect(run.exit.termination == .exited(0), "sdk_stdio_client.py failed:\n\(transcript)")
            let report = try #require(summary, "the client printed no JSON summary:\n\(transcript)")
            #expect(report["protocolVersion"] == (stateless ? "2026-07-28" : "2025-11-25"), "\(transcript)")
            #expect(report["problems"] == [], "\(transcript)")
            #expect(report["serverInfo"]?["name"] == "lustores-mcp")
            #expect(report["tools"] == .array(expectedToolNames.map { .string($0) }))
            if stateless {
                #expect(report["discover"]?["supportedVersions"]?.arrayValue?.contains("2026-07-28") == true)
            }
            let call = try #require(report["call"], "\(transcript)")
            #expect(call["isError"] == false)
            let status = try #require(call["structuredContent"]?.objectValue, "no structuredContent:\n\(transcript)")
            #expect(status["system"]?["version"] == report["serverInfo"]?["version"])
            #expect(status["database"]?["connected"] == true)
            #expect(["healthy", "degraded"].contains(status["system"]?["status"]?.stringValue ?? ""))
        }
    }
}
