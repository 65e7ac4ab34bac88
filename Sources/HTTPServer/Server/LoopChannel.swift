import CEventLoop
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A connection accepted over a cap, looking for a loop that can close a more expendable one to
/// make room for it (see ``EventLoop``): each loop owns its connections, so only the loop holding a
/// victim can close it.
struct Arrival: Sendable {
    let descriptor: Int32
    let address: String
    /// When it was accepted: its header timeout runs from then, whichever loop adopts it.
    let acceptedAt: Double
    /// Its address holds more than its cap, or all loops together hold more than theirs.
    var needsAddressRoom: Bool
    var needsTotalRoom: Bool
    /// The most valuable kind of connection that may be closed for it in this pass: every loop
    /// is asked for a silent victim before any is asked for an idle one.
    var victimRank: Int = 0
    /// Loops asked in this pass.
    var loopsAsked = 0
}

/// What one event loop shares with other threads: its listening socket, its wake-up `eventfd`,
/// the queue through which handler tasks hand it answers, and the connections other loops
/// hand it to make room for.
///
/// Guarantees: events posted for one connection arrive in the order posted; the loop is woken
/// when the queue goes from empty to non-empty, so no event waits for a timeout.
final class LoopChannel: Sendable {
    let listener: ListeningSocket
    let wakeDescriptor: Int32
    private let state = Mutex<State>(State())

    struct State: ~Copyable {
        var completions: [(connection: UInt64, sequence: UInt64, event: HTTPResponseEvent)] = []
        var arrivals: [Arrival] = []
        var shutdownRequested = false
    }

    init(listener: ListeningSocket) throws(HTTPServerError) {
        let wake = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wake >= 0 else { throw HTTPServerError(.eventLoopFailed, "eventfd: \(errnoText())") }
        self.listener = listener
        self.wakeDescriptor = wake
    }

    /// Hands an answer event to the loop.
    func post(connection: UInt64, sequence: UInt64, event: HTTPResponseEvent) {
        let wasEmpty = state.withLock { state -> Bool in
            state.completions.append((connection, sequence, event))
            return state.completions.count == 1
        }
        if wasEmpty { wake() }
    }

    /// Hands the loop a connection another loop accepted over a cap and could not make room for.
    func post(arrival: Arrival) {
        let wasEmpty = state.withLock { state -> Bool in
            state.arrivals.append(arrival)
            return state.arrivals.count == 1
        }
        if wasEmpty { wake() }
    }

    /// Asks the loop to drain and stop.
    func requestShutdown() {
        state.withLock { $0.shutdownRequested = true }
        wake()
    }

    /// Takes the queued events and arrivals, and whether shutdown was requested.
    func take() -> (completions: [(connection: UInt64, sequence: UInt64, event: HTTPResponseEvent)], arrivals: [Arrival], shutdown: Bool) {
        var counter: UInt64 = 0
        _ = read(wakeDescriptor, &counter, 8)
        return state.withLock { state in
            defer {
                state.completions.removeAll(keepingCapacity: true)
                state.arrivals.removeAll()
            }
            return (state.completions, state.arrivals, state.shutdownRequested)
        }
    }

    func wake() {
        var one: UInt64 = 1
        _ = write(wakeDescriptor, &one, 8)
    }

    /// Closes the descriptors once the loop has stopped.
    func close() {
        _ = Glibc.close(listener.descriptor)
        _ = Glibc.close(wakeDescriptor)
    }
}
