import Dispatch

/// A serial executor running one connection's jobs on a private dispatch queue.
///
/// SQLite calls block: disk reads, fsync, and waits of up to the busy timeout. Running them on a
/// connection's own queue keeps them off Swift's cooperative thread pool (two threads on the target
/// machine), so a slow query never starves protocol handling. Jobs run one at a time, in order.
final class SQLiteExecutor: SerialExecutor {
    private let queue: DispatchQueue

    /// Creates an executor with its own serial queue named `label`.
    init(label: String) {
        queue = DispatchQueue(label: label, qos: .userInitiated)
    }

    /// Runs `job` on this executor's queue after every job enqueued before it.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async {
            job.runSynchronously(on: self.asUnownedSerialExecutor())
        }
    }

    /// This executor as the actor runtime refers to it.
    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Traps unless called on this executor's queue (used by `assumeIsolated`).
    func checkIsolated() {
        dispatchPrecondition(condition: .onQueue(queue))
    }
}
