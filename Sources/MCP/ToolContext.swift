import JSONRPC
import Synchronization

/// Where the engine puts messages other than the response (progress, log notifications). The
/// transport guarantees each is written whole, before the response of the request that sent it.
public typealias MessageSink = @Sendable (JSONValue) -> Void

/// What a tool handler knows of the request that called it, and its channel back to the client.
///
/// Guarantees: progress notifications are sent only when the request carried a `progressToken`,
/// only with strictly increasing `progress`, and never after the handler has returned or the
/// request was cancelled; log notifications only at or above the level the client asked for
/// (none if it asked for none), and likewise never after the end or a cancellation.
public struct ToolContext: Sendable {
    /// The request's id (nil when called outside JSON-RPC, e.g. from the command line).
    public let requestID: RequestID?
    /// The revision the request was made under.
    public let revision: ProtocolRevision
    /// The client's declared capabilities for this request.
    public let clientCapabilities: JSONValue
    let progressToken: RequestID?
    let logLevel: LogLevel?
    let sink: MessageSink
    let ledger = ProgressLedger()

    /// A context; without a `progressToken` progress is dropped, without a `logLevel` log messages are.
    public init(requestID: RequestID?, revision: ProtocolRevision, clientCapabilities: JSONValue = .object(JSONObject()),
                progressToken: RequestID? = nil, logLevel: LogLevel? = nil, sink: @escaping MessageSink = { _ in }) {
        self.requestID = requestID
        self.revision = revision
        self.clientCapabilities = clientCapabilities
        self.progressToken = progressToken
        self.logLevel = logLevel
        self.sink = sink
    }

    /// Whether the client asked for progress on this request.
    public var wantsProgress: Bool { progressToken != nil }

    /// Sends `notifications/progress` if the client asked for progress and `progress` is greater
    /// than the last one sent; otherwise does nothing.
    public func reportProgress(_ progress: Double, total: Double? = nil, message: String? = nil) {
        guard let progressToken, !Task.isCancelled, ledger.advance(to: progress) else { return }
        var params = JSONObject([("progressToken", progressToken.json), ("progress", .double(progress))])
        if let total { params.append("total", .double(total)) }
        if let message, revision.hasProgressMessage { params.append("message", .string(message)) }
        sink(JSONRPCMessage.notificationJSON(method: "notifications/progress", params: .object(params)))
    }

    /// Sends `notifications/message` if the client asked for messages at `level` or below.
    public func log(_ level: LogLevel, _ data: JSONValue, logger: String? = nil) {
        guard let logLevel, level >= logLevel, !Task.isCancelled, !ledger.isFinished else { return }
        var params = JSONObject([("level", .string(level.rawValue))])
        if let logger { params.append("logger", .string(logger)) }
        params.append("data", data)
        sink(JSONRPCMessage.notificationJSON(method: "notifications/message", params: .object(params)))
    }

    /// Ends the request: nothing more is sent for it.
    func finish() { ledger.finish() }
}

/// The last progress sent for one request, and whether the request has ended.
final class ProgressLedger: Sendable {
    private struct State {
        var last: Double?
        var finished = false
    }

    private let state = Mutex(State())

    func advance(to progress: Double) -> Bool {
        state.withLock { state in
            guard !state.finished, progress.isFinite, state.last.map({ progress > $0 }) ?? true else { return false }
            state.last = progress
            return true
        }
    }

    var isFinished: Bool { state.withLock { $0.finished } }

    func finish() { state.withLock { $0.finished = true } }
}
