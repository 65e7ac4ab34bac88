import Foundation
import JSONRPC
import Testing

/// The operator's view of `lustores-mcp http`: the README's CI `curl` line verbatim, the probes,
/// and `/metrics` read by the official Prometheus client's parser.
@Suite(.serialized) struct OperationsEndToEndTests {
    static let key = "operations-test-key-0123456789"

    /// Runs `command` with `/bin/sh -c`, `KEY` and `HOST` set as the README's example expects.
    func shell(_ command: String, port: Int) async throws -> Completed {
        var environment = ProcessInfo.processInfo.environment
        environment["KEY"] = Self.key
        environment["HOST"] = "127.0.0.1:\(port)"
        return try await Subprocess.run("/bin/sh", ["-c", command], environment: environment)
    }

    /// The README's CI step, character for character.
    static let documentedCIStep = #"curl -X POST -H "Authorization: Bearer $KEY" -d '{"test_type":"unit"}' http://HOST/api/mcp/test"#

    @Test func theDocumentedCIStepWorksVerbatimAndInvalidTriesKeepTheQuota() async throws {
        let readme = try String(contentsOfFile: Paths.repositoryRoot + "/README.md", encoding: .utf8)
        #expect(readme.contains(Self.documentedCIStep))
        let server = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": Self.key, "LUSTORES_RATE_LIMIT_TEST": "2/3600"])
        #expect(await server.waitForListening())
        let verbatim = Self.documentedCIStep.replacingOccurrences(of: "http://HOST", with: "http://$HOST")
        // `unit` is not configured here: 400 naming the configured suites, and the quota untouched.
        for _ in 0..<3 {
            let answer = try await shell(verbatim + " -s -D -", port: server.port)
            #expect(answer.stdoutText.hasPrefix("HTTP/1.1 400"), "\(answer.stdoutText)")
            #expect(answer.stdoutText.contains("X-RateLimit-Remaining: 2"))
            #expect(answer.stdoutText.contains("the unit suite is not configured"))
        }
        // The same line for a configured suite starts it, through the form content type curl sends.
        let started = try await shell(verbatim.replacingOccurrences(of: "unit", with: "sales") + " -s -D -", port: server.port)
        #expect(started.stdoutText.hasPrefix("HTTP/1.1 202"), "\(started.stdoutText)")
        #expect(started.stdoutText.contains("X-RateLimit-Remaining: 1"))
        // A body that is not JSON, declared as a form, is 415 and does not count either.
        let form = try await shell(#"curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $KEY" -d 'test_type=sales' http://$HOST/api/mcp/test"#,
                                   port: server.port)
        #expect(form.stdoutText == "415")
        let again = try await shell(verbatim.replacingOccurrences(of: "unit", with: "system") + " -s -D -", port: server.port)
        #expect(again.stdoutText.contains("X-RateLimit-Remaining: 0"), "\(again.stdoutText)")
        server.terminate()
        _ = try await server.finish()
    }

    @Test func probesAnswerWithoutAKeyAndMetricsParseAndMove() async throws {
        let python = try await InteropEnvironment.readyPython()
        let server = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": Self.key])
        #expect(await server.waitForListening())
        let port = server.port
        let health = try await shell("curl -s -w ' %{http_code}' http://$HOST/healthz", port: port)
        #expect(health.stdoutText == #"{"status":"alive"} 200"#)
        let ready = try await shell("curl -s -w ' %{http_code}' http://$HOST/readyz", port: port)
        #expect(ready.stdoutText == #"{"status":"ready"} 200"#)
        let anonymous = try await shell("curl -s -o /dev/null -w '%{http_code}' http://$HOST/metrics", port: port)
        #expect(anonymous.stdoutText == "401")

        func scrape() async throws -> [String: Double] {
            let command = #"curl -s -H "Authorization: Bearer $KEY" http://$HOST/metrics | "# + python + " "
                + Paths.repositoryRoot + "/Tests/Interop/parse_metrics.py"
            let parsed = try await shell(command, port: port)
            #expect(parsed.exit.termination.status == 0, "\(parsed.stderr)")
            let object = try JSONParser.parse(Array(parsed.stdout))
            var samples: [String: Double] = [:]
            for (name, value) in object["samples"]?.objectValue ?? JSONObject() { samples[name] = value.doubleValue }
            return samples
        }
        let before = try await scrape()
        #expect(before["lustores_database_up{}"] == 1)
        #expect((before["process_resident_memory_bytes{}"] ?? 0) > 0)
        #expect((before["process_open_fds{}"] ?? 0) > 0)
        #expect((before["process_start_time_seconds{}"] ?? 0) > 1_600_000_000)
        #expect(before["lustores_auth_failures_total{}"] == 1)
        let statusRoute = "lustores_http_requests_total{code=200,method=GET,route=/api/mcp/status}"
        let toolCalls = "lustores_tool_calls_total{code=ok,tool=get_status,transport=rest}"
        _ = try await shell(#"curl -s -H "Authorization: Bearer $KEY" http://$HOST/api/mcp/status"#, port: port)
        _ = try await shell(#"curl -s -H "Authorization: Bearer $KEY" http://$HOST/api/mcp/status"#, port: port)
        _ = try await shell(#"curl -s -H "Authorization: Bearer wrong-key-0123456789" http://$HOST/api/mcp/status"#, port: port)
        _ = try await shell(#"curl -s -H "Authorization: Bearer $KEY" http://$HOST/api/mcp/test/test_0000000000000000"#, port: port)
        let after = try await scrape()
        #expect(after[statusRoute] == (before[statusRoute] ?? 0) + 2)
        #expect(after[toolCalls] == (before[toolCalls] ?? 0) + 2)
        #expect(after["lustores_auth_failures_total{}"] == 2)
        // The id in the path is counted under the route's template, never as itself.
        #expect(after["lustores_http_requests_total{code=404,method=GET,route=/api/mcp/test/{execution_id}}"] == 1)
        #expect(!after.keys.contains { $0.contains("test_0000000000000000") })
        // Two answered and one refused 401, all three timed under the route.
        #expect(after["lustores_http_request_duration_seconds_count{method=GET,route=/api/mcp/status}"] == 3)
        server.terminate()
        _ = try await server.finish()
    }
}
