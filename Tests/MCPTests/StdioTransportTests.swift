import Dispatch
import JSONRPC
import Synchronization
import Testing
@testable import MCP
#if canImport(Glibc)
import Glibc
#endif

/// A transport running in this process over two pipes: the test writes the client's side of
/// stdin and reads every byte of stdout.
final class PipedTransport: Sendable {
    let transport: StdioTransport
    let clientWrite: Int32
    let clientRead: Int32
    private let serverFDs: (Int32, Int32)

    init(server: MCPServer = testServer(), limits: StdioTransport.Limits = .init()) {
        var toServer: [Int32] = [0, 0]
        var fromServer: [Int32] = [0, 0]
        // Close-on-exec: a process another test spawns meanwhile must not hold these pipes open.
        precondition(pipe(&toServer) == 0 && pipe(&fromServer) == 0)
        for descriptor in toServer + fromServer { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        transport = StdioTransport(server: server, input: toServer[0], output: fromServer[1], limits: limits)
        clientWrite = toServer[1]
        clientRead = fromServer[0]
        serverFDs = (toServer[0], fromServer[1])
    }

    func write(_ text: String) { write(Array(text.utf8)) }

    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(clientWrite, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    func closeInput() { close(clientWrite) }

    /// Reads everything the server writes until it closes its side, on a thread of its own.
    func readAll(chunk: Int = 65536, pauseMicroseconds: UInt32 = 0) -> Task<[UInt8], Never> {
        let descriptor = clientRead
        return Task {
            await onThread {
                var all: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: chunk)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count <= 0 { break }
                    all.append(contentsOf: buffer[0..<count])
                    if pauseMicroseconds > 0 { usleep(pauseMicroseconds) }
                }
                return all
            }
        }
    }

    /// Writes on a thread of its own, then runs `after` there (e.g. closing the input).
    @discardableResult
    func writeInBackground(_ chunks: [String], delayMicroseconds: UInt32 = 0, closeAfter: Bool = true) -> Task<Void, Never> {
        Task {
            await onThread {
                for (index, chunk) in chunks.enumerated() {
                    if index > 0, delayMicroseconds > 0 { usleep(delayMicroseconds) }
                    self.write(chunk)
                }
                if closeAfter { self.closeInput() }
            }
        }
    }

    /// Runs the transport to its end, then closes the server's side of stdout. The server's side
    /// of stdin stays open: its reader thread may still be inside `read`, and a closed number
    /// reused by the next test's pipe would hand it that test's input.
    func run() async -> StdioTransport.StopReason {
        let reason = await transport.run()
        close(serverFDs.1)
        return reason
    }
}

/// Runs blocking work on a POSIX thread, so it cannot starve the cooperative pool the server's
/// own tasks need (a blocked pool thread in a test would deadlock a 2-core machine).
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        PosixThread { continuation.resume(returning: body()) }.start()
    }
}

func lines(_ bytes: [UInt8]) -> [JSONValue?] {
    bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { try? JSONParser.parse($0) }
}

let initializeLine = #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}}"# + "\n"

@Suite(.serialized) struct StdioTransportTests {
    @Test func answersTenThousandPipelinedRequestsExactlyOnce() async {
        let piped = PipedTransport()
        let output = piped.readAll()
        var text = initializeLine
        for id in 1...10_000 {
            text += #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"echo","arguments":{"count":1}}}"# + "\n"
        }
        let writer = piped.writeInBackground([text])
        #expect(await piped.run() == .endOfInput)
        await writer.value
        let answers = lines(await output.value)
        #expect(answers.allSatisfy { $0 != nil })
        let ids = answers.compactMap { $0?["id"]?.integerValue }
        #expect(ids.count == 10_001)
        #expect(Set(ids) == Set(0...10_000))
        #expect(answers.allSatisfy { $0?["error"] == nil && $0?["result"]?["isError"] != true })
    }

    @Test func skipsAnOversizedLineWithAnErrorAndKeepsServing() async {
        let piped = PipedTransport(limits: .init(maximumMessageBytes: 1 << 20))
        let output = piped.readAll()
        let filler = String(repeating: "a", count: 1 << 20)
        piped.writeInBackground([initializeLine, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":""#]
            + Array(repeating: filler, count: 10)  // a 10 MiB line
            + ["\"}}}\n" + #"{"jsonrpc":"2.0","id":2,"method":"ping"}"# + "\n"])
        #expect(await piped.run() == .endOfInput)
        let answers = lines(await output.value)
        #expect(answers.count == 3)
        #expect(answers[1]?.errorCode == -32600)
        #expect(answers[1]?["id"] == .null)
        #expect(answers[2]?["id"] == 2)
    }

    @Test func answersBinaryAndHalfLinesWithParseErrors() async {
        let piped = PipedTransport()
        let output = piped.readAll()
        piped.write([0x00, 0xFF, 0xFE, 0x80, 0x0A])
        piped.writeInBackground([#"{"jsonrpc":"2.0","id":1,"method":"ping"}"# + "\n", #"{"jsonrpc":"2.0","id":2,"meth"#])
        #expect(await piped.run() == .endOfInput)
        let answers = lines(await output.value)
        #expect(answers.map { $0?.errorCode } == [-32700, nil, -32700])
        #expect(answers[1]?["id"] == 1)
    }

    @Test func answersAFinalLineThatLacksItsNewline() async {
        let piped = PipedTransport()
        let output = piped.readAll()
        piped.writeInBackground([#"{"jsonrpc":"2.0","id":7,"method":"ping"}"#])
        _ = await piped.run()
        #expect(lines(await output.value).first??["id"] == 7)
    }

    @Test func cancelsARequestAndSendsNothingForIt() async {
        let piped = PipedTransport()
        let output = piped.readAll()
        piped.writeInBackground([
            initializeLine + #"{"jsonrpc":"2.0","id":"slow-1","method":"tools/call","params":{"name":"slow"}}"# + "\n",
            #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow-1","reason":"test"}}"# + "\n"
                + #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"unknown"}}"# + "\n"
                + #"{"jsonrpc":"2.0","id":2,"method":"ping"}"# + "\n",
        ], delayMicroseconds: 100_000)
        let started = ContinuousClock.now
        #expect(await piped.run() == .endOfInput)
        #expect(ContinuousClock.now - started < .seconds(4), "the cancelled call must not run its 5 s")
        let ids = lines(await output.value).compactMap { $0?["id"] }
        #expect(ids == [0, 2])
    }

    @Test func cancelsARequestThatArrivedOnItsOwnAndStartedImmediately() async {
        // Each chunk is read on its own, so the call runs on the reader's thread until it suspends.
        let piped = PipedTransport()
        let output = piped.readAll()
        piped.writeInBackground([
            initializeLine,
            #"{"jsonrpc":"2.0","id":"slow-1","method":"tools/call","params":{"name":"slow"}}"# + "\n",
            #"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow-1"}}"# + "\n",
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"text":"after"}}}"# + "\n",
        ], delayMicroseconds: 100_000)
        let started = ContinuousClock.now
        #expect(await piped.run() == .endOfInput)
        #expect(ContinuousClock.now - started < .seconds(4), "the cancelled call must not run its 5 s")
        let answers = lines(await output.value).compactMap { $0 }.filter { $0["id"] != nil }
        #expect(answers.map { $0["id"] } == [0, 2])
        #expect(answers.last?["result"]?["structuredContent"] == ["text": "after"])
    }

    @Test func finishesRequestsInFlightAfterEndOfInput() async {
        let piped = PipedTransport()
        let output = piped.readAll()
        piped.writeInBackground([initializeLine, #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"fail"}}"# + "\n"])
        #expect(await piped.run() == .endOfInput)
        #expect(lines(await output.value).last??["id"] == 1)
    }

    @Test func stopDrainsRequestsInFlight() async {
        let piped = PipedTransport()
        let output = piped.readAll()
        piped.write(initializeLine)
        piped.write(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}"# + "\n")
        let run = Task { await piped.run() }
        try? await Task.sleep(for: .milliseconds(200))
        piped.transport.stop()
        #expect(await run.value == .stopped)
        #expect(lines(await output.value).compactMap { $0?["id"] } == [0, 1])
        piped.closeInput()
    }

    @Test func endsQuietlyWhenTheOutputIsClosed() async {
        let piped = PipedTransport()
        close(piped.clientRead)
        let pings = (1...100).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"ping"}"# + "\n" }
        let writer = piped.writeInBackground(pings, closeAfter: false)
        #expect(await piped.run() == .outputClosed)
        await writer.value
        piped.closeInput()
    }

    @Test func neverInterleavesMessagesWhenTheReaderStalls() async {
        let piped = PipedTransport()
        // A reader that takes small bites and pauses, so the pipe fills and writes block mid-message.
        let output = piped.readAll(chunk: 1000, pauseMicroseconds: 200)
        let big = String(repeating: "x", count: 20)
        var text = #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{}}}"# + "\n"
        for id in 1...3000 {
            text += #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"echo","arguments":{"text":"\#(big)"}}}"# + "\n"
            text += #"{"jsonrpc":"2.0","id":"p\#(id)","method":"tools/list"}"# + "\n"
        }
        piped.writeInBackground([text])
        #expect(await piped.run() == .endOfInput)
        let answers = lines(await output.value)
        #expect(answers.count == 6001)
        #expect(answers.allSatisfy { $0 != nil })
    }
}
