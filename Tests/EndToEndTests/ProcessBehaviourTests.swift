import Foundation
import JSONRPC
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// How the server process behaves at its edges: end of input with work in flight, signals, a
/// client that closes stdout or reads slowly, and where its logs go.
@Suite struct ProcessBehaviourTests {
    static let initialize = initializeRequest(0, version: "2025-06-18").line + "\n"

    /// `count` pipelined requests with ids 1…count: get_status, or alternately tools/list.
    static func pipelined(_ count: Int, alternatingToolsList: Bool = false) -> String {
        (1...count).map { id in
            let value = JSONValue.integer(Int64(id))
            return (alternatingToolsList && id % 2 == 0 ? request(value, "tools/list") : callRequest(value, "get_status")).line + "\n"
        }.joined()
    }

    @Test func closingStdinWithRequestsInFlightAnswersThemAllAndExits() async throws {
        try await withTemporaryDirectory { directory in
            let server = try startServer(in: directory)
            // Everything in one write, then end of input at once: most requests are still queued
            // or running when the server sees EOF.
            await server.send(Array((Self.initialize + Self.pipelined(500)).utf8), close: true)
            let run = try await server.finish(within: .seconds(30))
            let answers = responsesByID(expectWellBehaved(run))
            #expect(Set(answers.keys) == Set((0...500).map { String($0) }), "every request in flight is answered")
            #expect(answers.values.allSatisfy { $0.count == 1 })
            #expect(run.stderr.contains("stdin closed"), "\(run.stderr)")
        }
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func signalWhileIdleExitsZero(_ signalNumber: Int32) async throws {
        try await withTemporaryDirectory { directory in
            let server = try startServer(in: directory)
            await server.send(Self.initialize)
            let stdout = try #require(server.stdout)
            #expect(await stdout.wait(within: .seconds(30)) { $0.contains(0x0A) }, "no answer to initialize")
            server.signal(signalNumber)
            // stdin stays open: the signal alone must end the server.
            let exit = await server.waitForExit(within: .seconds(10))
            #expect(exit?.termination == .exited(0), "signal \(signalNumber) → \(String(describing: exit))")
            if exit == nil { await server.kill() }
            server.closeInput()
            let run = try await server.finish(within: .seconds(10))
            expectJSONLines(run.stdout)
            #expect(parsedLines(run.stdout).count == 1)
        }
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func signalWithRequestsInFlightExitsZero(_ signalNumber: Int32) async throws {
        try await withTemporaryDirectory { directory in
            let server = try startServer(in: directory)
            let stdout = try #require(server.stdout)
            await server.send(Self.initialize)
            #expect(await stdout.wait(within: .seconds(30)) { $0.contains(0x0A) }, "no answer to initialize")
            // A flood the server is busy with (stdin stays open) when the signal arrives.
            let writer = Task { await server.send(Self.pipelined(3000)) }
            #expect(await stdout.wait(within: .seconds(60)) { bytes in bytes.lazy.filter { $0 == 0x0A }.count > 20 },
                    "the server answered too few requests")
            server.signal(signalNumber)
            let exit = await server.waitForExit(within: .seconds(30))
            #expect(exit?.termination == .exited(0), "signal \(signalNumber) with requests in flight → \(String(describing: exit))")
            if exit == nil { await server.kill() }
            _ = await writer.value
            let run = try await server.finish(within: .seconds(10))
            let answers = responsesByID(expectJSONLines(run.stdout))
            #expect(answers.values.allSatisfy { $0.count == 1 }, "an id was answered twice")
            #expect(Set(answers.keys).isSubset(of: Set((0...3000).map { String($0) })))
            #expect(answers.values.allSatisfy { $0[0]["error"] == nil }, "requests read before the signal are answered normally")
        }
    }

    /// libpq is loaded with dlopen only when a PostgreSQL database is configured: a server on its
    /// SQLite store maps no libpq (nor the Kerberos, LDAP and TLS libraries it would drag in), which
    /// keeps cold start short.
    @Test func aServerOnSQLiteMapsNoLibpq() async throws {
        try await withTemporaryDirectory { directory in
            let server = try startServer(in: directory)
            _ = await server.send(Self.initialize + Self.pipelined(1))
            let answered = await server.stdout?.wait(within: .seconds(30)) { bytes in
                String(decoding: bytes, as: UTF8.self).contains("\"id\":1,")
            }
            #expect(answered == true, "get_status was not answered")
            // /proc files report size 0: read to the end rather than by the announced size.
            let mapsFile = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(server.pid)/maps"))
            let maps = String(decoding: try mapsFile.readToEnd() ?? Data(), as: UTF8.self)
            try mapsFile.close()
            _ = await server.send("", close: true)
            _ = try await server.finish(within: .seconds(10))
            #expect(maps.contains("libsqlite3"), "the maps were read from the live server")
            #expect(!maps.contains("libpq"), "libpq is mapped although no PostgreSQL database is configured")
        }
    }

    @Test func closedStdoutEndsTheServerQuietly() async throws {
        try await withTemporaryDirectory { directory in
            let server = try startServer(in: directory, stdout: .closed)
            let writer = Task { await server.send(Self.initialize + Self.pipelined(200)) }
            let exit = await server.waitForExit(within: .seconds(30))
            // stdin stays open until here: the broken stdout alone must end the server.
            _ = await writer.value
            if exit == nil { await server.kill() }
            let end = try #require(exit, "the server kept running for 30 s after its stdout was closed")
            #expect(end.termination == .exited(0), "a closed stdout must not kill the server (SIGPIPE): \(end.termination)")
            #expect(end.cpuSeconds < 2.5, "the server used \(end.cpuSeconds) s of CPU: a busy loop?")
            let run = try await server.finish(within: .seconds(10))
            #expect(!run.stderr.contains("Fatal error"), "\(run.stderr)")
        }
    }

    @Test func stalledReaderStillGetsEveryAnswerWhole() async throws {
        try await withTemporaryDirectory { directory in
            // Reads 1000 bytes at a time with a pause after each, so the pipe fills and the
            // server's writes block part-way through messages.
            let server = try startServer(in: directory, stdout: .collect(chunk: 1000, pauseMicroseconds: 300))
            await server.send(Self.initialize + Self.pipelined(5000, alternatingToolsList: true), close: true)
            let run = try await server.finish(within: .seconds(300))
            let messages = expectWellBehaved(run)
            let answers = responsesByID(messages)
            #expect(messages.count == 5001)
            #expect(Set(answers.keys) == Set((0...5000).map { String($0) }))
            #expect(answers.values.allSatisfy { $0.count == 1 }, "an id was answered twice")
            let toolLists = (1...2500).map { answers[String($0 * 2)]?.first?.result?["tools"] }
            #expect(toolLists.allSatisfy { $0?.arrayValue?.count == expectedToolNames.count })
        }
    }

    @Test func logsGoToStderrAndStdoutCarriesOnlyJSONRPC() async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runServer(in: directory, lines: [
                initializeRequest(0, version: "2025-11-25").line, initializedNotification.line, request(1, "tools/list").line,
                callRequest(2, "get_status").line, "junk", callRequest(3, "nope").line,
            ], arguments: ["--log-level", "debug"])
            let messages = expectWellBehaved(run)
            #expect(messages.count == 5)
            #expect(messages.allSatisfy { $0["id"] != nil && ($0["result"] != nil || $0["error"] != nil) })
            #expect(run.stderr.contains("serving MCP on stdio"), "the startup line is on stderr:\n\(run.stderr)")
            #expect(!run.stdoutText.contains("serving MCP"), "no log line on stdout")
            // Nothing on stderr is a protocol message.
            #expect(run.stderrLines.allSatisfy { (try? JSONParser.parse($0))?["jsonrpc"] == nil })
        }
    }
}
