import JSONRPC

extension MCPServer {
    /// Requests of the revisions negotiated through `initialize` (2024-11-05 … 2025-11-25).
    func handleHandshake(id: RequestID, method: String, params: JSONObject,
                         session: inout SessionState) throws(JSONRPCError) -> Disposition {
        switch method {
        case "initialize":
            return .reply(JSONRPCMessage.responseJSON(id: id, result: try initialize(params: params, session: &session)))
        case "ping":
            return .reply(JSONRPCMessage.responseJSON(id: id, result: .object(JSONObject())))
        case "tools/list", "tools/call", "logging/setLevel":
            break
        default:
            guard servesFeature(method, stateless: false) else { throw .methodNotFound(method) }
        }
        guard let revision = session.revision else {
            throw .invalidRequest("the session is not initialized: send initialize first")
        }
        if servesFeature(method, stateless: false) {
            let context = RequestContext(revision: revision, clientCapabilities: session.clientCapabilities)
            return try handleFeature(id: id, method: method, params: params, context: context, channel: session.notifications)
        }
        switch method {
        case "tools/list":
            let page = try registry.listPage(for: revision, cursor: try cursor(in: params), pageSize: toolsPageSize)
            return .reply(JSONRPCMessage.responseJSON(id: id, result: .object(page)))
        case "logging/setLevel":
            guard let name = params["level"]?.stringValue, let level = LogLevel(rawValue: name) else {
                throw .invalidParams("level must be one of \(LogLevel.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            session.logLevel = level
            return .reply(JSONRPCMessage.responseJSON(id: id, result: .object(JSONObject())))
        default:
            let context = ToolCallContext(revision: revision, clientCapabilities: session.clientCapabilities,
                                          logLevel: session.logLevel)
            return try toolCall(id: id, params: params, context: context)
        }
    }

    private func initialize(params: JSONObject, session: inout SessionState) throws(JSONRPCError) -> JSONValue {
        guard !session.isInitialized else { throw .invalidRequest("initialize was already received") }
        guard let requested = params["protocolVersion"]?.stringValue else {
            throw .invalidParams("protocolVersion must be a string")
        }
        if let capabilities = params["capabilities"], capabilities.objectValue == nil {
            throw .invalidParams("capabilities must be an object")
        }
        // The spec's rule: echo a version we speak, else offer our latest (the client decides).
        let revision = ProtocolRevision(rawValue: requested).flatMap { $0.isStateless ? nil : $0 } ?? .latestHandshake
        session.revision = revision
        session.clientCapabilities = params["capabilities"] ?? .object(JSONObject())
        session.clientInfo = params["clientInfo"]
        var result = JSONObject([
            ("protocolVersion", .string(revision.rawValue)),
            ("capabilities", .object(capabilities(for: revision))),
            ("serverInfo", implementation.json(for: revision)),
        ])
        if let instructions { result.append("instructions", .string(instructions)) }
        return .object(result)
    }

    func cursor(in params: JSONObject) throws(JSONRPCError) -> String? {
        switch params["cursor"] {
        case nil, .null?: return nil
        case .string(let cursor)?: return cursor
        default: throw .invalidParams("cursor must be a string")
        }
    }
}

/// Per-request facts a tool call needs, whichever era it came from.
struct ToolCallContext: Sendable {
    let revision: ProtocolRevision
    let clientCapabilities: JSONValue
    let logLevel: LogLevel?
}

extension MCPServer {
    /// Validates a `tools/call` and returns the work that runs it. Unknown tools and malformed
    /// params are protocol errors (-32602); bad arguments become tool errors (`isError`).
    func toolCall(id: RequestID, params: JSONObject, context: ToolCallContext) throws(JSONRPCError) -> Disposition {
        let (tool, arguments) = try toolCallTarget(params)
        let name = tool.name
        let progressToken = params["_meta"]?[Self.metaProgressToken].flatMap(RequestID.init)
        let registry = self.registry
        let decorate = self.decorator(for: context.revision, cacheable: false)
        let observer = toolCallObserver
        return .work(requestID: id) { sink in
            let toolContext = ToolContext(requestID: id, revision: context.revision,
                                          clientCapabilities: context.clientCapabilities,
                                          progressToken: progressToken, logLevel: context.logLevel, sink: sink)
            let started = ContinuousClock.now
            let outcome = await registry.call(tool, arguments: arguments, context: toolContext)
            toolContext.finish()
            observer?(ToolCallReport(tool: name, arguments: arguments, outcome: outcome,
                                     duration: ContinuousClock.now - started, caller: ToolCaller.current))
            if Task.isCancelled { return nil }
            return JSONRPCMessage.responseJSON(id: id, result: decorate(Self.callToolResult(outcome, revision: context.revision)))
        }
    }

    /// The tool a `tools/call` with `params` runs and its arguments, or the protocol error (-32602)
    /// the engine answers instead: a name it does not serve, or `arguments` that are not an object.
    /// One rule for the engine and for a transport that charges a call to its tool's limit.
    public func toolCallTarget(_ params: JSONObject) throws(JSONRPCError) -> (tool: Tool, arguments: JSONObject) {
        guard let name = params["name"]?.stringValue else { throw .invalidParams("name must be a string") }
        guard let tool = registry[name] else {
            throw .invalidParams("Unknown tool: \(name)", data: .object(JSONObject([("name", .string(name))])))
        }
        switch params["arguments"] {
        case nil, .null?: return (tool, JSONObject())
        case .object(let object)?: return (tool, object)
        default: throw .invalidParams("arguments must be an object")
        }
    }

    /// The `CallToolResult` of `outcome`: the JSON as one text block, plus `structuredContent`
    /// where the revision has it.
    public static func callToolResult(_ outcome: ToolOutcome, revision: ProtocolRevision) -> JSONObject {
        let text = JSONWriter.string(outcome.json)
        let block = JSONValue.object(JSONObject([("type", "text"), ("text", .string(text))]))
        var result = JSONObject([("content", .array([block]))])
        if revision.hasStructuredOutput { result.append("structuredContent", outcome.json) }
        result.append("isError", .bool(outcome.isError))
        return result
    }
}
