import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The adversarial run's probes against `lustores-mcp http`, through the binary and real sockets.
@Suite(.serialized) struct HTTPFaultTests {
    static let key = "fault-key-1-0123456789abcdef"

    private func startServer(_ environment: [String: String] = [:]) async throws -> HTTPProcess {
        let server = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": Self.key].merging(environment) { $1 })
        #expect(await server.waitForListening(), "\(server.stderrText)")
        return server
    }

    private func stop(_ server: HTTPProcess) async throws {
        server.terminate()
        #expect(try await server.finish().0 == 0)
    }

    @Test func aThousandIdleConnectionsDoNotLockOutAnAuthenticatedRequest() async throws {
        let server = try await startServer()
        let port = server.port
        let (opened, answer) = await onThread { () -> (Int, String) in
            var idle: [Int32] = []
            for _ in 0..<1000 { if let descriptor = connectSocket(port: port) { idle.append(descriptor) } }
            defer { for descriptor in idle { close(descriptor) } }
            guard let descriptor = connectSocket(port: port) else { return (idle.count, "") }
            defer { close(descriptor) }
            sendAll(descriptor, "GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(Self.key)\r\n\r\n")
            return (idle.count, readAnswers(descriptor, 1))
        }
        #expect(opened == 1000)
        #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answer.prefix(300))")
        try await stop(server)
    }

    @Test func wrongKeysByTheThousandAreLimitedAndLoggedWithoutTheKey() async throws {
        let server = try await startServer()
        let port = server.port
        let guess = "guessed-key-0123456789"
        let (answers, valid) = await onThread { () -> (String, String) in
            guard let descriptor = connectSocket(port: port) else { return ("", "") }
            defer { close(descriptor) }
            let request = "GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(guess)\r\n\r\n"
            var all = ""
            for _ in 0..<10 {
                sendAll(descriptor, String(repeating: request, count: 100))
                all += readAnswers(descriptor, 100)
            }
            sendAll(descriptor, "GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(Self.key)\r\n\r\n")
            return (all, readAnswers(descriptor, 1))
        }
        func count(_ status: String) -> Int { answers.components(separatedBy: "HTTP/1.1 \(status)").count - 1 }
        #expect(count("") == 1000, "\(answers.prefix(600))")
        #expect(count("401 ") == 30)
        #expect(count("429 ") == 970)
        #expect(answers.contains("Retry-After: "))
        #expect(valid.hasPrefix("HTTP/1.1 200 OK\r\n"), "a valid key shares the address and is still served")
        try await stop(server)
        let log = server.stderrText
        #expect(log.contains("notice: authentication failed from 127.0.0.1"))
        #expect(log.contains("notice: authentication: 127.0.0.1 is over"))
        #expect(!log.contains(guess) && !log.contains(Self.key))
        #expect(log.components(separatedBy: "authentication failed from").count - 1 == 30, "log lines are bounded")
    }

    @Test func parsingProbesAreRefused() async throws {
        let server = try await startServer()
        let port = server.port
        let auth = "Authorization: Bearer \(Self.key)\r\n"
        let probes: [(String, String)] = [
            ("GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\n\(auth)Authorization: Bearer other\r\n\r\n", "400"),
            ("GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\n\(auth)Origin: http://localhost\r\nOrigin: http://evil\r\n\r\n", "400"),
            ("GET /api/mcp%2fstatus HTTP/1.1\r\nHost: localhost\r\n\(auth)\r\n", "400"),
            ("GET /api/mcp%2Fstatus HTTP/1.1\r\nHost: localhost\r\n\(auth)\r\n", "400"),
            ("GET /api/mcp/status#top HTTP/1.1\r\nHost: localhost\r\n\(auth)\r\n", "400"),
            ("GET http://evil.example/api/mcp/status HTTP/1.1\r\nHost: localhost\r\n\(auth)\r\n", "421"),
            ("GET http://localhost/api/mcp/status HTTP/1.1\r\nHost: localhost\r\n\(auth)\r\n", "200"),
            // Smuggling: the second request must never be read as one.
            ("POST /api/mcp/status HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\n\(auth)\r\n", "400"),
        ]
        for (probe, status) in probes {
            let answer = await rawExchange(port: port, probe)
            #expect(answer.hasPrefix("HTTP/1.1 \(status) "), "\(probe.debugDescription) → \(answer.prefix(200))")
            #expect(answer.components(separatedBy: "HTTP/1.1 ").count - 1 == 1, "one answer only")
        }
        try await stop(server)
    }

    @Test func aBareTestExecutionLimitIsPerHour() async throws {
        let server = try await startServer(["LUSTORES_RATE_LIMIT_TEST": "10", "LUSTORES_RATE_LIMIT_STATUS": "7"])
        #expect(await server.child.stderr.wait(within: .seconds(60)) { String(decoding: $0, as: UTF8.self).contains("HTTP shim:") })
        #expect(server.stderrText.contains("test execution 10 per 3600 s"))
        #expect(server.stderrText.contains("limits status 7 per 60 s"))
        #expect(server.stderrText.contains("256 connections per client address"))
        try await stop(server)
    }

    @Test func thePerAddressCapIsConfigurable() async throws {
        let capped = try await startServer(["LUSTORES_HTTP_MAX_CONNECTIONS_PER_ADDRESS": "3"])
        #expect(await capped.child.stderr.wait(within: .seconds(60)) { String(decoding: $0, as: UTF8.self).contains("HTTP shim:") })
        #expect(capped.stderrText.contains("; 3 connections per client address"))
        try await stop(capped)
        let bad = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": Self.key, "LUSTORES_HTTP_MAX_CONNECTIONS_PER_ADDRESS": "0"])
        let (status, text) = try await bad.finish()
        #expect(status == 2)
        #expect(text.contains("LUSTORES_HTTP_MAX_CONNECTIONS_PER_ADDRESS must be a positive number"))
    }
}

/// A blocking connection to 127.0.0.1:`port` (from the loopback address `source` when given, so
/// the server sees another client address) whose reads time out after 10 s.
func connectSocket(port: Int, from source: String? = nil) -> Int32? {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { return nil }
    if let source {
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { close(descriptor); return nil }
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { close(descriptor); return nil }
    var interval = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
    return descriptor
}

func sendAll(_ descriptor: Int32, _ text: String) {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if written <= 0 { return }
        offset += written
    }
}

/// Reads until `count` whole answers (by Content-Length) have arrived, the server closes, or a
/// read times out.
func readAnswers(_ descriptor: Int32, _ count: Int) -> String {
    var all: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    var complete = 0
    var scanned = 0
    while complete < count {
        let read = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if read <= 0 { break }
        all.append(contentsOf: buffer[0..<read])
        // Walk whole answers from where the last walk stopped.
        while let headEnd = findHeadEnd(all, from: scanned) {
            let head = String(decoding: all[scanned..<headEnd], as: UTF8.self).lowercased()
            let length = head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
                .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
            guard all.count >= headEnd + length else { break }
            scanned = headEnd + length
            complete += 1
        }
    }
    return String(decoding: all, as: UTF8.self)
}

private func findHeadEnd(_ bytes: [UInt8], from start: Int) -> Int? {
    var index = start
    while index + 3 < bytes.count {
        if bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 { return index + 4 }
        index += 1
    }
    return nil
}
