import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Clients that connect and then send nothing, or a header section a byte at a time, against
/// `lustores-mcp http` through real sockets: they are answered 408 and closed at the header timeout
/// (counted from the accept), and while they hold their address's every slot, other clients are
/// still served. Outcomes only: every wait below is a generous deadline, never a measurement.
@Suite(.serialized) struct SlowClientTests {
    static let key = "slow-client-key-0123456789abcdef"
    static let keyedRequest = "GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(key)\r\n\r\n"

    private func startServer(_ environment: [String: String]) async throws -> HTTPProcess {
        let server = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": Self.key].merging(environment) { $1 })
        #expect(await server.waitForListening(), "\(server.stderrText)")
        return server
    }

    private func stop(_ server: HTTPProcess) async throws {
        server.terminate()
        #expect(try await server.finish().0 == 0)
    }

    @Test func aSilentSocketIsAnswered408AndClosedAtTheHeaderTimeout() async throws {
        // The idle timeout stays 60 s and every read below gives up after 10 s: only the header
        // timeout, counted from the accept, can answer a socket that never sends a byte in time.
        let server = try await startServer(["LUSTORES_HTTP_HEADER_TIMEOUT": "1"])
        #expect(await server.child.stderr.wait(within: .seconds(60)) { String(decoding: $0, as: UTF8.self).contains("HTTP shim:") })
        #expect(server.stderrText.contains("header timeout 1 s"))
        let port = server.port
        let (answer, closed) = await onThread { () -> (String, Bool) in
            guard let descriptor = connectSocket(port: port) else { return ("", false) }
            defer { close(descriptor) }
            let answer = readAnswers(descriptor, 1)
            return (answer, readsEndOfInput(descriptor))
        }
        #expect(answer.hasPrefix("HTTP/1.1 408 "), "\(answer.prefix(300))")
        #expect(answer.lowercased().contains("connection: close"))
        #expect(closed, "the server closes the connection after its 408")
        try await stop(server)
    }

    @Test func aHeaderSentSlowlyIsAnswered408() async throws {
        let server = try await startServer(["LUSTORES_HTTP_HEADER_TIMEOUT": "1"])
        let port = server.port
        let (answer, closed) = await onThread { () -> (String, Bool) in
            guard let descriptor = connectSocket(port: port) else { return ("", false) }
            defer { close(descriptor) }
            sendAll(descriptor, "GET /api/mcp/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \(Self.key)\r\nX-Slow: ")
            // A byte every 100 ms keeps the connection busy but never ends the header section;
            // stop once the server has something to say (or after 30 s).
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            for _ in 0..<300 where poll(&ready, 1, 100) == 0 { sendAll(descriptor, "a") }
            let answer = readAnswers(descriptor, 1)
            return (answer, readsEndOfInput(descriptor))
        }
        #expect(answer.hasPrefix("HTTP/1.1 408 "), "\(answer.prefix(300))")
        #expect(closed, "the server closes the connection after its 408")
        try await stop(server)
    }

    @Test func theHeaderTimeoutIsConfigurable() async throws {
        let directory = NSTemporaryDirectory() + "lustores-header-timeout-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/config.json"
        try Data(#"{"header_timeout_seconds": 2.5}"#.utf8).write(to: URL(fileURLWithPath: config))
        let fromFile = try HTTPProcess(arguments: ["--config", config], environment: ["LUSTORES_API_KEYS": Self.key])
        #expect(await fromFile.child.stderr.wait(within: .seconds(60)) { String(decoding: $0, as: UTF8.self).contains("HTTP shim:") })
        #expect(fromFile.stderrText.contains("header timeout 2.5 s"), "\(fromFile.stderrText)")
        try await stop(fromFile)
        for bad in ["0", "-1", "soon", "3601"] {
            let refused = try HTTPProcess(arguments: [], environment: ["LUSTORES_API_KEYS": Self.key, "LUSTORES_HTTP_HEADER_TIMEOUT": bad])
            let (status, text) = try await refused.finish()
            #expect(status == 2, "\(bad): \(text)")
            #expect(text.contains("LUSTORES_HTTP_HEADER_TIMEOUT must be seconds above 0 and at most 3600"), "\(bad): \(text)")
        }
        try Data(#"{"header_timeout_seconds": 0}"#.utf8).write(to: URL(fileURLWithPath: config))
        let (status, text) = try await HTTPProcess(arguments: ["--config", config], environment: ["LUSTORES_API_KEYS": Self.key]).finish()
        #expect(status == 2)
        #expect(text.contains("header_timeout_seconds"), "\(text)")
    }

    @Test func silentSocketsHoldingTheirAddressesCapDoNotStopOtherClients() async throws {
        // A header timeout far beyond the test, so the silent sockets are still held while the
        // other clients are served. Each event loop owns the connections it accepted: a keyed
        // client accepted by a loop that holds none of the silent ones must still be served (the
        // loop holding them closes one), so several are sent, wherever they land.
        let cap = 32
        let keyedClients = 8
        let server = try await startServer(["LUSTORES_HTTP_MAX_CONNECTIONS_PER_ADDRESS": "\(cap)", "LUSTORES_HTTP_HEADER_TIMEOUT": "600"])
        let port = server.port
        let outcome = await onThread { () -> (opened: Int, other: String, same: [String], closed: Int) in
            let silent = (0..<cap).compactMap { _ in connectSocket(port: port) }
            defer { for descriptor in silent { close(descriptor) } }
            // Another address is not limited by this one's cap.
            var other = ""
            if let descriptor = connectSocket(port: port, from: "127.0.0.2") {
                sendAll(descriptor, Self.keyedRequest)
                other = readAnswers(descriptor, 1)
                close(descriptor)
            }
            // The same address, over its cap: each time (the keyed connections stay open), one of
            // its silent sockets makes room.
            var same: [String] = []
            var keyed: [Int32] = []
            defer { for descriptor in keyed { close(descriptor) } }
            for _ in 0..<keyedClients {
                guard let descriptor = connectSocket(port: port) else { same.append(""); continue }
                keyed.append(descriptor)
                sendAll(descriptor, Self.keyedRequest)
                same.append(readAnswers(descriptor, 1))
            }
            return (silent.count, other, same, silent.filter(hasEnded).count)
        }
        #expect(outcome.opened == cap)
        #expect(outcome.other.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(outcome.other.prefix(300))")
        for answer in outcome.same {
            #expect(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(answer.prefix(300))")
        }
        #expect(outcome.closed == keyedClients, "one silent socket closed for each keyed client; the others are still held")
        try await stop(server)
    }
}

/// Whether the next read of `descriptor` (a blocking socket whose reads time out) is the end of input.
private func readsEndOfInput(_ descriptor: Int32) -> Bool {
    var byte: UInt8 = 0
    return recv(descriptor, &byte, 1, 0) == 0
}

/// Whether the server has closed `descriptor` already, without waiting.
private func hasEnded(_ descriptor: Int32) -> Bool {
    var byte: UInt8 = 0
    return recv(descriptor, &byte, 1, Int32(MSG_DONTWAIT)) == 0
}
