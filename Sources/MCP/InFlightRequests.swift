import JSONRPC
import Synchronization

/// The tasks of requests still running, by id, so `notifications/cancelled` can reach them.
final class InFlightRequests: Sendable {
    private struct Entry {
        let serial: UInt64
        let task: Task<Void, Never>
    }

    private struct State {
        var byID: [RequestID: Entry] = [:]
        var nextSerial: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Starts `body` as a task registered under `id` (if any) until it ends. Registration happens
    /// under the lock, so a task that ends at once cannot unregister before it was registered.
    func start(id: RequestID?, _ body: @escaping @Sendable () async -> Void) {
        guard let id else {
            Task { await body() }
            return
        }
        state.withLock { state in
            state.nextSerial += 1
            let serial = state.nextSerial
            let task = Task { [self] in
                await body()
                self.finish(id: id, serial: serial)
            }
            state.byID[id] = Entry(serial: serial, task: task)
        }
    }

    /// Cancels the request with this id if it is still running; unknown ids are ignored, as the
    /// specification asks (the answer may already have gone).
    func cancel(id: RequestID) {
        let task = state.withLock { $0.byID.removeValue(forKey: id)?.task }
        task?.cancel()
    }

    private func finish(id: RequestID, serial: UInt64) {
        state.withLock { state in
            if state.byID[id]?.serial == serial { state.byID[id] = nil }
        }
    }
}
