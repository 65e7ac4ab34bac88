import JSONRPC

extension MCPServer {
    /// Requests of the stateless revision (2026-07-28): everything comes from this request's
    /// `_meta`; nothing is read from or written to a session.
    func handleStateless(id: RequestID, method: String, params: JSONObject,
                         meta: JSONObject?, channel: NotificationChannel?) throws(JSONRPCError) -> Disposition {
        guard let meta else { throw .invalidParams("params._meta is required") }
        guard let requested = meta[Self.metaProtocolVersion]?.stringValue else {
            throw .invalidParams("_meta[\"\(Self.metaProtocolVersion)\"] must be a string")
        }
        guard let capabilities = meta[Self.metaClientCapabilities], capabilities.objectValue != nil else {
            throw .invalidParams("_meta[\"\(Self.metaClientCapabilities)\"] must be an object")
        }
        guard let revision = ProtocolRevision(rawValue: requested), revision.isStateless else {
            throw Self.unsupportedProtocolVersion(requested: requested)
        }
        var logLevel: LogLevel?
        if let level = meta[Self.metaLogLevel] {
            guard let name = level.stringValue, let parsed = LogLevel(rawValue: name) else {
                throw .invalidParams("_meta[\"\(Self.metaLogLevel)\"] must be a logging level")
            }
            logLevel = parsed
        }
        switch method {
        case "server/discover":
            return .reply(JSONRPCMessage.responseJSON(id: id, result: decorator(for: revision, cacheable: true)(discoverResult(revision))))
        case "tools/list":
            let page = try registry.listPage(for: revision, cursor: try cursor(in: params), pageSize: toolsPageSize)
            return .reply(JSONRPCMessage.responseJSON(id: id, result: decorator(for: revision, cacheable: true)(page)))
        case "tools/call":
            let context = ToolCallContext(revision: revision, clientCapabilities: capabilities, logLevel: logLevel)
            return try toolCall(id: id, params: params, context: context)
        default:
            // initialize, ping, logging/setLevel and resources/(un)subscribe were removed in
            // 2026-07-28; features nothing is registered for are not offered.
            guard servesFeature(method, stateless: true) else { throw .methodNotFound(method) }
            return try handleFeature(id: id, method: method, params: params,
                                     context: RequestContext(revision: revision, clientCapabilities: capabilities),
                                     channel: channel)
        }
    }

    /// The -32022 error naming what was asked for and the stateless versions this server speaks.
    public static func unsupportedProtocolVersion(requested: String) -> JSONRPCError {
        let supported = JSONValue.array(ProtocolRevision.statelessRevisions.map { .string($0.rawValue) })
        return JSONRPCError(code: unsupportedProtocolVersionCode, message: "Unsupported protocol version",
                            data: .object(JSONObject([("supported", supported), ("requested", .string(requested))])))
    }

    private func discoverResult(_ revision: ProtocolRevision) -> JSONObject {
        var result = JSONObject([
            ("supportedVersions", .array(ProtocolRevision.statelessRevisions.map { .string($0.rawValue) })),
            ("capabilities", .object(capabilities(for: revision))),
        ])
        if let instructions { result.append("instructions", .string(instructions)) }
        return result
    }

    /// What a result needs on `revision` beyond its own fields: nothing before 2026-07-28; then
    /// `resultType`, server info in `_meta`, and cache hints on cacheable results.
    func decorator(for revision: ProtocolRevision, cacheable: Bool) -> @Sendable (JSONObject) -> JSONValue {
        guard revision.isStateless else { return { .object($0) } }
        let serverInfo = implementation.json(for: revision)
        let ttl = cacheTTLMilliseconds
        return { result in
            var decorated = JSONObject([("resultType", "complete")])
            for member in result { decorated.append(member.key, member.value) }
            if cacheable {
                decorated.append("ttlMs", .integer(ttl))
                decorated.append("cacheScope", "public")
            }
            decorated.append("_meta", .object(JSONObject([(Self.metaServerInfo, serverInfo)])))
            return .object(decorated)
        }
    }
}
