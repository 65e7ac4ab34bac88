import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `lustores-mcp http --port 0 --database <new directory>/store.sqlite ARGUMENTS` running as a
/// ``Subprocess``: close-on-exec pipes, stdout and stderr read to their end on threads of their
/// own (never the cooperative pool), and the server killed if the test lets go of it still running.
struct HTTPProcess: Sendable {
    let child: Subprocess

    /// Starts the server with this process's environment, less `LUSTORES_API_KEYS`, plus `environment`.
    init(arguments: [String], environment: [String: String] = [:]) throws {
        let directory = NSTemporaryDirectory() + "lustores-http-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var variables = ProcessInfo.processInfo.environment
        variables["LUSTORES_API_KEYS"] = nil
        for (name, value) in environment { variables[name] = value }
        child = try Subprocess(productBinary().path, ["http", "--port", "0", "--database", directory + "/store.sqlite"] + arguments,
                               environment: variables)
    }

    /// Everything the server has written to stderr so far.
    var stderrText: String { String(decoding: child.stderr.bytes, as: UTF8.self) }

    /// The port of the "listening on http://127.0.0.1:PORT" line once that whole line is on stderr; 0 before.
    var port: Int { Self.listeningPort(child.stderr.bytes) ?? 0 }

    /// The port named by the first complete line of `stderr` that says it is listening on 127.0.0.1.
    private static func listeningPort(_ stderr: [UInt8]) -> Int? {
        let lines = String(decoding: stderr, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        for line in lines {
            guard let range = line.range(of: #"listening on http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) else { continue }
            return Int(line[range].split(separator: ":").last ?? "")
        }
        return nil
    }

    /// Waits until the listening line is on stderr and names a port above 0 (true); false when
    /// stderr ends first (the server has stopped) or `timeout` passes.
    func waitForListening(within timeout: Duration = .seconds(60)) async -> Bool {
        await child.stderr.wait(within: timeout) { Self.listeningPort($0) != nil } && port > 0
    }

    /// Sends SIGTERM, on which the server drains and exits 0.
    func terminate() {
        child.signal(SIGTERM)
    }

    /// Waits at most `timeout` for the server to exit and close stderr, and returns its status
    /// (128 + N when killed by signal N, so never 0 or 2) and everything it wrote to stderr. On
    /// timeout the server is killed and `SubprocessFailure.timedOut` thrown.
    func finish(within timeout: Duration = .seconds(60)) async throws -> (Int32, String) {
        let completed = try await child.finish(within: timeout)
        return (completed.exit.termination.status, completed.stderr)
    }
}

/// Sends `request` to 127.0.0.1:`port` and reads until the server closes or `count` answers arrived.
func rawExchange(port: Int, _ request: String, answers count: Int = 1) async -> String {
    await onThread {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return "" }
        var interval = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let read = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if read <= 0 { break }
            all.append(contentsOf: buffer[0..<read])
            let text = String(decoding: all, as: UTF8.self)
            if text.components(separatedBy: "HTTP/1.1 ").count - 1 >= count, text.hasSuffix("}") { break }
        }
        return String(decoding: all, as: UTF8.self)
    }
}

@Suite(.serialized) struct HTTPCommandTests {
    @Test func servesRESTWithKeysAndDrainsOnSIGTERM() async throws {
        let server = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": "e2e-key-1-0123456789, e2e-key-2-0123456789"])
        #expect(await server.waitForListening(), "\(server.stderrText)")
        let port = server.port
        let status = await rawExchange(port: port, "GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer e2e-key-2-0123456789\r\n\r\n")
        #expect(status.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(status.contains("X-RateLimit-Limit: 60\r\n"))
        #expect(status.contains(#""database":{"connected":true"#))
        let denied = await rawExchange(port: port, "GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer e2e-key-3\r\n\r\n")
        #expect(denied.hasPrefix("HTTP/1.1 401 "))
        #expect(denied.contains("WWW-Authenticate: Bearer\r\n"))
        let pipelined = await rawExchange(port: port, String(repeating: "GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer e2e-key-1-0123456789\r\n\r\n", count: 2)
            + "GET /nowhere HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", answers: 3)
        #expect(pipelined.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
        #expect(pipelined.contains("HTTP/1.1 404 Not Found"))
        let discover = #"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
        let mcp = await rawExchange(port: port, "POST /mcp HTTP/1.1\r\nHost: localhost:\(port)\r\nAuthorization: Bearer e2e-key-1-0123456789\r\n"
            + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n"
            + "Mcp-Method: server/discover\r\nContent-Length: \(discover.utf8.count)\r\n\r\n" + discover)
        #expect(mcp.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(mcp.contains(#""supportedVersions":["2026-07-28"]"#))
        #expect(!server.stderrText.contains("e2e-key"))
        server.terminate()
        let (code, log) = try await server.finish()
        #expect(code == 0)
        #expect(!log.contains("e2e-key"))
    }

    @Test func refusesToStartWithoutKeysUnlessInsecureOnLoopback() async throws {
        let noKeys = try HTTPProcess(arguments: [])
        let (status, text) = try await noKeys.finish()
        #expect(status == 2)
        #expect(text.contains("no API keys"))
        let wildcard = try HTTPProcess(arguments: ["--insecure-no-auth", "--host", "0.0.0.0"])
        #expect(try await wildcard.finish().0 == 2)
        let insecure = try HTTPProcess(arguments: ["--insecure-no-auth"])
        #expect(await insecure.waitForListening())
        let open = await rawExchange(port: insecure.port, "GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(open.hasPrefix("HTTP/1.1 200 OK\r\n"))
        insecure.terminate()
        #expect(try await insecure.finish().0 == 0)
    }

    @Test func refusesAKeysFileOthersCanRead() async throws {
        let directory = NSTemporaryDirectory() + "lustores-keys-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let keys = directory + "/keys"
        let config = directory + "/config.json"
        #expect(FileManager.default.createFile(atPath: keys, contents: Data("# keys\nfile-key-0123456789\n".utf8)))
        #expect(FileManager.default.createFile(atPath: config, contents: Data(#"{"api_keys_file":"\#(keys)","rate_limits":{"status":2}}"#.utf8)))
        chmod(keys, 0o644)
        let open = try HTTPProcess(arguments: ["--config", config])
        let (status, text) = try await open.finish()
        #expect(status == 2)
        #expect(text.contains("chmod 600"))
        chmod(keys, 0o600)
        let server = try HTTPProcess(arguments: ["--config", config])
        #expect(await server.waitForListening())
        let request = "GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer file-key-0123456789\r\n\r\n"
        let answers = await rawExchange(port: server.port, String(repeating: request, count: 3), answers: 3)
        #expect(answers.components(separatedBy: "HTTP/1.1 200 OK").count == 3)
        #expect(answers.contains("HTTP/1.1 429 Too Many Requests"))
        #expect(answers.contains("Retry-After: "))
        server.terminate()
        #expect(try await server.finish().0 == 0)
    }
}

extension HTTPCommandTests {
    /// The failed-authentication limit is a setting (schemathesis, a monitoring probe without a key):
    /// past it an address's unauthenticated requests are 429 `authentication`, a valid key still
    /// passes, and a limit below one stops start-up naming the setting.
    @Test func theFailedAuthenticationLimitIsASetting() async throws {
        let server = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": "auth-limit-key-0123456789",
                                                                  "LUSTORES_RATE_LIMIT_AUTH": "2/600"])
        #expect(await server.waitForListening())
        let anonymous = "GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\n\r\n"
        let answers = await rawExchange(port: server.port, String(repeating: anonymous, count: 3), answers: 3)
        #expect(answers.components(separatedBy: "HTTP/1.1 401 Unauthorized").count == 3)
        #expect(answers.contains("HTTP/1.1 429 Too Many Requests"))
        #expect(answers.contains(#""limit":"authentication""#))
        let keyed = "GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer auth-limit-key-0123456789\r\n\r\n"
        #expect(await rawExchange(port: server.port, keyed, answers: 1).hasPrefix("HTTP/1.1 200 OK"))
        server.terminate()
        #expect(try await server.finish().0 == 0)

        let directory = NSTemporaryDirectory() + "lustores-auth-limit-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/config.json"
        #expect(FileManager.default.createFile(atPath: config, contents: Data(#"{"rate_limits":{"authentication":0}}"#.utf8)))
        let refused = try HTTPProcess(arguments: ["--config", config], environment: ["LUSTORES_API_KEYS": "auth-limit-key-0123456789"])
        let (status, text) = try await refused.finish()
        #expect(status == 2)
        #expect(text.contains("rate_limits.authentication"))
        let badVariable = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": "auth-limit-key-0123456789",
                                                                       "LUSTORES_RATE_LIMIT_AUTH": "none"])
        let (variableStatus, variableText) = try await badVariable.finish()
        #expect(variableStatus == 2)
        #expect(variableText.contains("LUSTORES_RATE_LIMIT_AUTH"))
    }
}
