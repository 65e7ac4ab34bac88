import Foundation
import Synchronization
import Testing
import HTTPServerTesting
@testable import HTTPServer
@testable import HTTPShim
@testable import MCPHTTP

/// Answers after `?delay=MS` milliseconds with the path.
let delayingHandler = ClosureHandler { request in
    if let value = request.query.split(separator: "=").last, let milliseconds = Int(value) {
        try? await Task.sleep(for: .milliseconds(milliseconds))
    }
    return HTTPResponse(status: 200, body: .bytes(Array(request.path.utf8)))
}

func startServer(limits: HTTPLimits = HTTPLimits(), handler: some HTTPHandler = delayingHandler) throws -> HTTPListener {
    let server = try HTTPListener(host: "127.0.0.1", port: 0, limits: limits, handler: handler, refusals: HTTPShimHandler.renderRefusal)
    server.start()
    return server
}

func stop(_ server: HTTPListener) async {
    server.shutdown()
    await server.waitUntilStopped()
}

@Suite(.serialized) struct HTTPServerTests {
    @Test func keepAliveAndPipelinedAnswersInOrder() async throws {
        let server = try startServer()
        let port = server.port
        let output = await onThread { () -> String in
            guard let client = SocketClient(port: port) else { return "no connection" }
            defer { client.close() }
            // Later requests finish first; answers must still leave in request order.
            client.send((0..<5).map { "GET /r\($0)?delay=\((5 - $0) * 30) HTTP/1.1\r\nHost: a\r\n\r\n" }.joined())
            var text = client.readResponses(5)
            client.send("GET /last HTTP/1.1\r\nHost: a\r\n\r\n")
            text += client.readResponses(1)
            return text
        }
        #expect(responses(output).map(\.body) == ["/r0", "/r1", "/r2", "/r3", "/r4", "/last"])
        await stop(server)
    }

    @Test func fiveHundredIdleConnectionsDoNotDelayANormalRequest() async throws {
        let server = try startServer()
        let port = server.port
        let (opened, elapsed, answer) = await onThread { () -> (Int, Double, String) in
            var idle: [SocketClient] = []
            for _ in 0..<500 { if let client = SocketClient(port: port) { idle.append(client) } }
            // Half of them have started a request and stalled.
            for client in idle.prefix(250) { client.send("GET /stalled HTTP/1.1\r\nHo") }
            let start = Date()
            guard let client = SocketClient(port: port) else { return (idle.count, 0, "") }
            client.send("GET /normal HTTP/1.1\r\nHost: a\r\n\r\n")
            let answer = client.readResponses(1)
            let elapsed = Date().timeIntervalSince(start)
            client.close()
            for client in idle { client.close() }
            return (idle.count, elapsed, answer)
        }
        #expect(opened == 500)
        #expect(responses(answer).first?.body == "/normal")
        #expect(elapsed < 1.0, "took \(elapsed) s")
        await stop(server)
    }

    @Test func aSlowClientHoldsUpNobodyAndTimesOut() async throws {
        var limits = HTTPLimits()
        limits.headerTimeoutSeconds = 2.5
        let server = try startServer(limits: limits)
        let port = server.port
        async let slow = onThread { () -> (String, Double) in
            guard let client = SocketClient(port: port, timeout: 5) else { return ("", 0) }
            defer { client.close() }
            let start = Date()
            for byte in "GET /slow HTTP/1.1\r\nHost: a\r\n\r\n".utf8 {
                if !client.send([byte]) { break }
                // One byte a second (the head cannot arrive within 2.5 s), stopping as soon as
                // the server answers.
                var entry = pollfd(fd: client.descriptor, events: Int16(POLLIN), revents: 0)
                if poll(&entry, 1, 1000) > 0 { break }
            }
            return (client.read(), Date().timeIntervalSince(start))
        }
        try await Task.sleep(for: .milliseconds(300))
        let fast = await onThread { () -> (String, Double) in
            let start = Date()
            guard let client = SocketClient(port: port) else { return ("", 0) }
            defer { client.close() }
            client.send("GET /fast HTTP/1.1\r\nHost: a\r\n\r\n")
            return (client.readResponses(1), Date().timeIntervalSince(start))
        }
        #expect(responses(fast.0).first?.body == "/fast")
        #expect(fast.1 < 0.5)
        let (slowAnswer, slowElapsed) = await slow
        #expect(slowAnswer.hasPrefix("HTTP/1.1 408 "))
        #expect(slowAnswer.contains("Connection: close"))
        #expect(slowElapsed > 2.4 && slowElapsed < 4)
        await stop(server)
    }

    @Test func bodiesUpToTheLimitAndRefusalsPastIt() async throws {
        let counting = ClosureHandler { request in HTTPResponse(status: 200, body: .bytes(Array(String(request.body.count).utf8))) }
        let server = try startServer(handler: counting)
        let port = server.port
        let (accepted, refused, headers) = await onThread { () -> (String, String, String) in
            let body = String(repeating: "x", count: 1 << 20)
            let first = SocketClient(port: port)
            first?.send("POST /big HTTP/1.1\r\nHost: a\r\nContent-Length: \(1 << 20)\r\n\r\n" + body)
            let accepted = first?.readResponses(1) ?? ""
            first?.close()
            // Refused from the header alone: the body is never sent.
            let second = SocketClient(port: port)
            second?.send("POST /big HTTP/1.1\r\nHost: a\r\nContent-Length: \((1 << 20) + 1)\r\n\r\n")
            let refused = second?.read() ?? ""
            second?.close()
            let third = SocketClient(port: port)
            third?.send("GET / HTTP/1.1\r\nHost: a\r\nX: " + String(repeating: "h", count: 40_000) + "\r\n\r\n")
            let headers = third?.read() ?? ""
            third?.close()
            // Refused while the client is still uploading: it must read the 413, not a reset.
            let fourth = SocketClient(port: port)
            fourth?.send("POST /big HTTP/1.1\r\nHost: a\r\nContent-Length: \(4 << 20)\r\n\r\n" + String(repeating: "y", count: 4 << 20))
            let uploading = fourth?.read() ?? ""
            fourth?.close()
            return (accepted, refused + "|" + uploading, headers)
        }
        #expect(responses(accepted).first?.body == String(1 << 20))
        let parts = refused.components(separatedBy: "|")
        #expect(parts.first?.hasPrefix("HTTP/1.1 413 ") == true)
        #expect(parts.last?.hasPrefix("HTTP/1.1 413 ") == true, "\(parts.last ?? "")")
        #expect(headers.hasPrefix("HTTP/1.1 431 "))
        await stop(server)
    }

    /// RFC 9112 §9.6: after the last answer the server shuts down its side and keeps reading for
    /// a while, so bytes the client is still sending do not provoke a reset that could destroy
    /// the answer before the client reads it.
    @Test func closingLingers() async throws {
        let server = try startServer()
        let port = server.port
        let (answer, laterSendsSucceed) = await onThread { () -> (String, Bool) in
            guard let client = SocketClient(port: port) else { return ("", false) }
            defer { client.close() }
            client.send("GET /bye HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
            let answer = client.read()  // ends at the server's FIN
            var ok = true
            for _ in 0..<3 {
                ok = ok && client.send(Array(repeating: 0x41, count: 1000))
                usleep(100_000)
            }
            return (answer, ok)
        }
        #expect(responses(answer).first?.body == "/bye")
        #expect(laterSendsSucceed)
        await stop(server)
    }

    @Test func idleConnectionsAreClosed() async throws {
        var limits = HTTPLimits()
        limits.idleTimeoutSeconds = 0.5
        let server = try startServer(limits: limits)
        let port = server.port
        let (answer, elapsed) = await onThread { () -> (String, Double) in
            guard let client = SocketClient(port: port, timeout: 5) else { return ("", 0) }
            defer { client.close() }
            client.send("GET /once HTTP/1.1\r\nHost: a\r\n\r\n")
            let start = Date()
            return (client.read(), Date().timeIntervalSince(start))  // until the server closes
        }
        #expect(responses(answer).map(\.body) == ["/once"])
        #expect(elapsed >= 0.4 && elapsed < 2.0, "closed after \(elapsed) s")
        await stop(server)
    }

    @Test func connectionsPastTheCapGet503WhenNoneCanMakeRoom() async throws {
        var limits = HTTPLimits()
        limits.maxConnections = 3
        let started = Atomic<Int>(0)
        let released = Atomic<Bool>(false)
        let holding = ClosureHandler { request in
            if request.path == "/hold" {
                started.add(1, ordering: .relaxed)
                while !released.load(ordering: .relaxed) { try? await Task.sleep(for: .milliseconds(10)) }
            }
            return HTTPResponse(status: 200, body: .bytes(Array(request.path.utf8)))
        }
        let server = try startServer(limits: limits, handler: holding)
        let port = server.port
        let (refused, stillServed) = await onThread { () -> (String, String) in
            let held = (0..<3).compactMap { _ in SocketClient(port: port) }
            // Each owes an answer, so none may be closed to make room.
            for client in held { client.send("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n") }
            while started.load(ordering: .relaxed) < 3 { usleep(5_000) }
            let extra = SocketClient(port: port)
            let refused = extra?.read() ?? ""
            extra?.close()
            released.store(true, ordering: .relaxed)
            _ = held[1].readResponses(1)
            held[1].send("GET /held HTTP/1.1\r\nHost: a\r\n\r\n")
            let served = held[1].readResponses(1)
            for client in held { client.close() }
            return (refused, served)
        }
        #expect(refused.hasPrefix("HTTP/1.1 503 "))
        #expect(refused.contains("MCP_UNAVAILABLE"))
        #expect(responses(stillServed).first?.body == "/held")
        await stop(server)
    }

    @Test func silentAndUntrustedConnectionsMakeRoomForATrustedRequest() async throws {
        var limits = HTTPLimits()
        limits.maxConnections = 6
        let server = try HTTPListener(host: "127.0.0.1", port: 0, limits: limits, eventLoops: 1, handler: delayingHandler,
                                      refusals: HTTPShimHandler.renderRefusal, trust: { $0.header("authorization") == "good" })
        server.start()
        let port = server.port
        let (trustedStillOpen, served) = await onThread { () -> (String, String) in
            // One trusted idle connection, two untrusted idle ones, three silent ones: all slots.
            let trusted = SocketClient(port: port)
            trusted?.send("GET /trusted HTTP/1.1\r\nHost: a\r\nAuthorization: good\r\n\r\n")
            _ = trusted?.readResponses(1)
            let untrusted = (0..<2).compactMap { _ in SocketClient(port: port) }
            for client in untrusted {
                client.send("GET /untrusted HTTP/1.1\r\nHost: a\r\n\r\n")
                _ = client.readResponses(1)
            }
            let silent = (0..<3).compactMap { _ in SocketClient(port: port) }
            // Five more arrivals each close one connection, the silent first, then the untrusted
            // idle ones, oldest first: the trusted one is still open after them all.
            var answers = ""
            var arrivals: [SocketClient] = []
            for _ in 0..<5 {
                guard let client = SocketClient(port: port) else { continue }
                client.send("GET /new HTTP/1.1\r\nHost: a\r\nAuthorization: good\r\n\r\n")
                answers += client.readResponses(1)
                arrivals.append(client)
            }
            trusted?.send("GET /again HTTP/1.1\r\nHost: a\r\n\r\n")
            let again = trusted?.readResponses(1) ?? ""
            for client in untrusted + silent + arrivals { client.close() }
            trusted?.close()
            return (again, answers)
        }
        #expect(responses(served).map(\.body) == Array(repeating: "/new", count: 5))
        #expect(responses(trustedStillOpen).first?.body == "/again")
        await stop(server)
    }

    @Test func oneAddressCannotTakeEverySlot() async throws {
        var limits = HTTPLimits()
        limits.maxConnectionsPerAddress = 2
        let started = Atomic<Int>(0)
        let released = Atomic<Bool>(false)
        let holding = ClosureHandler { request in
            if request.path == "/hold" {
                started.add(1, ordering: .relaxed)
                while !released.load(ordering: .relaxed) { try? await Task.sleep(for: .milliseconds(10)) }
            }
            return HTTPResponse(status: 200, body: .bytes(Array((request.clientAddress ?? "").utf8)))
        }
        let server = try startServer(limits: limits, handler: holding)
        let port = server.port
        let (refused, address) = await onThread { () -> (String, String) in
            let held = (0..<2).compactMap { _ in SocketClient(port: port) }
            for client in held { client.send("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n") }
            while started.load(ordering: .relaxed) < 2 { usleep(5_000) }
            let third = SocketClient(port: port)
            let refused = third?.read() ?? ""
            third?.close()
            released.store(true, ordering: .relaxed)
            let address = held[0].readResponses(1)
            for client in held { client.close() }
            return (refused, address)
        }
        #expect(refused.hasPrefix("HTTP/1.1 503 "))
        #expect(responses(address).first?.body == "127.0.0.1")
        await stop(server)
    }

    @Test func aClosedConnectionCancelsItsHandlers() async throws {
        let cancelled = Mutex(false)
        let waiting = ClosureHandler { _ in
            try? await Task.sleep(for: .seconds(5))
            if Task.isCancelled { cancelled.withLock { $0 = true } }
            return HTTPResponse(status: 200)
        }
        let server = try startServer(handler: waiting)
        let port = server.port
        await onThread {
            guard let client = SocketClient(port: port) else { return }
            client.send("GET /wait HTTP/1.1\r\nHost: a\r\n\r\n")
            usleep(100_000)
            client.close()
        }
        let clock = ContinuousClock()
        let start = clock.now
        while !cancelled.withLock({ $0 }) && clock.now - start < .seconds(3) {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(cancelled.withLock { $0 })
        await stop(server)
    }

    @Test func shutdownAnswersEveryPipelinedRequestAlreadyReceived() async throws {
        let server = try startServer()
        let port = server.port
        async let answer = onThread { () -> String in
            guard let client = SocketClient(port: port) else { return "" }
            defer { client.close() }
            client.send((1...3).map { "GET /p\($0)?delay=\(100 * $0 + 200) HTTP/1.1\r\nHost: a\r\n\r\n" }.joined())
            return client.read()
        }
        try await Task.sleep(for: .milliseconds(100))
        server.shutdown()
        await server.waitUntilStopped()
        let text = await answer
        let answers = responses(text)
        #expect(answers.map(\.body) == ["/p1", "/p2", "/p3"])
        #expect(answers.map { $0.headers["connection"] } == [nil, nil, "close"])
    }

    @Test func shutdownDrainsRequestsInFlight() async throws {
        let server = try startServer()
        let port = server.port
        async let answer = onThread { () -> String in
            guard let client = SocketClient(port: port) else { return "" }
            defer { client.close() }
            client.send("GET /inflight?delay=400 HTTP/1.1\r\nHost: a\r\n\r\n")
            return client.read()
        }
        try await Task.sleep(for: .milliseconds(150))
        server.shutdown()
        await server.waitUntilStopped()
        let text = await answer
        #expect(responses(text).first?.body == "/inflight")
        #expect(text.contains("Connection: close"))
        let refused = await onThread { SocketClient(port: port) == nil }
        #expect(refused)
    }
}
