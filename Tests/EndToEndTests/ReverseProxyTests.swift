import Foundation
import JSONRPC
import Testing

/// The shim behind Debian's nginx terminating TLS, configured with the README's `location` block:
/// requests, a long-poll and an SSE stream on `/mcp` pass, and the client address the shim uses
/// (its debug line, the audit log, the failed-authentication limit) is the forwarded one because
/// the proxy is in `trusted_proxies`.
@Suite(.serialized) struct ReverseProxyTests {
    static let key = "reverse-proxy-test-key-0123456789"

    /// The README's nginx block (the first ```nginx fence), as documented.
    static func documentedLocationBlock() throws -> String {
        let readme = try String(contentsOfFile: Paths.repositoryRoot + "/README.md", encoding: .utf8)
        guard let start = readme.range(of: "```nginx\n"),
              let end = readme.range(of: "```", range: start.upperBound..<readme.endIndex) else { return "" }
        return String(readme[start.upperBound..<end.lowerBound])
    }

    func shell(_ command: String, _ environment: [String: String] = [:]) async throws -> Completed {
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        return try await Subprocess.run("/bin/sh", ["-c", command], environment: variables, timeout: .seconds(120))
    }

    @Test func requestsLongPollsAndSSEPassThroughNginxWithTLS() async throws {
        let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
        try #require(nginx != nil, "nginx is not installed (.ci/run installs it)")
        let block = try Self.documentedLocationBlock()
        #expect(block.contains("proxy_pass http://127.0.0.1:8080;"))
        try await withTemporaryDirectory { directory in
            let certificate = try await shell("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
                                              + "-addext subjectAltName=DNS:localhost -keyout '\(directory)/key.pem' -out '\(directory)/cert.pem' 2>&1")
            try #require(certificate.exit.termination.status == 0, "\(certificate.stdoutText)")
            let audit = directory + "/audit.log"
            let server = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": Self.key, "LUSTORES_TRUSTED_PROXIES": "127.0.0.1/32, ::1",
                                                                      "LUSTORES_LOG_LEVEL": "debug", "LUSTORES_AUDIT_LOG": audit])
            #expect(await server.waitForListening())
            let free = try await shell("python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])'")
            let proxyPort = Int(free.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            try #require(proxyPort > 0)
            try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
            let configuration = """
                daemon off;
                worker_processes 1;
                pid \(directory)/nginx.pid;
                error_log \(directory)/logs/error.log;
                events { worker_connections 64; }
                http {
                    access_log \(directory)/logs/access.log;
                    client_body_temp_path \(directory)/client_body;
                    proxy_temp_path \(directory)/proxy;
                    fastcgi_temp_path \(directory)/fastcgi;
                    uwsgi_temp_path \(directory)/uwsgi;
                    scgi_temp_path \(directory)/scgi;
                    server {
                        listen 127.0.0.1:\(proxyPort) ssl;
                        server_name localhost;
                        ssl_certificate \(directory)/cert.pem;
                        ssl_certificate_key \(directory)/key.pem;
                \(block.replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(server.port)"))
                    }
                }
                """
            try configuration.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
            let proxy = try Subprocess(nginx!, ["-p", directory, "-c", directory + "/nginx.conf", "-e", directory + "/logs/error.log"],
                                       environment: ProcessInfo.processInfo.environment)
            defer { proxy.signal(SIGTERM) }
            let base = "https://localhost:\(proxyPort)"
            let curl = "curl -s --retry 20 --retry-connrefused --retry-delay 1 --cacert '\(directory)/cert.pem' -H 'Authorization: Bearer \(Self.key)'"

            // A request, from a client the proxy names in X-Forwarded-For.
            let status = try await shell("\(curl) -w '\\n%{http_code}' -H 'X-Forwarded-For: 203.0.113.9' \(base)/api/mcp/status")
            #expect(status.stdoutText.hasSuffix("\n200"), "\(status.stdoutText)")
            #expect(server.stderrText.contains("http: 203.0.113.9 GET /api/mcp/status 200"))
            // A failed login through the proxy: logged and limited under the real client's address.
            let wrong = try await shell("curl -s -o /dev/null -w '%{http_code}' --cacert '\(directory)/cert.pem' "
                                        + "-H 'Authorization: Bearer lus_not-a-key-of-this-server' -H 'X-Forwarded-For: 198.51.100.23' \(base)/api/mcp/status")
            #expect(wrong.stdoutText == "401")

            // A long-poll: start a run, then wait for its end through the proxy.
            let started = try await shell("\(curl) -X POST -d '{\"test_type\":\"sales\"}' \(base)/api/mcp/test")
            let id = try JSONParser.parse(Array(started.stdout))["execution_id"]?.stringValue ?? ""
            #expect(id.hasPrefix("test_"), "\(started.stdoutText)")
            let polled = try await shell("\(curl) '\(base)/api/mcp/test/\(id)?wait_seconds=30'")
            #expect(try JSONParser.parse(Array(polled.stdout))["status"]?.stringValue == "completed", "\(polled.stdoutText)")

            // SSE on /mcp: a tools/call with a progress token from a client that accepts a stream.
            let again = try await shell("\(curl) -X POST -d '{\"test_type\":\"system\"}' \(base)/api/mcp/test")
            let second = try JSONParser.parse(Array(again.stdout))["execution_id"]?.stringValue ?? ""
            var call = statelessRequest(1, "tools/call", ["name": "get_test_result",
                                                           "arguments": ["execution_id": .string(second), "wait_seconds": 30]])
            if case .object(var object) = call, case .object(var params) = object["params"] ?? .null,
               case .object(var meta) = params["_meta"] ?? .null {
                meta["progressToken"] = "p1"
                params["_meta"] = .object(meta)
                object["params"] = .object(params)
                call = .object(object)
            }
            try call.line.write(toFile: directory + "/call.json", atomically: true, encoding: .utf8)
            let stream = try await shell("\(curl) -N -D - -H 'Accept: application/json, text/event-stream' -H 'Content-Type: application/json' "
                                         + "-H 'MCP-Protocol-Version: 2026-07-28' -H 'Mcp-Method: tools/call' -H 'Mcp-Name: get_test_result' "
                                         + "--data-binary @'\(directory)/call.json' \(base)/mcp")
            #expect(stream.stdoutText.lowercased().contains("content-type: text/event-stream"), "\(stream.stdoutText)")
            #expect(stream.stdoutText.contains("data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\""), "\(stream.stdoutText)")

            proxy.signal(SIGTERM)
            _ = try await proxy.finish(within: .seconds(30))
            server.terminate()
            let (_, log) = try await server.finish()

            // The audit log: the real client of each call, never the proxy.
            let lines = ((try? String(contentsOfFile: audit, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { try? JSONParser.parse(Array($0.utf8)) }
            #expect(lines.contains { $0["route"] == "GET /api/mcp/status" && $0["address"] == "203.0.113.9" && $0["status"] == 200 })
            #expect(lines.contains { $0["event"] == "auth_failed" && $0["address"] == "198.51.100.23" })
            #expect(lines.contains { $0["transport"] == "mcp" && $0["tool"] == "get_test_result" })
            // curl sent no X-Forwarded-For of its own for these: nginx's `$proxy_add_x_forwarded_for` named curl's address.
            for line in lines where line["route"] != "GET /api/mcp/status" { #expect(line["address"] == "127.0.0.1", "\(line)") }
            #expect(!lines.isEmpty && !lines.contains { $0["address"] == nil || $0["address"] == .null })
            let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
            expectNoKey([Self.key, "lus_not-a-key-of-this-server"], in: [
                ("the server's stderr", log), ("the server's stdout", String(decoding: server.child.stdout?.bytes ?? [], as: UTF8.self)),
                ("the audit log", read(audit)), ("nginx's access log", read(directory + "/logs/access.log")),
                ("nginx's error log", read(directory + "/logs/error.log")),
                ("curl's output", status.stdoutText + started.stdoutText + polled.stdoutText + again.stdoutText + stream.stdoutText + wrong.stdoutText),
            ])
        }
    }
}
