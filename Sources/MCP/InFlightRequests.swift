import JSONRPC
import Synchronization

/// The tasks of requests still running, by id, so `notifications/cancelled` can reach them.
final class InFlightRequests: Sendable {
    private struct Entry {
        let serial: UInt64
        var task: Task<Void, Never>?
    }

    private struct State {
        var byID: [RequestID: Entry] = [:]
        var nextSerial: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Starts `body` as a task registered under `id` (if any) until it ends.
    ///
    /// The task starts immediately on the calling thread (the transport's reader, already awake)
    /// and runs there until its first suspension: a lone request then costs one thread wake-up
    /// fewer. Callers start requests and cancel them from that one thread, in order, so a cancel
    /// always finds the task of the request it names.
    func start(id: RequestID?, _ body: @escaping @Sendable () async -> Void) {
        guard let id else {
            Task.immediate { await body() }
            return
        }
        let serial = state.withLock { state -> UInt64 in
            state.nextSerial += 1
            state.byID[id] = Entry(serial: state.nextSerial, task: nil)
            return state.nextSerial
        }
        // Not under the lock: the body may finish before `Task.immediate` returns, and its
        // `finish` takes the lock.
        let task = Task.immediate { [self] in
            await body()
            self.finish(id: id, serial: serial)
        }
        state.withLock { state in
            if state.byID[id]?.serial == serial { state.byID[id]?.task = task }
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
