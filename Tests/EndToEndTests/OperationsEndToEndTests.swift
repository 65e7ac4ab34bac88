import Foundation
import JSONRPC
import Testing

/// One request to the shim on 127.0.0.1:`port` with `key` (and `headers`); the raw answer. A
/// `mcpTool` makes it a `/mcp` `tools/call` of that tool (2026-07-28, stateless).
private func send(_ port: Int, _ method: String, _ target: String, key: String?, body: String = "",
                  headers: [String] = [], mcpTool: String? = nil) async -> String {
    var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost:\(port)\r\nConnection: close\r\n"
    if let key { head += "Authorization: Bearer \(key)\r\n" }
    for header in headers { head += header + "\r\n" }
    if !body.isEmpty || method == "POST" { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
    if let mcpTool {
        head += "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\nMcp-Name: \(mcpTool)\r\n"
    }
    return await rawExchange(port: port, head + "\r\n" + body)
}

private func status(_ answer: String) -> Int { Int(answer.split(separator: " ").dropFirst().first ?? "") ?? 0 }

private func body(_ answer: String) -> JSONValue? {
    guard let range = answer.range(of: "\r\n\r\n") else { return nil }
    return try? JSONParser.parse(Array(answer[range.upperBound...].utf8))
}

/// A `/mcp` `tools/call` body.
private func toolCall(_ id: Int, _ tool: String, _ arguments: JSONValue) -> String {
    statelessRequest(.integer(Int64(id)), "tools/call", ["name": .string(tool), "arguments": arguments]).line
}

/// Fails the test for every key in `keys` that appears in any of `written` (named by `where`).
func expectNoKey(_ keys: [String], in written: [(where: String, text: String)]) {
    for key in keys {
        for (place, text) in written { #expect(!text.contains(key), "a key appears in \(place)") }
    }
}

/// The operator's view of `lustores-mcp http`: the README's CI `curl` line verbatim, the
/// test-execution quota over REST and `/mcp`, the probes, and `/metrics` read by the official
/// Prometheus client's parser with keys of each scope.
@Suite(.serialized) struct OperationsEndToEndTests {
    static let key = "operations-test-key-0123456789"

    /// Runs `command` with `/bin/sh -c`, `KEY` and `HOST` set as the README's example expects.
    func shell(_ command: String, port: Int, key: String = Self.key) async throws -> Completed {
        var environment = ProcessInfo.processInfo.environment
        environment["KEY"] = key
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
        var answers: [Completed] = []
        // `unit` is not configured here: 400 naming the configured suites, and the quota untouched.
        for _ in 0..<3 {
            let answer = try await shell(verbatim + " -s -D -", port: server.port)
            answers.append(answer)
            #expect(answer.stdoutText.hasPrefix("HTTP/1.1 400"), "\(answer.stdoutText)")
            #expect(answer.stdoutText.contains("X-RateLimit-Remaining: 2"))
            #expect(answer.stdoutText.contains(#"test_type: must be one of \"sales\", \"system\""#))
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
        let (code, log) = try await server.finish()
        #expect(code == 0)
        expectNoKey([Self.key], in: [("the server's stderr", log), ("the server's stdout", String(decoding: server.child.stdout?.bytes ?? [], as: UTF8.self))]
                    + (answers + [started, form, again]).map { ("curl's output", $0.stdoutText + $0.stderr) })
    }

    /// `run_tests` over `/mcp` counts against the same quota as `POST /api/mcp/test`, by the same
    /// rule: rejected as invalid, it gives its count back.
    @Test func runTestsOverMCPSharesTheQuotaAndItsRefundRule() async throws {
        let server = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": Self.key, "LUSTORES_RATE_LIMIT_TEST": "1/3600"])
        #expect(await server.waitForListening())
        let port = server.port
        for id in 1...3 {
            let invalid = await send(port, "POST", "/mcp", key: Self.key, body: toolCall(id, "run_tests", ["test_type": "unit"]), mcpTool: "run_tests")
            #expect(status(invalid) == 200, "\(invalid)")
            #expect(body(invalid)?["result"]?["isError"] == true, "\(invalid)")
        }
        let restInvalid = await send(port, "POST", "/api/mcp/test", key: Self.key, body: #"{"test_type":"unit"}"#)
        #expect(status(restInvalid) == 400 && restInvalid.contains("X-RateLimit-Remaining: 1"), "\(restInvalid)")
        let started = await send(port, "POST", "/mcp", key: Self.key, body: toolCall(4, "run_tests", ["test_type": "sales"]), mcpTool: "run_tests")
        #expect(body(started)?["result"]?["isError"] == false, "\(started)")
        // The one place is used: by /mcp, so REST is refused too, and /mcp again.
        let rest = await send(port, "POST", "/api/mcp/test", key: Self.key, body: #"{"test_type":"system"}"#)
        #expect(status(rest) == 429 && rest.contains("X-RateLimit-Remaining: 0"), "\(rest)")
        let mcp = await send(port, "POST", "/mcp", key: Self.key, body: toolCall(5, "run_tests", ["test_type": "system"]), mcpTool: "run_tests")
        #expect(status(mcp) == 429, "\(mcp)")
        server.terminate()
        _ = try await server.finish()
    }

    @Test func probesMetricsAndKeysOfEachScope() async throws {
        let python = try await InteropEnvironment.readyPython()
        try await withTemporaryDirectory { directory in
            // Keys of each scope the tests need: metrics only, status and data, tests.
            var keys: [String: (key: String, line: String)] = [:]
            var keyOutputs: [Completed] = []
            for (name, scopes) in [("scraper", "metrics"), ("reader", "status,data"), ("ci", "tests:run,tests:read")] {
                let made = try await runCommand(in: directory, ["keys", "new", "--name", name, "--scopes", scopes])
                #expect(made.exit.termination.status == 0, "\(made.stderr)")
                let lines = made.stdoutText.split(separator: "\n").map(String.init)
                try #require(lines.count == 2)
                keys[name] = (lines[0], lines[1])
                keyOutputs.append(made)
            }
            let scraper = keys["scraper"]!.key, reader = keys["reader"]!.key, ci = keys["ci"]!.key
            let wrongKey = "lus_not-a-key-of-this-server-at-all"
            let keysFile = directory + "/keys", audit = directory + "/audit.log", config = directory + "/config.json"
            #expect(FileManager.default.createFile(atPath: keysFile, contents: Data(keys.values.map { $0.line + "\n" }.joined().utf8),
                                                   attributes: [.posixPermissions: 0o600]))
            #expect(FileManager.default.createFile(atPath: config, contents: Data(
                #"{"api_keys_file":"\#(keysFile)","audit_log":"\#(audit)"}"#.utf8)))
            let server = try HTTPProcess(arguments: ["--config", config], environment: ["LUSTORES_RATE_LIMIT_STATUS": "3/3600"])
            #expect(await server.waitForListening(), "\(server.stderrText)")
            let port = server.port
            var written: [(where: String, text: String)] = []

            let health = try await shell("curl -s -w ' %{http_code}' http://$HOST/healthz", port: port)
            #expect(health.stdoutText == #"{"status":"alive"} 200"#)
            let ready = try await shell("curl -s -w ' %{http_code}' http://$HOST/readyz", port: port)
            #expect(ready.stdoutText == #"{"status":"ready"} 200"#)

            // /metrics: no key 401, a wrong key 401, a key without the scope 403 MCP_FORBIDDEN.
            #expect(status(await send(port, "GET", "/metrics", key: nil)) == 401)
            #expect(status(await send(port, "GET", "/metrics", key: wrongKey)) == 401)
            for key in [reader, ci] {
                let refused = await send(port, "GET", "/metrics", key: key)
                #expect(status(refused) == 403)
                #expect(body(refused)?["error"]?["code"] == "MCP_FORBIDDEN")
                #expect(body(refused)?["error"]?["details"]?["scope"] == "metrics")
                written.append(("an answer", refused))
            }
            // …and the metrics key opens nothing else.
            let notStatus = await send(port, "GET", "/api/mcp/status", key: scraper)
            #expect(status(notStatus) == 403 && body(notStatus)?["error"]?["details"]?["scope"] == "status")

            func scrape() async throws -> [String: Double] {
                let command = #"curl -s -H "Authorization: Bearer $KEY" http://$HOST/metrics | "# + python + " "
                    + Paths.repositoryRoot + "/Tests/Interop/parse_metrics.py"
                let parsed = try await shell(command, port: port, key: scraper)
                #expect(parsed.exit.termination.status == 0, "\(parsed.stderr)")
                written.append(("the parsed exposition", parsed.stdoutText + parsed.stderr))
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
            #expect(before["lustores_auth_failures_total{}"] == 2)
            #expect(before["lustores_rate_limited_total{limit=status}"] == 0)
            #expect(before["lustores_http_requests_total{code=403,method=GET,route=/metrics}"] == 2)
            #expect(before["lustores_http_requests_total{code=403,method=GET,route=/api/mcp/status}"] == 1)

            let statusRoute = "lustores_http_requests_total{code=200,method=GET,route=/api/mcp/status}"
            let restCalls = "lustores_tool_calls_total{code=ok,tool=get_status,transport=rest}"
            let mcpCalls = "lustores_tool_calls_total{code=ok,tool=get_status,transport=mcp}"
            // Four status calls against a limit of three: three answered, one 429.
            for _ in 0..<4 { _ = await send(port, "GET", "/api/mcp/status", key: reader) }
            _ = await send(port, "GET", "/api/mcp/status", key: wrongKey)
            _ = await send(port, "GET", "/api/mcp/test/test_0000000000000000", key: ci)
            // A forged X-Forwarded-For from a peer that is not a trusted proxy changes nothing.
            _ = await send(port, "GET", "/api/mcp/sales?limit=1", key: reader, headers: ["X-Forwarded-For: 203.0.113.9"])
            let run = await send(port, "POST", "/api/mcp/test", key: ci, body: #"{"test_type":"sales"}"#)
            let id = body(run)?["execution_id"]?.stringValue ?? ""
            let finished = await send(port, "GET", "/api/mcp/test/\(id)?wait_seconds=30", key: ci)
            #expect(body(finished)?["status"] == "completed", "\(finished)")
            let overMCP = await send(port, "POST", "/mcp", key: reader, body: toolCall(1, "get_sales", ["limit": 1]), mcpTool: "get_sales")
            #expect(body(overMCP)?["result"]?["isError"] == false, "\(overMCP)")

            let after = try await scrape()
            #expect(after[statusRoute] == (before[statusRoute] ?? 0) + 3)
            #expect(after["lustores_http_requests_total{code=429,method=GET,route=/api/mcp/status}"] == 1)
            #expect(after["lustores_http_requests_total{code=401,method=GET,route=/api/mcp/status}"] == 1)
            #expect(after[restCalls] == (before[restCalls] ?? 0) + 3)
            #expect(after[mcpCalls] == nil)
            #expect(after["lustores_tool_calls_total{code=ok,tool=get_sales,transport=mcp}"] == 1)
            #expect(after["lustores_tool_calls_total{code=MCP_NOT_FOUND,tool=get_test_result,transport=rest}"] == 1)
            #expect(after["lustores_auth_failures_total{}"] == 3)
            #expect(after["lustores_rate_limited_total{limit=status}"] == 1)
            #expect(after["lustores_test_executions_total{status=completed,type=sales}"] == 1)
            #expect(after["lustores_test_executions_running{}"] == 0)
            // The id in the path is counted under the route's template, never as itself.
            #expect(after["lustores_http_requests_total{code=404,method=GET,route=/api/mcp/test/{execution_id}}"] == 1)
            #expect(!after.keys.contains { $0.contains("test_0000000000000000") || $0.contains(id) })
            // Four answered and one refused 401, all five timed under the route.
            #expect(after["lustores_http_request_duration_seconds_count{method=GET,route=/api/mcp/status}"] == 6)
            #expect(after["lustores_http_request_duration_seconds_bucket{le=+Inf,method=GET,route=/api/mcp/status}"] == 6)

            // The audit log names the socket's address, not the forged one.
            let lines = ((try? String(contentsOfFile: audit, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { try? JSONParser.parse(Array($0.utf8)) }
            #expect(lines.contains { $0["tool"] == "get_sales" && $0["transport"] == "rest" })
            #expect(lines.contains { $0["event"] == "auth_failed" })
            for line in lines { #expect(line["address"] == "127.0.0.1", "\(line)") }

            server.terminate()
            let (code, log) = try await server.finish()
            #expect(code == 0)
            written += [("the server's stderr", log), ("the server's stdout", String(decoding: server.child.stdout?.bytes ?? [], as: UTF8.self)),
                        ("the audit log", (try? String(contentsOfFile: audit, encoding: .utf8)) ?? ""),
                        ("curl's output", health.stdoutText + ready.stdoutText)]
            written += keyOutputs.map { ("keys new's stderr", $0.stderr) }
            expectNoKey([scraper, reader, ci, wrongKey], in: written)
        }
    }
}
