import JSONRPC
import Synchronization

/// One connection's way back to its client for notifications nobody asked for in a request:
/// `notifications/resources/updated` for the URIs it subscribed to (`resources/subscribe`,
/// handshake revisions) and the streams of its `subscriptions/listen` requests (2026-07-28).
///
/// A transport opens one per connection with ``MCPServer/openChannel(sink:)``, puts it in the
/// connection's ``SessionState/notifications``, and calls ``close(sendingCancelled:)`` when the
/// connection ends. Guarantees: an update is sent only for a URI subscribed on this channel (or
/// named by a listen stream, then with its `io.modelcontextprotocol/subscriptionId`); a listen
/// stream's acknowledgement is its first message; nothing is sent after ``close(sendingCancelled:)``
/// or after a listen stream is cancelled.
///
/// What each transport does:
/// - stdio: one channel for the process, writing through the same writer as every answer; at the
///   end of input or on stop it is closed with `sendingCancelled: true` (stdio's rule for ending a
///   listen stream) before waiting for the requests in flight.
/// - HTTP, handshake revisions: one channel per `Mcp-Session-Id`, stored in that session's
///   ``SessionState``, whose sink writes to the session's GET SSE stream (or holds messages until
///   one is open); closed when the session is deleted or expires.
/// - HTTP, 2026-07-28: `subscriptions/listen` is a `.work` disposition like a tool call. Run it
///   with the request's own SSE stream as its sink and keep the stream open until the work returns;
///   cancel its task when the client closes the stream (no answer is then written); on shutdown
///   ``MCPServer/closeAllChannels()`` makes every stream end with its final result. The request's
///   ``SessionState`` needs no channel: the stream gets one of its own.
public final class NotificationChannel: Sendable {
    private struct Listen {
        let uris: Set<String>
        let sink: MessageSink
        let end: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var subscribed: Set<String> = []
        var listens: [RequestID: Listen] = [:]
        var closed = false
    }

    private let sink: MessageSink
    private let state = Mutex(State())

    init(sink: @escaping MessageSink) {
        self.sink = sink
    }

    /// The URIs subscribed with `resources/subscribe` and not unsubscribed.
    public var subscribedURIs: Set<String> { state.withLock { $0.subscribed } }

    /// Whether a listen stream with this id is open.
    public func isListening(_ id: RequestID) -> Bool { state.withLock { $0.listens[id] != nil } }

    func subscribe(_ uri: String) { state.withLock { _ = $0.subscribed.insert(uri) } }

    func unsubscribe(_ uri: String) { state.withLock { _ = $0.subscribed.remove(uri) } }

    /// Sends `notifications/resources/updated` for `uri` to whoever on this channel asked for it.
    func resourceUpdated(_ uri: String) {
        state.withLock { state in
            guard !state.closed else { return }
            if state.subscribed.contains(uri) {
                sink(Self.updated(uri, subscriptionID: nil))
            }
            for (id, listen) in state.listens where listen.uris.contains(uri) {
                listen.sink(Self.updated(uri, subscriptionID: id))
            }
        }
    }

    /// Opens listen stream `id`: sends `acknowledgement` through `sink`, then every update of a
    /// URI in `uris`, until the channel closes (returns true: send the final result) or the
    /// calling task is cancelled (returns false: send nothing more).
    func listen(id: RequestID, uris: Set<String>, acknowledgement: JSONValue, sink: @escaping MessageSink) async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (end: CheckedContinuation<Bool, Never>) in
                let outcome = state.withLock { state -> Bool? in
                    if state.closed { return true }
                    if Task.isCancelled { return false }
                    // Under the lock, so no update of this stream can overtake its acknowledgement.
                    sink(acknowledgement)
                    state.listens[id] = Listen(uris: uris, sink: sink, end: end)
                    return nil
                }
                if let outcome { end.resume(returning: outcome) }
            }
        } onCancel: {
            let listen = state.withLock { $0.listens.removeValue(forKey: id) }
            listen?.end.resume(returning: false)
        }
    }

    /// Ends the channel: every listen stream ends (its request answers with its final result;
    /// with `sendingCancelled`, as stdio asks, a `notifications/cancelled` naming it goes first)
    /// and no notification is sent any more. Safe to call more than once.
    public func close(sendingCancelled: Bool = false) {
        let listens = state.withLock { state -> [(RequestID, Listen)] in
            state.closed = true
            state.subscribed = []
            defer { state.listens = [:] }
            return Array(state.listens)
        }
        for (id, listen) in listens {
            if sendingCancelled {
                let params = JSONObject([("requestId", id.json), ("reason", "the server is shutting down")])
                listen.sink(JSONRPCMessage.notificationJSON(method: "notifications/cancelled", params: .object(params)))
            }
            listen.end.resume(returning: true)
        }
    }

    static func updated(_ uri: String, subscriptionID: RequestID?) -> JSONValue {
        var params = JSONObject([("uri", .string(uri))])
        if let subscriptionID {
            params.append("_meta", .object(JSONObject([(MCPServer.metaSubscriptionID, subscriptionID.json)])))
        }
        return JSONRPCMessage.notificationJSON(method: "notifications/resources/updated", params: .object(params))
    }
}

/// Every open ``NotificationChannel`` of one server, so an application's change reaches them all.
/// Channels are held weakly: a connection that is dropped without closing its channel leaves
/// nothing behind.
final class ChannelDirectory: Sendable {
    private struct Entry {
        weak var channel: NotificationChannel?
    }

    private let entries = Mutex<[ObjectIdentifier: Entry]>([:])

    func add(_ channel: NotificationChannel) {
        entries.withLock { $0[ObjectIdentifier(channel)] = Entry(channel: channel) }
    }

    /// The channels still alive.
    var channels: [NotificationChannel] {
        entries.withLock { entries in
            entries = entries.filter { $0.value.channel != nil }
            return entries.values.compactMap(\.channel)
        }
    }
}
