import JSONRPC
import MCP
import Synchronization

/// The handshake-era sessions of `/mcp`, one `SessionState` per `Mcp-Session-Id`.
///
/// Guarantees: ids are 128 random bits from the system's secure generator, as 32 hex digits
/// (visible ASCII); a session's messages go through the engine one at a time, in arrival order
/// (its state is changed under a lock, never shared); at most ``maximumSessions`` live at once and
/// a session unused for ``idleLifetimeSeconds`` is forgotten.
public final class MCPSessions: Sendable {
    /// Most sessions alive at once; `initialize` past it is answered 503.
    public static let maximumSessions = 1000
    /// Seconds a session may go unused before it is forgotten.
    public static let idleLifetimeSeconds = 3600.0

    private struct Entry {
        var state: SessionState
        var lastUsed: Double
        /// Where the session's unsolicited notifications go (its GET stream).
        let stream: MCPSessionStream?
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// How to cancel each call in flight, by session and request id.
    private let inFlight = Mutex<[String: [RequestID: @Sendable () -> Void]]>([:])

    /// An empty table.
    public init() {}

    /// A new session with `state` (after `initialize`), whose notifications go to `stream`; nil
    /// when the table is full.
    func create(_ state: SessionState, stream: MCPSessionStream? = nil, now: Double) -> String? {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<2).map { _ in
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
        return entries.withLock { table -> String? in
            if table.count >= Self.maximumSessions {
                for (_, expired) in table where now - expired.lastUsed >= Self.idleLifetimeSeconds { Self.end(expired) }
                table = table.filter { now - $0.value.lastUsed < Self.idleLifetimeSeconds }
                guard table.count < Self.maximumSessions else { return nil }
            }
            table[id] = Entry(state: state, lastUsed: now, stream: stream)
            return id
        }
    }

    /// Runs `body` on session `id`'s state; nil when there is no such session.
    func with<T>(_ id: String, now: Double, _ body: (inout SessionState) -> T) -> T? {
        entries.withLock { table -> T? in
            guard var entry = table[id], now - entry.lastUsed < Self.idleLifetimeSeconds else {
                if let expired = table.removeValue(forKey: id) { Self.end(expired) }
                return nil
            }
            let result = body(&entry.state)
            entry.lastUsed = now
            table[id] = entry
            return result
        }
    }

    /// Ends session `id`, cancelling its calls in flight; whether it existed.
    func remove(_ id: String) -> Bool {
        let cancellations = inFlight.withLock { $0.removeValue(forKey: id) } ?? [:]
        for cancel in cancellations.values { cancel() }
        guard let entry = entries.withLock({ $0.removeValue(forKey: id) }) else { return false }
        Self.end(entry)
        return true
    }

    /// A new GET stream of session `id`'s notifications; nil when there is no such session.
    func openStream(_ id: String, now: Double) -> AsyncStream<[UInt8]>? {
        let stream = with(id, now: now) { _ in () }.flatMap { entries.withLock { $0[id]?.stream } }
        return stream?.open()
    }

    /// Whether session `id` has a GET stream open.
    func hasOpenStream(_ id: String) -> Bool {
        entries.withLock { $0[id]?.stream }?.isOpen ?? false
    }

    /// Ends every session's notification channel and GET stream (server shutdown), so no stream
    /// keeps a connection open; the sessions themselves remain until they expire.
    public func closeStreams() {
        let all = entries.withLock { Array($0.values) }
        for entry in all { Self.end(entry) }
    }

    /// Closes what a session that ends holds open: its notification channel and its GET stream.
    private static func end(_ entry: Entry) {
        entry.state.notifications?.close()
        entry.stream?.close()
    }

    /// Records how to cancel request `request` of session `session` while it runs.
    func register(session: String, request: RequestID, cancel: @escaping @Sendable () -> Void) {
        inFlight.withLock { $0[session, default: [:]][request] = cancel }
    }

    /// Forgets request `request` of session `session` (it has finished).
    func unregister(session: String, request: RequestID) {
        inFlight.withLock { table in
            table[session]?[request] = nil
            if table[session]?.isEmpty == true { table[session] = nil }
        }
    }

    /// How many calls of session `session` are in flight.
    func inFlightCount(session: String) -> Int {
        inFlight.withLock { $0[session]?.count ?? 0 }
    }

    /// Cancels request `request` of session `session`, if it is in flight.
    func cancel(session: String, request: RequestID) {
        let cancel = inFlight.withLock { $0[session]?[request] }
        cancel?()
    }

    /// How many sessions are live.
    public var count: Int { entries.withLock { $0.count } }
}
