import Dispatch
import JSONRPC
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Newline-delimited JSON-RPC over a pair of file descriptors (stdin and stdout by default).
///
/// A dedicated thread reads and frames input and hands each message to the engine in arrival
/// order; requests then run concurrently as tasks, and one `OutputWriter` writes every answer
/// whole. Guarantees: at most ``Limits/maximumInFlight`` messages are being handled or waiting to
/// be written (past that the reader stops reading); a line over ``Limits/maximumMessageBytes``
/// is answered with -32600 and skipped without being held in memory; only JSON-RPC messages are
/// written to the output.
public final class StdioTransport: Sendable {
    /// The transport's bounds.
    public struct Limits: Sendable {
        /// Longest message accepted, in bytes.
        public var maximumMessageBytes: Int
        /// Messages being handled or waiting for the writer, at most.
        public var maximumInFlight: Int
        /// Bytes asked for per `read`.
        public var readChunkBytes: Int

        /// The bounds; the defaults (1 MiB lines, 64 in flight, 64 KiB reads) are what the server runs with.
        public init(maximumMessageBytes: Int = 1 << 20, maximumInFlight: Int = 64, readChunkBytes: Int = 64 << 10) {
            self.maximumMessageBytes = maximumMessageBytes
            self.maximumInFlight = maximumInFlight
            self.readChunkBytes = readChunkBytes
        }
    }

    /// Why ``run()`` returned.
    public enum StopReason: Sendable, Equatable {
        /// The input ended and every request was answered.
        case endOfInput
        /// ``stop()`` was called (SIGTERM, SIGINT) and every request in flight was answered.
        case stopped
        /// The output was closed by the other end; nothing more can be said.
        case outputClosed
    }

    private let server: MCPServer
    private let input: Int32
    private let limits: Limits
    private let permits: DispatchSemaphore
    private let writer: OutputWriter
    /// Resource updates and listen streams of this connection, written by ``writer``.
    private let notifications: NotificationChannel
    private let requests = InFlightRequests()
    private let ending = StopSignal()
    private let stopping = Atomic<Bool>(false)

    /// A transport serving `server` from `input` to `output`.
    public init(server: MCPServer, input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO, limits: Limits = Limits()) {
        self.server = server
        self.input = input
        self.limits = limits
        let permits = DispatchSemaphore(value: limits.maximumInFlight)
        self.permits = permits
        let ending = self.ending
        let writer = OutputWriter(fileDescriptor: output, permits: permits) {
            ending.end(.outputClosed)
        }
        self.writer = writer
        self.notifications = server.openChannel { writer.enqueue($0, releasesPermit: false) }
    }

    /// Serves until the input ends, ``stop()`` is called, or the output closes.
    /// Serving ignores SIGPIPE for the whole process: a client that closes our stdout must
    /// produce an EPIPE we handle, not the death of the server.
    public func run() async -> StopReason {
        signal(SIGPIPE, SIG_IGN)
        writer.start()
        PosixThread { [self] in self.readLoop() }.start()
        return await ending.wait()
    }

    /// Stops reading, lets the requests in flight finish and their answers be written, then makes
    /// ``run()`` return ``StopReason/stopped``. Safe to call from any thread, more than once.
    public func stop() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        PosixThread { [self] in
            // Open listen streams would hold their permits for ever: end them first.
            self.notifications.close(sendingCancelled: true)
            self.drain()
            self.ending.end(.stopped)
        }.start()
    }

    /// Waits until every permit is back: nothing is being handled or waiting to be written.
    private func drain() {
        for _ in 0..<limits.maximumInFlight { permits.wait() }
        for _ in 0..<limits.maximumInFlight { permits.signal() }
    }

    private func readLoop() {
        var framer = LineFramer(maximumLineBytes: limits.maximumMessageBytes)
        var session = SessionState(notifications: notifications)
        var chunk = [UInt8](repeating: 0, count: limits.readChunkBytes)
        while !stopping.load(ordering: .relaxed), !ending.hasEnded {
            let count = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count > 0 {
                chunk.withUnsafeBytes { raw in
                    let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                    let lone = Self.endsItsOnlyLine(bytes)
                    framer.append(bytes) { handle($0, session: &session, immediately: lone) }
                }
            } else if count < 0, errno == EINTR {
                continue
            } else if count < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                var poller = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
                _ = poll(&poller, 1, -1)
            } else {
                break  // end of input, or an error that ends it
            }
        }
        guard !stopping.load(ordering: .relaxed), !ending.hasEnded else { return }
        framer.finish { handle($0, session: &session, immediately: false) }
        notifications.close(sendingCancelled: true)
        drain()
        ending.end(.endOfInput)
    }

    /// Whether `bytes` (one read) holds exactly one newline, as its last byte: a client waiting for
    /// each answer before sending the next request. Such a request is run on this thread up to its
    /// first suspension (see ``InFlightRequests/start(id:immediately:_:)``); requests that arrive
    /// several to a read go to the thread pool, so a pipelining client is served on every core.
    static func endsItsOnlyLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress, let newline = memchr(base, 0x0A, bytes.count) else { return false }
        return base.distance(to: UnsafeRawPointer(newline)) == bytes.count - 1
    }

    private func handle(_ frame: LineFramer.Frame, session: inout SessionState, immediately: Bool) {
        guard !stopping.load(ordering: .relaxed), !ending.hasEnded else { return }
        switch frame {
        case .oversized(let byteCount):
            let error = JSONRPCError.invalidRequest(
                "message of \(byteCount) bytes exceeds the limit of \(limits.maximumMessageBytes) bytes")
            perform(.reply(JSONRPCMessage.errorJSON(id: nil, error: error)))
        case .line(let bytes):
            perform(server.receive(line: bytes, session: &session), immediately: immediately)
        }
    }

    private func perform(_ disposition: Disposition, immediately: Bool = false) {
        let writer = self.writer
        let permits = self.permits
        let sink: MessageSink = { writer.enqueue($0, releasesPermit: false) }
        switch disposition {
        case .none:
            return
        case .cancel(let id):
            requests.cancel(id: id)
        case .reply(let message):
            permits.wait()
            writer.enqueue(message, releasesPermit: true)
        case .work(let id, let work):
            permits.wait()
            requests.start(id: id, immediately: immediately) {
                if let answer = await work(sink), !Task.isCancelled {
                    writer.enqueue(answer, releasesPermit: true)
                } else {
                    permits.signal()
                }
            }
        case .batch(let elements):
            for case .cancel(let id) in elements { requests.cancel(id: id) }
            permits.wait()
            requests.start(id: nil, immediately: immediately) {
                if let answer = await Disposition.runBatch(elements, sink: sink) {
                    writer.enqueue(answer, releasesPermit: true)
                } else {
                    permits.signal()
                }
            }
        }
    }
}

/// The first reason the transport stopped, delivered once to whoever waits in ``StdioTransport/run()``.
final class StopSignal: Sendable {
    private struct State {
        var reason: StdioTransport.StopReason?
        var continuation: CheckedContinuation<StdioTransport.StopReason, Never>?
    }

    private let state = Mutex(State())

    /// Records `reason` if none was recorded yet and wakes the waiter.
    func end(_ reason: StdioTransport.StopReason) {
        let continuation = state.withLock { state -> CheckedContinuation<StdioTransport.StopReason, Never>? in
            guard state.reason == nil else { return nil }
            state.reason = reason
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(returning: reason)
    }

    /// Whether a reason was recorded: nothing more should be read.
    var hasEnded: Bool { state.withLock { $0.reason != nil } }

    /// The reason, as soon as there is one.
    func wait() async -> StdioTransport.StopReason {
        await withCheckedContinuation { continuation in
            let early = state.withLock { state -> StdioTransport.StopReason? in
                if let reason = state.reason { return reason }
                state.continuation = continuation
                return nil
            }
            if let early { continuation.resume(returning: early) }
        }
    }
}
