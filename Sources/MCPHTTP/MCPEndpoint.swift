import HTTPServer
import JSONRPC
import MCP
import ServerSupport

/// MCP Streamable HTTP at `/mcp`, in front of the same engine as stdio.
///
/// Validation order: `Host`/`Origin` (421/403), admission (the application's authentication,
/// 401), method (POST; DELETE with `Mcp-Session-Id` ends a session, without it 400; GET on a
/// handshake revision with `Mcp-Session-Id` opens the session's SSE stream of resource updates; else 405 with `Allow`), `Accept` (406), `Content-Type` (415), JSON (-32700, 400), then for a `tools/call` the
/// application's scope check (403) and rate limit (429). Then by `ProtocolEra`: no `MCP-Protocol-Version` header or
/// a handshake revision → the handshake path, with `Mcp-Session-Id` sessions minted at
/// `initialize` (missing id 400, unknown id 404); any other value → the 2026-07-28 path, where
/// `_meta` is checked (-32602), then the headers against the body (-32020), then the engine
/// (-32022, -32601 as 404, …), each with HTTP 400 unless said otherwise, echoing the request id.
/// Notifications and responses are accepted with 202. A `tools/call` carrying a `progressToken`
/// from a client that accepts `text/event-stream` is answered as an SSE stream: its progress
/// notifications, then the response; so is every `subscriptions/listen` (2026-07-28): its
/// acknowledgement and updates until the client closes the stream or the server stops; everything
/// else is one JSON response. A session's
/// `notifications/cancelled` cancels the named call; a closed connection cancels its calls.
public struct MCPEndpoint: HTTPHandler {
    /// The engine every message goes through.
    public let server: MCPServer
    /// Which `Host` and `Origin` values are accepted.
    public let origins: OriginPolicy
    /// The handshake-era sessions.
    public let sessions: MCPSessions
    /// The application's authentication and rate limits.
    public let admit: MCPAdmissionCheck

    /// An endpoint in front of `server`, accepting `allowedHosts`, asking `admit` about each
    /// request and each tool call.
    public init(server: MCPServer, allowedHosts: OriginPolicy, sessions: MCPSessions = MCPSessions(),
                admit: @escaping MCPAdmissionCheck) {
        self.server = server
        self.origins = allowedHosts
        self.sessions = sessions
        self.admit = admit
    }

    /// Ends every open notification stream (GET streams and `subscriptions/listen` streams, which
    /// answer with their final result), so a draining server is not held open by them.
    public func closeStreams() {
        server.closeAllChannels()
        sessions.closeStreams()
    }

    /// The answer to one request to `/mcp` (see the type's validation order).
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard origins.allowsHost(request.header("host")) else {
            return Self.rpcError(nil, .invalidRequest("Invalid Host header"), status: 421)
        }
        guard origins.allowsOrigin(request.header("origin")) else {
            return Self.rpcError(nil, .invalidRequest("Invalid Origin header"), status: 403)
        }
        if let refusal = Self.refusal(await admit(request, nil), id: nil) { return refusal }
        switch request.method {
        case "POST": break
        case "DELETE": return deleteSession(request)
        case "GET" where request.header("mcp-session-id") != nil
            && ProtocolEra(versionHeader: request.header("mcp-protocol-version").map { $0.trimmingSpaces() }) != .stateless:
            return openNotificationStream(request)
        default:
            var response = Self.rpcError(nil, .invalidRequest("Method Not Allowed: use POST"), status: 405)
            response.addHeader("Allow", "POST, DELETE")
            return response
        }
        let accept = request.header("accept")?.lowercased()
        if let accept, !(accept.contains("application/json") || accept.contains("*/*") || accept.contains("application/*")) {
            return Self.rpcError(nil, .invalidRequest("Not Acceptable: the client must accept application/json"), status: 406)
        }
        guard let type = request.header("content-type")?.lowercased(), type.hasPrefix("application/json") else {
            return Self.rpcError(nil, .invalidRequest("Unsupported Media Type: Content-Type must be application/json"), status: 415)
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(request.body)
        } catch {
            return Self.rpcError(nil, .parseError(error.description), status: 400)
        }
        if let refusal = await limitToolCall(request, value) { return refusal }
        let wantsStream = accept?.contains("text/event-stream") ?? false
        let versionHeader = request.header("mcp-protocol-version").map { $0.trimmingSpaces() }
        if ProtocolEra(versionHeader: versionHeader) == .stateless {
            return await stateless(request, value, wantsStream: wantsStream)
        }
        return await handshake(request, value, versionHeader: versionHeader, wantsStream: wantsStream)
    }

    /// Asks the application about a `tools/call` (its tool's rate limit, per key, like its REST
    /// twin). A call the engine refuses before any tool runs (a name it does not serve, such as
    /// `run_tests` on a read-only server, or arguments that are not an object) is only
    /// authenticated: it is rejected as invalid, so it is charged to no limit.
    private func limitToolCall(_ request: HTTPRequest, _ value: JSONValue) async -> HTTPResponse? {
        guard value["method"]?.stringValue == "tools/call", let params = value["params"]?.objectValue,
              let name = params["name"]?.stringValue else { return nil }
        let reachesTool = (try? server.toolCallTarget(params)) != nil
        return Self.refusal(await admit(request, reachesTool ? name : nil), id: value["id"].flatMap(RequestID.init))
    }

    /// The answer to a refused admission, nil when admitted. Over a limit: HTTP 429 with
    /// `Retry-After` and a JSON-RPC error echoing `id`.
    static func refusal(_ admission: MCPAdmission, id: RequestID?) -> HTTPResponse? {
        switch admission {
        case .admitted:
            return nil
        case .refused(let response):
            return response
        case .refusedCall(let status, let error):
            return rpcError(id, error, status: status)
        case .rateLimited(let limit, let retryAfter, let headers):
            let error = JSONRPCError(code: -32000, message: "Rate limited: too many \(limit) calls with this key",
                                     data: .object(JSONObject([("retryAfter", .integer(Int64(retryAfter)))])))
            var response = rpcError(id, error, status: 429)
            response.headers.append(contentsOf: headers)
            return response
        }
    }

    // MARK: the 2026-07-28 path

    private func stateless(_ request: HTTPRequest, _ value: JSONValue, wantsStream: Bool) async -> HTTPResponse {
        guard case .object = value else {
            return Self.rpcError(nil, .invalidRequest("the body must be one JSON-RPC request or notification"), status: 400)
        }
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.decode(value)
        } catch {
            return Self.rpcError(error.id, error.error, status: 400)
        }
        switch message {
        case .notification:
            return HTTPResponse(status: 202)
        case .response, .errorResponse:
            return Self.rpcError(nil, .invalidRequest("responses are not accepted on 2026-07-28"), status: 400)
        case .request(let id, let method, let params):
            let object = params?.objectValue ?? JSONObject()
            let meta = object["_meta"]?.objectValue
            guard let version = meta?[MCPServer.metaProtocolVersion]?.stringValue,
                  meta?[MCPServer.metaClientCapabilities]?.objectValue != nil else {
                return Self.rpcError(id, .invalidParams(
                    "params._meta must carry \(MCPServer.metaProtocolVersion) and \(MCPServer.metaClientCapabilities)"),
                    status: 400)
            }
            if let mismatch = MCPHeaderCheck.check(request, method: method, params: object, version: version) {
                return Self.rpcError(id, mismatch, status: 400)
            }
            // initialize does not exist in 2026-07-28 (the engine would treat it as a handshake).
            if method == "initialize" { return Self.rpcError(id, .methodNotFound(method), status: 404) }
            var session = SessionState()
            let disposition = server.receive(value, session: &session)
            // A listen stream is always answered as SSE: its notifications, then its final result.
            return await respond(disposition, progress: method == "subscriptions/listen" || Self.hasProgressToken(object) && wantsStream)
        }
    }

    // MARK: the handshake path

    private func handshake(_ request: HTTPRequest, _ value: JSONValue, versionHeader: String?, wantsStream: Bool) async -> HTTPResponse {
        let object = value.objectValue
        let method = object?["method"]?.stringValue
        let params = object?["params"]?.objectValue ?? JSONObject()
        let now = MonotonicClock.now()
        if method == "initialize" && object?["id"] != nil {
            let stream = MCPSessionStream()
            var session = SessionState()
            let disposition = server.receive(value, session: &session)
            guard session.isInitialized else { return await respond(disposition, progress: false) }
            session.notifications = server.openChannel(sink: { message in stream.send(message) })
            guard let id = sessions.create(session, stream: stream, now: now) else {
                session.notifications?.close()
                return Self.rpcError(RequestID(object?["id"] ?? .null), JSONRPCError(code: -32000, message: "too many sessions"), status: 503)
            }
            var response = await respond(disposition, progress: false)
            response.addHeader("Mcp-Session-Id", id)
            return response
        }
        // A self-describing (2026-07-28 style) request needs no session.
        if let method, ProtocolEra(method: method, params: params) == .stateless {
            var session = SessionState()
            return await respond(server.receive(value, session: &session),
                                 progress: method == "subscriptions/listen" || Self.hasProgressToken(params) && wantsStream)
        }
        guard let sessionID = request.header("mcp-session-id") else {
            return Self.rpcError(nil, .invalidRequest("Bad Request: Mcp-Session-Id header is required"), status: 400)
        }
        var versionMismatch = false
        let disposition = sessions.with(sessionID, now: now) { session -> Disposition in
            if let versionHeader, let revision = session.revision, versionHeader != revision.rawValue {
                versionMismatch = true
                return .none
            }
            return server.receive(value, session: &session)
        }
        guard let disposition else {
            return Self.rpcError(nil, JSONRPCError(code: -32001, message: "Session not found"), status: 404)
        }
        if versionMismatch {
            return Self.rpcError(nil, .invalidRequest("Bad Request: MCP-Protocol-Version does not match the session's"), status: 400)
        }
        return await respond(disposition, progress: Self.hasProgressToken(params) && wantsStream, session: sessionID)
    }

    /// GET with `Mcp-Session-Id` (handshake revisions): the session's SSE stream of unsolicited
    /// notifications (`notifications/resources/updated`). Without `Accept: text/event-stream` 406,
    /// an unknown session 404. (A GET without a session id is 405, as before there were streams.)
    private func openNotificationStream(_ request: HTTPRequest) -> HTTPResponse {
        guard request.header("accept")?.lowercased().contains("text/event-stream") == true else {
            return Self.rpcError(nil, .invalidRequest("Not Acceptable: the client must accept text/event-stream"), status: 406)
        }
        let id = request.header("mcp-session-id") ?? ""
        guard let stream = sessions.openStream(id, now: MonotonicClock.now()) else {
            return Self.rpcError(nil, JSONRPCError(code: -32001, message: "Session not found"), status: 404)
        }
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"),
                                                   ("X-Accel-Buffering", "no")], body: .stream(stream))
    }

    private func deleteSession(_ request: HTTPRequest) -> HTTPResponse {
        guard let id = request.header("mcp-session-id") else {
            return Self.rpcError(nil, .invalidRequest("Bad Request: Mcp-Session-Id header is required"), status: 400)
        }
        return sessions.remove(id) ? HTTPResponse(status: 204)
                                   : Self.rpcError(nil, JSONRPCError(code: -32001, message: "Session not found"), status: 404)
    }

    // MARK: answers

    /// Turns the engine's decision into an HTTP answer.
    private func respond(_ disposition: Disposition, progress: Bool, session: String? = nil) async -> HTTPResponse {
        switch disposition {
        case .none:
            return HTTPResponse(status: 202)
        case .cancel(let id):
            // notifications/cancelled names a request of the same session, in flight on another
            // HTTP request: its tool call is cancelled and that request is answered 202.
            if let session { sessions.cancel(session: session, request: id) }
            return HTTPResponse(status: 202)
        case .reply(let message):
            return Self.json(message)
        case .batch(let elements):
            guard let answers = await Disposition.runBatch(elements, sink: { _ in }) else { return HTTPResponse(status: 202) }
            return Self.json(answers)
        case .work(let requestID, let work):
            let sessions = self.sessions
            let key = session.flatMap { session in requestID.map { (session, $0) } }
            guard progress else {
                let task = Task { await work({ _ in }) }
                if let key { sessions.register(session: key.0, request: key.1) { task.cancel() } }
                let answer = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
                if let key { sessions.unregister(session: key.0, request: key.1) }
                guard let answer else { return HTTPResponse(status: 202) }
                return Self.json(answer)
            }
            let (stream, continuation) = AsyncStream<[UInt8]>.makeStream(bufferingPolicy: .unbounded)
            let task = Task {
                let answer = await work { message in continuation.yield(Self.event(message)) }
                if let answer { continuation.yield(Self.event(answer)) }
                continuation.finish()
                if let key { sessions.unregister(session: key.0, request: key.1) }
            }
            if let key { sessions.register(session: key.0, request: key.1) { task.cancel() } }
            continuation.onTermination = { _ in task.cancel() }
            return HTTPResponse(status: 200, headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache"),
                                                       ("X-Accel-Buffering", "no")], body: .stream(stream))
        }
    }

    /// One SSE `message` event carrying `message`.
    static func event(_ message: JSONValue) -> [UInt8] {
        var bytes = Array("event: message\ndata: ".utf8)
        JSONWriter.write(message, into: &bytes)
        bytes.append(contentsOf: Array("\n\n".utf8))
        return bytes
    }

    static func hasProgressToken(_ params: JSONObject) -> Bool {
        params["_meta"]?[MCPServer.metaProgressToken].flatMap(RequestID.init) != nil
    }

    /// A JSON-RPC answer, with the HTTP status its error code calls for.
    static func json(_ message: JSONValue) -> HTTPResponse {
        var status = 200
        if let code = message["error"]?["code"]?.integerValue {
            switch code {
            case -32601: status = message["id"] == nil || message["id"] == .null ? 400 : 404
            case -32700, -32600, -32602, Int64(MCPHeaderCheck.headerMismatchCode), -32021,
                 Int64(MCPServer.unsupportedProtocolVersionCode):
                status = 400
            default: status = 200
            }
        }
        return .json(status, message)
    }

    static func rpcError(_ id: RequestID?, _ error: JSONRPCError, status: Int) -> HTTPResponse {
        .json(status, JSONRPCMessage.errorJSON(id: id, error: error))
    }
}
