import JSONRPC

/// The MCP protocol engine: revisions, lifecycle, dispatch to the tool registry. It knows nothing
/// of the tools it serves nor of the transport carrying the messages.
///
/// Both eras are served by one engine and may be mixed in one process: a request whose
/// `params._meta` names a protocol version (or a `server/discover`) is handled statelessly,
/// as 2026-07-28 says; anything else follows the `initialize` handshake of ``SessionState``.
/// Guarantees: every request gets exactly one answer (unless cancelled), every notification none;
/// no field a revision does not define is sent to a client on that revision.
public struct MCPServer: Sendable {
    public let implementation: Implementation
    public let instructions: String?
    public let registry: ToolRegistry
    /// The resources and resource templates offered (none: no `resources` capability).
    public let resources: ResourceRegistry
    /// The prompts offered (none: no `prompts` capability).
    public let prompts: PromptRegistry
    /// How many tools one `tools/list` page holds.
    public let toolsPageSize: Int
    /// How long a 2026-07-28 client may cache `server/discover` and `tools/list` results: the
    /// tool set is fixed for the life of the process.
    public let cacheTTLMilliseconds: Int64
    /// Told of every finished `tools/call` (the audit log), if set.
    public let toolCallObserver: ToolCallObserver?

    public static let defaultToolsPageSize = 50
    public static let defaultCacheTTLMilliseconds: Int64 = 3_600_000
    /// The open notification channels, which ``notifyResourceUpdated(_:)`` reaches.
    let channels = ChannelDirectory()

    /// `params._meta` key of a 2026-07-28 request naming its protocol version (a string).
    public static let metaProtocolVersion = "io.modelcontextprotocol/protocolVersion"
    /// `params._meta` key of a 2026-07-28 request carrying the client's capabilities (an object).
    public static let metaClientCapabilities = "io.modelcontextprotocol/clientCapabilities"
    /// `params._meta` key of a 2026-07-28 request carrying the client's name and version.
    public static let metaClientInfo = "io.modelcontextprotocol/clientInfo"
    /// `params._meta` key of a 2026-07-28 request asking for log messages from a level on.
    public static let metaLogLevel = "io.modelcontextprotocol/logLevel"
    /// `result._meta` key under which a 2026-07-28 answer carries the server's name and version.
    public static let metaServerInfo = "io.modelcontextprotocol/serverInfo"
    /// `params._meta` key of a request asking for progress notifications under that token.
    public static let metaProgressToken = "progressToken"
    /// -32022: the 2026-07-28 UnsupportedProtocolVersion error.
    public static let unsupportedProtocolVersionCode = -32022

    /// An engine serving `registry`'s tools as `implementation`, telling `toolCallObserver` of
    /// each call; it holds no per-connection state.
    public init(implementation: Implementation, instructions: String? = nil, registry: ToolRegistry,
                toolsPageSize: Int = MCPServer.defaultToolsPageSize,
                cacheTTLMilliseconds: Int64 = MCPServer.defaultCacheTTLMilliseconds,
                resources: ResourceRegistry = ResourceRegistry(), prompts: PromptRegistry = PromptRegistry(),
                toolCallObserver: ToolCallObserver? = nil) {
        self.implementation = implementation
        self.instructions = instructions
        self.registry = registry
        self.resources = resources
        self.prompts = prompts
        self.toolsPageSize = toolsPageSize
        self.cacheTTLMilliseconds = cacheTTLMilliseconds
        self.toolCallObserver = toolCallObserver
    }

    /// Decides what to do with one line of input. Call in arrival order: lifecycle changes
    /// (`initialize`, `logging/setLevel`) take effect before the next line is read.
    public func receive<Bytes: Collection<UInt8>>(line: Bytes, session: inout SessionState) -> Disposition {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            return .reply(JSONRPCMessage.errorJSON(id: nil, error: .parseError(error.description)))
        }
        return receive(value, session: &session)
    }

    /// Decides what to do with one decoded message (or batch), as ``receive(line:session:)``.
    public func receive(_ value: JSONValue, session: inout SessionState) -> Disposition {
        if case .array(let elements) = value {
            return receiveBatch(elements, session: &session)
        }
        let message: JSONRPCMessage
        do {
            message = try JSONRPCMessage.decode(value)
        } catch {
            return .reply(JSONRPCMessage.errorJSON(id: error.id, error: error.error))
        }
        switch message {
        case .request(let id, let method, let params):
            do {
                return try handleRequest(id: id, method: method, params: params, session: &session)
            } catch {
                return .reply(JSONRPCMessage.errorJSON(id: id, error: error))
            }
        case .notification(let method, let params):
            return handleNotification(method: method, params: params?.objectValue, session: &session)
        case .response, .errorResponse:
            return .none  // this server sends no requests, so there is nothing to match
        }
    }

    private func receiveBatch(_ elements: [JSONValue], session: inout SessionState) -> Disposition {
        guard session.revision?.acceptsBatches == true else {
            return .reply(JSONRPCMessage.errorJSON(id: nil, error: .invalidRequest(
                "batches are only accepted on protocol revision 2025-03-26")))
        }
        guard !elements.isEmpty else {
            return .reply(JSONRPCMessage.errorJSON(id: nil, error: .invalidRequest("empty batch")))
        }
        let dispositions = elements.map { element -> Disposition in
            if case .array = element {
                return .reply(JSONRPCMessage.errorJSON(id: nil, error: .invalidRequest("nested batch")))
            }
            // Only a request can be refused: a notification is never answered, whatever its method.
            if case .request(let id, "initialize", _)? = try? JSONRPCMessage.decode(element) {
                return .reply(JSONRPCMessage.errorJSON(id: id, error: .invalidRequest("initialize must not be in a batch")))
            }
            return receive(element, session: &session)
        }
        return .batch(dispositions)
    }

    private func handleNotification(method: String, params: JSONObject?, session: inout SessionState) -> Disposition {
        switch method {
        case "notifications/initialized":
            if session.isInitialized { session.initializedNotificationReceived = true }
            return .none
        case "notifications/cancelled":
            guard let id = params?["requestId"].flatMap(RequestID.init) else { return .none }
            return .cancel(id)
        default:
            return .none
        }
    }

    private func handleRequest(id: RequestID, method: String, params: JSONValue?,
                               session: inout SessionState) throws(JSONRPCError) -> Disposition {
        let object: JSONObject
        switch params {
        case nil, .null?: object = JSONObject()
        case .object(let value)?: object = value
        default: throw .invalidParams("params must be an object")
        }
        let meta = object["_meta"]?.objectValue
        if ProtocolEra(method: method, params: object) == .stateless {
            return try handleStateless(id: id, method: method, params: object, meta: meta, channel: session.notifications)
        }
        return try handleHandshake(id: id, method: method, params: object, session: &session)
    }
}
