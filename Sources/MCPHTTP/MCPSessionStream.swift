import JSONRPC
import MCP
import Synchronization

/// The way from one handshake-era session to its client for unsolicited messages
/// (`notifications/resources/updated`): the session's GET SSE stream.
///
/// Guarantees: each message goes on exactly one stream, whole, in order; while no stream is open,
/// up to ``maximumHeld`` messages wait for the next one (older ones are dropped first); a new GET
/// replaces the previous stream (which ends); after ``close()`` nothing is sent and the open
/// stream ends.
final class MCPSessionStream: Sendable {
    /// Messages kept for a session with no open stream.
    static let maximumHeld = 100

    private struct State {
        var continuation: AsyncStream<[UInt8]>.Continuation?
        var generation = 0
        var held: [[UInt8]] = []
        var closed = false
    }

    private let state = Mutex(State())

    /// Whether a GET stream is open.
    var isOpen: Bool { state.withLock { $0.continuation != nil } }

    /// Sends `message` as an SSE `message` event, or holds it until a stream opens.
    func send(_ message: JSONValue) {
        let event = MCPEndpoint.event(message)
        state.withLock { state in
            guard !state.closed else { return }
            if let continuation = state.continuation {
                continuation.yield(event)
            } else {
                state.held.append(event)
                if state.held.count > Self.maximumHeld { state.held.removeFirst(state.held.count - Self.maximumHeld) }
            }
        }
    }

    /// A new stream for the session's GET, starting with the messages held; nil after ``close()``.
    func open() -> AsyncStream<[UInt8]>? {
        let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .unbounded)
        let opened = state.withLock { state -> Int? in
            guard !state.closed else { return nil }
            state.continuation?.finish()
            state.generation += 1
            for event in state.held { continuation.yield(event) }
            state.held = []
            state.continuation = continuation
            return state.generation
        }
        guard let generation = opened else { return nil }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in
                if state.generation == generation { state.continuation = nil }
            }
        }
        return stream
    }

    /// Ends the open stream and sends nothing more.
    func close() {
        let continuation = state.withLock { state -> AsyncStream<[UInt8]>.Continuation? in
            state.closed = true
            state.held = []
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.finish()
    }
}
