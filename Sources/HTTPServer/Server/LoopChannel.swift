import CEventLoop
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What one event loop shares with other threads: its listening socket, its wake-up `eventfd`,
/// and the queue through which handler tasks hand it answers.
///
/// Guarantees: events posted for one connection arrive in the order posted; the loop is woken
/// when the queue goes from empty to non-empty, so no event waits for a timeout.
final class LoopChannel: Sendable {
    let listener: ListeningSocket
    let wakeDescriptor: Int32
    private let state = Mutex<State>(State())

    struct State: ~Copyable {
        var completions: [(connection: UInt64, sequence: UInt64, event: HTTPResponseEvent)] = []
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

    /// Asks the loop to drain and stop.
    func requestShutdown() {
        state.withLock { $0.shutdownRequested = true }
        wake()
    }

    /// Takes the queued events, and whether shutdown was requested.
    func take() -> ([(connection: UInt64, sequence: UInt64, event: HTTPResponseEvent)], Bool) {
        var counter: UInt64 = 0
        _ = read(wakeDescriptor, &counter, 8)
        return state.withLock { state in
            defer { state.completions.removeAll(keepingCapacity: true) }
            return (state.completions, state.shutdownRequested)
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
