import Foundation
import JSONRPC
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// One REST or `/mcp` exchange with `key`; the raw answer.
private func call(_ port: Int, _ method: String, _ target: String, key: String, body: String = "",
                  mcpMethod: String? = nil, mcpName: String? = nil) async -> String {
    var head = "\(method) \(target) HTTP/1.1\r\nHost: localhost:\(port)\r\nAuthorization: Bearer \(key)\r\nConnection: close\r\n"
    if !body.isEmpty || method == "POST" { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
    if let mcpMethod {
        head += "Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\nMcp-Method: \(mcpMethod)\r\n"
        if let mcpName { head += "Mcp-Name: \(mcpName)\r\n" }
    }
    return await rawExchange(port: port, head + "\r\n" + body)
}

private func statusCode(_ answer: String) -> Int { Int(answer.split(separator: " ").dropFirst().first ?? "") ?? 0 }

private func answerBody(_ answer: String) -> JSONValue? {
    guard let range = answer.range(of: "\r\n\r\n") else { return nil }
    return try? JSONParser.parse(Array(answer[range.upperBound...].utf8))
}

/// `tools/list` over `/mcp` (2026-07-28) with `key`: the tool names shown.
private func listedTools(_ port: Int, key: String) async -> [String] {
    let answer = await call(port, "POST", "/mcp", key: key, body: statelessRequest(1, "tools/list").line, mcpMethod: "tools/list")
    return answerBody(answer)?["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
}

/// The JSON lines of the audit file at `path`.
private func auditLines(_ path: String) -> [JSONValue] {
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap { try? JSONParser.parse(Array($0.utf8)) }
}

@Suite(.serialized) struct KeysAndAuditTests {
    /// `keys new` twice, the printed keys and a plaintext one behind the shim: each scope against
    /// each route and tool, REST and `/mcp`; the audit lines of calls and of a failed login; the
    /// file reopened on SIGHUP; and no key anywhere the processes wrote.
    @Test func scopedKeysAuditAndHangUp() async throws {
        try await withTemporaryDirectory { directory in
            let reader = try await runCommand(in: directory, ["keys", "new", "--name", "reader", "--scopes", "data,status"])
            let runner = try await runCommand(in: directory, ["keys", "new", "--name", "ci", "--scopes", "tests:run,tests:read"])
            let outputs = [reader, runner]
            for output in outputs {
                #expect(output.exit.termination.status == 0, "\(output.stderr)")
                #expect(output.stdoutText.split(separator: "\n").count == 2)
            }
            let readerLines = reader.stdoutText.split(separator: "\n").map(String.init)
            let runnerLines = runner.stdoutText.split(separator: "\n").map(String.init)
            let readerKey = readerLines[0], runnerKey = runnerLines[0]
            #expect(readerKey.range(of: #"^lus_[A-Za-z0-9_-]{43}$"#, options: .regularExpression) != nil)
            #expect(readerLines[1].range(of: #"^name=reader scopes=status,data sha256=[0-9a-f]{64}$"#, options: .regularExpression) != nil)
            #expect(runnerLines[1].hasPrefix("name=ci scopes=tests:run,tests:read sha256="))
            #expect(readerKey != runnerKey)
            let plaintextKey = "plaintext-key-0123456789"
            let wrongKey = "lus_not-a-key-of-this-server-at-all"
            let keysFile = directory + "/keys"
            let audit = directory + "/audit.log"
            #expect(FileManager.default.createFile(atPath: keysFile, contents: Data(
                "# e2e\n\(readerLines[1])\n\(runnerLines[1])\n\(plaintextKey)\n".utf8), attributes: [.posixPermissions: 0o600]))
            let config = directory + "/config.json"
            #expect(FileManager.default.createFile(atPath: config, contents: Data(
                #"{"api_keys_file":"\#(keysFile)","audit_log":"\#(audit)"}"#.utf8)))
            let server = try HTTPProcess(arguments: ["--config", config])
            #expect(await server.waitForListening(), "\(server.stderrText)")
            let port = server.port
            #expect(server.stderrText.contains("API key(s) key-3 are plaintext"))

            // REST: every route with every key; the scope decides 403 or not.
            let routes: [(String, String, String, String)] = [
                ("GET", "/api/mcp/status", "", "status"), ("GET", "/api/mcp/sales?limit=1", "", "data"),
                ("GET", "/api/mcp/inventory?limit=1", "", "data"), ("POST", "/api/mcp/test", #"{"test_type":"system"}"#, "tests:run"),
                ("GET", "/api/mcp/test/test_none", "", "tests:read"),
            ]
            let scopes: [(String, Set<String>)] = [(readerKey, ["status", "data"]), (runnerKey, ["tests:run", "tests:read"]),
                                                   (plaintextKey, ["status", "data", "tests:run", "tests:read"])]
            for (key, allowed) in scopes {
                for (method, target, body, scope) in routes {
                    let answer = await call(port, method, target, key: key, body: body)
                    if allowed.contains(scope) {
                        #expect(![401, 403].contains(statusCode(answer)), "\(method) \(target): \(answer.prefix(200))")
                    } else {
                        #expect(statusCode(answer) == 403, "\(method) \(target)")
                        #expect(answerBody(answer)?["error"]?["code"]?.stringValue == "MCP_FORBIDDEN")
                        #expect(answerBody(answer)?["error"]?["details"]?["scope"]?.stringValue == scope)
                    }
                }
            }
            // /mcp: tools/list shows only the key's tools; calling another is MCP_FORBIDDEN.
            #expect(await listedTools(port, key: readerKey) == ["get_status", "get_sales", "analyze_sales", "get_inventory", "analyze_inventory", "get_charge_codes"])
            #expect(await listedTools(port, key: runnerKey) == ["run_tests", "get_test_result"])
            #expect(await listedTools(port, key: plaintextKey).count == 8)
            let forbidden = await call(port, "POST", "/mcp", key: runnerKey,
                                       body: statelessRequest(7, "tools/call", ["name": "get_sales", "arguments": ["limit": 1]]).line,
                                       mcpMethod: "tools/call", mcpName: "get_sales")
            #expect(statusCode(forbidden) == 403)
            #expect(answerBody(forbidden)?["id"] == 7)
            #expect(answerBody(forbidden)?["error"]?["data"]?["error"]?["code"]?.stringValue == "MCP_FORBIDDEN")
            let allowed = await call(port, "POST", "/mcp", key: readerKey,
                                     body: statelessRequest(8, "tools/call", ["name": "get_sales", "arguments": ["limit": 1]]).line,
                                     mcpMethod: "tools/call", mcpName: "get_sales")
            #expect(answerBody(allowed)?["result"]?["isError"] == false, "\(allowed.prefix(300))")
            let refused = await call(port, "GET", "/api/mcp/status", key: wrongKey)
            #expect(statusCode(refused) == 401)

            // The audit log so far: one line per REST call and /mcp tools/call, and the failed login.
            let lines = auditLines(audit)
            let calls = lines.filter { $0["event"] == "call" }
            #expect(calls.filter { $0["transport"] == "rest" }.count == routes.count * scopes.count)
            #expect(calls.contains { $0["transport"] == "rest" && $0["key"] == "reader" && $0["tool"] == "get_sales"
                                     && $0["arguments"]?["limit"] == 1 && $0["outcome"] == "ok" && $0["status"] == 200 })
            #expect(calls.contains { $0["key"] == "ci" && $0["route"] == "GET /api/mcp/status" && $0["outcome"] == "MCP_FORBIDDEN" })
            #expect(calls.contains { $0["transport"] == "mcp" && $0["key"] == "ci" && $0["tool"] == "get_sales" && $0["outcome"] == "MCP_FORBIDDEN" })
            #expect(calls.contains { $0["transport"] == "mcp" && $0["key"] == "reader" && $0["tool"] == "get_sales" && $0["outcome"] == "ok" })
            for line in lines {
                #expect(line["address"] == "127.0.0.1")
                #expect(line["time"]?.stringValue != nil && line["transport"]?.stringValue != nil && line["outcome"]?.stringValue != nil)
            }
            for line in calls where line["transport"] == "rest" { #expect(line["duration_ms"]?.doubleValue != nil) }
            let failed = lines.filter { $0["event"] == "auth_failed" }
            #expect(failed.count == 1)
            #expect(failed.first?["key"] == .null && failed.first?["route"] == "GET /api/mcp/status")

            // logrotate: move the file, SIGHUP, and later lines go to a new file at the path.
            let rotated = directory + "/audit.log.1"
            try FileManager.default.moveItem(atPath: audit, toPath: rotated)
            server.child.signal(SIGHUP)
            #expect(await server.child.stderr.wait(within: .seconds(60)) { String(decoding: $0, as: UTF8.self).contains("reopened") })
            _ = await call(port, "GET", "/api/mcp/status", key: readerKey)
            let fresh = auditLines(audit)
            #expect(fresh.count == 1 && fresh.first?["route"] == "GET /api/mcp/status" && fresh.first?["key"] == "reader")
            #expect(auditLines(rotated).count == lines.count)

            server.terminate()
            let (code, log) = try await server.finish()
            #expect(code == 0)
            // No key in anything the processes wrote: stderr of all three, the audit files.
            let written = [log, reader.stderr, runner.stderr, try String(contentsOfFile: audit, encoding: .utf8),
                           try String(contentsOfFile: rotated, encoding: .utf8)]
            for key in [readerKey, runnerKey, plaintextKey, wrongKey] {
                for text in written { #expect(!text.contains(key)) }
            }
        }
    }

    @Test func shortKeysAreRefusedAtStartUpNamingNoKey() async throws {
        let server = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": "long-enough-key-0123456789, short-one"])
        let (status, text) = try await server.finish()
        #expect(status == 2)
        #expect(text.contains("LUSTORES_API_KEYS: API key key-2 is shorter than 16 characters"))
        #expect(!text.contains("short-one") && !text.contains("long-enough-key"))
    }

    @Test func keysNewRefusesBadNamesAndScopes() async throws {
        try await withTemporaryDirectory { directory in
            let badScope = try await runCommand(in: directory, ["keys", "new", "--name", "x", "--scopes", "data,admin"])
            #expect(badScope.exit.termination.status == 2 && badScope.stderr.contains("unknown scope admin"))
            #expect(badScope.stdout.isEmpty)
            let badName = try await runCommand(in: directory, ["keys", "new", "--name", "a b", "--scopes", "data"])
            #expect(badName.exit.termination.status == 2 && badName.stdout.isEmpty)
        }
    }

    /// `--read-only` on stdio (list and call), REST (404) and `/mcp` (list); and the stdio audit
    /// line of `run_tests` when it is served.
    @Test func readOnlyRemovesRunTestsEverywhereAndStdioAuditsRunTests() async throws {
        try await withTemporaryDirectory { directory in
            let audit = directory + "/stdio-audit.log"
            let lines = [initializeRequest(0, version: "2025-06-18").line, notification("notifications/initialized").line,
                         request(1, "tools/list").line, callRequest(2, "run_tests", ["test_type": "system"]).line,
                         callRequest(3, "get_status").line]
            let readOnly = try await runServer(in: directory, lines: lines, arguments: ["--read-only"],
                                               environment: ["LUSTORES_AUDIT_LOG": audit])
            let answers = responsesByID(expectJSONLines(readOnly.stdout))
            let names = answers["1"]?.first?["result"]?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names == ["get_status", "get_sales", "analyze_sales", "get_inventory", "get_test_result", "analyze_inventory", "get_charge_codes"])
            #expect(answers["2"]?.first?["error"] != nil, "run_tests is an unknown tool")
            #expect(auditLines(audit).isEmpty, "get_status over stdio is not audited; run_tests never ran")

            let served = try await runServer(in: directory, lines: lines, environment: ["LUSTORES_AUDIT_LOG": audit])
            #expect(responsesByID(expectJSONLines(served.stdout))["2"]?.first?["result"]?["isError"] == false)
            let recorded = auditLines(audit)
            #expect(recorded.count == 1)
            #expect(recorded.first?["transport"] == "stdio" && recorded.first?["tool"] == "run_tests"
                    && recorded.first?["arguments"]?["test_type"] == "system" && recorded.first?["outcome"] == "ok"
                    && recorded.first?["key"] == .null)

            let key = "read-only-key-0123456789"
            let server = try HTTPProcess(arguments: ["--read-only"], environment: ["LUSTORES_API_KEYS": key])
            #expect(await server.waitForListening(), "\(server.stderrText)")
            let rest = await call(server.port, "POST", "/api/mcp/test", key: key, body: #"{"test_type":"system"}"#)
            #expect(statusCode(rest) == 404)
            #expect(answerBody(rest)?["error"]?["code"]?.stringValue == "MCP_NOT_FOUND")
            #expect(await listedTools(server.port, key: key) == ["get_status", "get_sales", "analyze_sales", "get_inventory", "get_test_result", "analyze_inventory", "get_charge_codes"])
            server.terminate()
            #expect(try await server.finish().0 == 0)
        }
    }
}
