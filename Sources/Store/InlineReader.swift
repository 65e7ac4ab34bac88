import Synchronization

/// A read-only connection used on the caller's own thread, for reads that take microseconds (the
/// `get_status` probe), where a hop to a connection's queue and back would cost more than the read.
///
/// Guarantees: never waits. `ifAvailable` runs its body only if no other caller holds the
/// connection, and the connection's busy timeout is zero, so the body never sleeps on a lock either;
/// in both cases the caller gets `nil` and should fall back to a `SQLiteConnection`, whose queue may
/// wait. So a cooperative thread running this is held only for the read itself.
final class InlineReader: Sendable {
    /// Busy timeout of the inline connection: none. A lock it cannot take at once is reported as
    /// `.busy` for the caller to retry where waiting is harmless.
    static let busyTimeoutMilliseconds: Int32 = 0

    private let handle: Mutex<SQLiteHandle>

    /// Opens `path` read-only for inline use.
    init(path: String) throws(StoreError) {
        handle = Mutex(try SQLiteHandle.open(path: path, readOnly: true, busyTimeoutMilliseconds: Self.busyTimeoutMilliseconds))
    }

    /// Opens the file afresh (see `SQLiteConnection.reopen`), waiting for a caller using it.
    func reopen() throws(StoreError) {
        try handle.withLock { handle throws(StoreError) in try handle.renew() }
    }

    /// Runs `body` with the connection now, on this thread, if nobody else is using it and no lock
    /// is in its way: `nil` without running `body` if somebody is using it, `nil` if `body` throws
    /// `.busy` (so `body` must only read: it may be run again elsewhere). Other errors are thrown.
    func ifAvailable<T: Sendable>(_ body: (SQLiteHandle) throws(StoreError) -> T) throws(StoreError) -> T? {
        do {
            return try handle.withLockIfAvailable { handle throws(StoreError) -> T in try body(handle) }
        } catch {
            guard case .busy = error else { throw error }
            return nil
        }
    }
}
