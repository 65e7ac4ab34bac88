import Dispatch
import Synchronization

/// One pooled connection and the serial queue every libpq call on it runs on, so blocking waits
/// never occupy Swift's cooperative threads.
final class ConnectionSlot: @unchecked Sendable {
    // `connection` is read and written only by blocks running on `queue`, a serial queue: that
    // serialises every access to it and to the libpq handle inside.
    private let queue: DispatchQueue
    private var connection: PGConnection?

    /// A reused connection that fails this quickly broke while idle (the server restarted or cut
    /// it): one retry on a fresh connection is safe, as every call only reads.
    private static let quickFailure: Duration = .milliseconds(500)

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    /// Runs `body` on this slot's connection (connecting first when there is none or it broke),
    /// on the slot's queue.
    func run<T: Sendable>(_ settings: PostgresSettings,
                          _ body: @escaping @Sendable (PGConnection) throws(PostgresError) -> T) async -> Result<T, PostgresError> {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.runHere(settings, body)) }
        }
    }

    /// Closes the connection, if any, once work already queued is done.
    func close() async {
        await withCheckedContinuation { continuation in
            queue.async {
                self.connection = nil
                continuation.resume()
            }
        }
    }

    private func runHere<T>(_ settings: PostgresSettings, _ body: (PGConnection) throws(PostgresError) -> T) -> Result<T, PostgresError> {
        let started = ContinuousClock.now
        let reused = connection?.isHealthy == true
        switch attempt(settings, body) {
        case .success(let value):
            return .success(value)
        case .failure(let error) where reused && Self.isRetryable(error) && ContinuousClock.now - started < Self.quickFailure:
            return attempt(settings, body)
        case .failure(let error):
            return .failure(error)
        }
    }

    private func attempt<T>(_ settings: PostgresSettings, _ body: (PGConnection) throws(PostgresError) -> T) -> Result<T, PostgresError> {
        do throws(PostgresError) {
            let current: PGConnection
            if let existing = connection, existing.isHealthy {
                current = existing
            } else {
                connection = nil
                current = try PGConnection.connect(settings)
                connection = current
            }
            return .success(try body(current))
        } catch {
            // After a statement or lock timeout the transaction was rolled back and the
            // connection is fine; anything else may have left it in an unknown state.
            if error.code != .statementTimeout, error.code != .lockTimeout, error.code != .queryFailed,
               error.code != .permissionDenied, error.code != .schemaMismatch {
                connection = nil
            } else if connection?.isHealthy != true {
                connection = nil
            }
            return .failure(error)
        }
    }

    private static func isRetryable(_ error: PostgresError) -> Bool {
        error.code == .connectionLost || (error.code == .serverUnavailable && error.sqlState?.hasPrefix("57P") == true)
    }
}

/// A fixed number of connections handed out one call at a time, plus one connection of its own
/// for pings, so `get_status` answers while every pooled connection is busy (say, waiting on a
/// locked table).
///
/// Guarantees: a call waits for a free slot, then runs on that slot's queue; a broken connection
/// is replaced by the next call that gets its slot; ``isConnected`` is the outcome of the latest
/// call or ping.
final class ConnectionPool: Sendable {
    private struct State {
        var idle: [Int]
        var waiters: [CheckedContinuation<Int, Never>] = []
        var connected = false
        var closed = false
    }

    let settings: PostgresSettings
    private let slots: [ConnectionSlot]
    private let pingSlot: ConnectionSlot
    private let state: Mutex<State>

    init(settings: PostgresSettings) {
        self.settings = settings
        slots = (0..<settings.poolSize).map { ConnectionSlot(label: "lustores.postgres.\($0)") }
        pingSlot = ConnectionSlot(label: "lustores.postgres.ping")
        state = Mutex(State(idle: Array((0..<settings.poolSize).reversed())))
    }

    /// Whether the latest call or ping reached the server.
    var isConnected: Bool { state.withLock { $0.connected } }

    /// Runs `body` on a pooled connection.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws(PostgresError) -> T) async throws(PostgresError) -> T {
        guard let index = await acquire() else { throw PostgresError(.closed, "the PostgreSQL store was closed") }
        let result = await slots[index].run(settings, body)
        release(index)
        return try record(result).get()
    }

    /// Runs `body` on the ping connection.
    func withPingConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws(PostgresError) -> T) async throws(PostgresError) -> T {
        guard !state.withLock({ $0.closed }) else { throw PostgresError(.closed, "the PostgreSQL store was closed") }
        return try record(await pingSlot.run(settings, body)).get()
    }

    /// Closes every connection; later calls fail with ``PostgresError/Code/closed``.
    func close() async {
        let waiters = state.withLock { state in
            state.closed = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: -1) }
        for slot in slots { await slot.close() }
        await pingSlot.close()
    }

    private func record<T>(_ result: Result<T, PostgresError>) -> Result<T, PostgresError> {
        switch result {
        case .success: state.withLock { $0.connected = true }
        case .failure(let error):
            if error.isUnavailable, error.code != .statementTimeout, error.code != .lockTimeout {
                state.withLock { $0.connected = false }
            }
        }
        return result
    }

    private func acquire() async -> Int? {
        let index: Int = await withCheckedContinuation { continuation in
            let free: Int? = state.withLock { state in
                if state.closed { return -1 }
                if let index = state.idle.popLast() { return index }
                state.waiters.append(continuation)
                return nil
            }
            if let free { continuation.resume(returning: free) }
        }
        return index >= 0 ? index : nil
    }

    private func release(_ index: Int) {
        let waiter: CheckedContinuation<Int, Never>? = state.withLock { state in
            if !state.waiters.isEmpty { return state.waiters.removeFirst() }
            state.idle.append(index)
            return nil
        }
        waiter?.resume(returning: index)
    }
}
