import JSONRPC
import Synchronization

/// The tasks of requests still running, by id, so `notifications/cancelled` can reach them.
final class InFlightRequests: Sendable {
    private struct Entry {
        let serial: UInt64
        /// Nil from registration until the task exists (an immediate task runs in between).
        var task: Task<Void, Never>?
        /// A cancellation that arrived before `task` was recorded.
        var cancelRequested = false
    }

    private struct State {
        var byID: [RequestID: Entry] = [:]
        var nextSerial: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Starts `body` as a task registered under `id` (if any) until it ends.
    ///
    /// `immediately` runs the task on the calling thread up to its first suspension
    /// (`Task.immediate`): a request that never suspends is answered with no thread switch at all.
    /// Otherwise the task starts on the global executor. The entry is registered before the task
    /// starts, so a task that ends at once finds it to remove, and a cancellation that arrives
    /// before the task is recorded still reaches it.
    func start(id: RequestID?, immediately: Bool, _ body: @escaping @Sendable () async -> Void) {
        guard let id else {
            Self.spawn(immediately: immediately, body)
            return
        }
        let serial = state.withLock { state in
            state.nextSerial += 1
            state.byID[id] = Entry(serial: state.nextSerial)
            return state.nextSerial
        }
        let task = Self.spawn(immediately: immediately) { [self] in
            await body()
            self.finish(id: id, serial: serial)
        }
        let cancelNow = state.withLock { state -> Bool in
            guard state.byID[id]?.serial == serial else { return false }  // already finished
            if state.byID[id]?.cancelRequested == true {
                state.byID[id] = nil
                return true
            }
            state.byID[id]?.task = task
            return false
        }
        if cancelNow { task.cancel() }
    }

    /// Cancels the request with this id if it is still running; unknown ids are ignored, as the
    /// specification asks (the answer may already have gone).
    func cancel(id: RequestID) {
        let task = state.withLock { state -> Task<Void, Never>? in
            guard let entry = state.byID[id] else { return nil }
            guard let task = entry.task else {
                state.byID[id]?.cancelRequested = true
                return nil
            }
            state.byID[id] = nil
            return task
        }
        task?.cancel()
    }

    /// Requests registered and not yet finished or cancelled.
    var count: Int { state.withLock { $0.byID.count } }

    @discardableResult
    private static func spawn(immediately: Bool, _ body: @escaping @Sendable () async -> Void) -> Task<Void, Never> {
        immediately ? Task.immediate { await body() } : Task { await body() }
    }

    private func finish(id: RequestID, serial: UInt64) {
        state.withLock { state in
            if state.byID[id]?.serial == serial { state.byID[id] = nil }
        }
    }
}
