import JSONRPC

/// The lifecycle of one handshake-era connection (a stdio process, or one HTTP session).
///
/// Owned by whoever reads the connection's messages in order, and passed `inout` to
/// ``MCPServer/receive(_:session:)``: it is never shared, so it needs no lock. Stateless
/// (2026-07-28) requests neither read nor change it.
public struct SessionState: Sendable {
    /// The revision agreed in `initialize`; nil until then.
    public internal(set) var revision: ProtocolRevision?
    /// What the client declared in `initialize`.
    public internal(set) var clientCapabilities: JSONValue = .object(JSONObject())
    /// The client's `clientInfo`, as sent.
    public internal(set) var clientInfo: JSONValue?
    /// Whether `notifications/initialized` has arrived.
    public internal(set) var initializedNotificationReceived = false
    /// The level set by `logging/setLevel`; nil means the client gets no log notifications.
    public internal(set) var logLevel: LogLevel?
    /// Where this connection's unsolicited notifications go (resource updates, listen streams);
    /// set by the transport from ``MCPServer/openChannel(sink:)``. Without one, `resources/subscribe`
    /// is refused and a `subscriptions/listen` stream gets a channel of its own.
    public var notifications: NotificationChannel?

    /// A connection that has not yet been initialized; `notifications` delivers what it subscribes to.
    public init(notifications: NotificationChannel? = nil) {
        self.notifications = notifications
    }

    /// Whether `initialize` has been answered.
    public var isInitialized: Bool { revision != nil }
}

/// What a transport must do with one incoming message, as decided by ``MCPServer``.
public enum Disposition: Sendable {
    /// Nothing to send (a notification, a response, a dropped message).
    case none
    /// Send this message now.
    case reply(JSONValue)
    /// Run `work` concurrently; send what it returns (nothing if it returns nil or was cancelled).
    /// `requestID` is what `notifications/cancelled` refers to.
    case work(requestID: RequestID?, work: @Sendable (_ sink: @escaping MessageSink) async -> JSONValue?)
    /// Cancel the in-flight request with this id, if there is one.
    case cancel(RequestID)
    /// A JSON-RPC batch (2025-03-26): cancellations take effect at once; the other elements run
    /// concurrently and their answers go out together as one array (nothing if there are none).
    case batch([Disposition])

    /// Runs the elements of a batch that produce answers and returns the answer array, or nil
    /// when there is nothing to send.
    public static func runBatch(_ elements: [Disposition], sink: @escaping MessageSink) async -> JSONValue? {
        let answers = await withTaskGroup(of: (Int, JSONValue?).self) { group in
            for (position, element) in elements.enumerated() {
                switch element {
                case .reply(let message): group.addTask { (position, message) }
                case .work(_, let work): group.addTask { (position, await work(sink)) }
                case .none, .cancel, .batch: break
                }
            }
            var collected: [(Int, JSONValue)] = []
            for await (position, answer) in group {
                if let answer { collected.append((position, answer)) }
            }
            return collected.sorted { $0.0 < $1.0 }.map(\.1)
        }
        return answers.isEmpty ? nil : .array(answers)
    }
}
