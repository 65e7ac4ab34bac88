import Foundation
import Testing

@Suite(.serialized) struct HTTPInteropTests {
    /// The official Python SDK's Streamable HTTP client against /mcp, in both eras.
    @Test(arguments: [[], ["--stateless"]])
    func officialSDKStreamableHTTPClient(_ extra: [String]) async throws {
        let python = try await InteropEnvironment.readyPython()
        let server = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": "sdk-key-0123456789"])
        #expect(await server.waitForListening())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [Paths.repositoryRoot + "/Tests/Interop/sdk_http_client.py",
                             "http://127.0.0.1:\(server.port)/mcp", "sdk-key-0123456789"] + extra
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = await onThread { () -> String in
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(process.terminationStatus == 0, "\(text)")
        let summary = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(summary?["protocolVersion"] as? String == (extra.isEmpty ? "2025-11-25" : "2026-07-28"))
        #expect((summary?["tools"] as? [String])?.contains("get_status") == true)
        let call = summary?["call"] as? [String: Any]
        #expect(call?["isError"] as? Bool == false)
        #expect(((call?["structuredContent"] as? [String: Any])?["system"] as? [String: Any])?["status"] != nil)
        server.terminate()
        #expect(try await server.finish().0 == 0)
    }

    /// schemathesis (PyPI) against schemas/openapi.json and the live binary: every check on the
    /// REST routes, every check but positive data acceptance on /mcp (Tests/Interop/schemathesis.sh).
    @Test func schemathesisFindsNoFailures() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Paths.repositoryRoot + "/Tests/Interop/schemathesis.sh", productBinary().path, "25"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = await onThread { () -> String in
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(process.terminationStatus == 0, "\(text.suffix(3000))")
        #expect(text.components(separatedBy: " passed").count >= 3)
    }
}
