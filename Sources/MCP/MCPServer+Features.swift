import JSONRPC

/// Resources, subscriptions, prompts and completions: routing, validation and the wire shapes of
/// each revision. The content comes from the application's ``ResourceRegistry`` and
/// ``PromptRegistry``; this file only knows the protocol.
extension MCPServer {
    /// `_meta` key naming the `subscriptions/listen` stream a notification belongs to (2026-07-28).
    public static let metaSubscriptionID = "io.modelcontextprotocol/subscriptionId"
    /// -32002: resource not found, up to 2025-11-25 (2026-07-28 uses -32602).
    public static let resourceNotFoundCode = -32002
    /// Most completion values one answer carries (the specification's limit).
    public static let maximumCompletionValues = 100

    /// The server capabilities advertised on `revision`: `tools` always; `logging` on the handshake
    /// revisions only (2026-07-28 deprecates it); `resources`, `prompts` and `completions` only when
    /// something of the kind is registered (`completions` from 2025-03-26, which defines it).
    public func capabilities(for revision: ProtocolRevision) -> JSONObject {
        var capabilities = JSONObject([("tools", .object(JSONObject([("listChanged", false)])))])
        if !revision.isStateless { capabilities.append("logging", .object(JSONObject())) }
        if !resources.isEmpty {
            capabilities.append("resources", .object(JSONObject([("subscribe", true), ("listChanged", false)])))
        }
        if !prompts.isEmpty { capabilities.append("prompts", .object(JSONObject([("listChanged", false)]))) }
        if offersCompletions, revision >= .v2025_03_26 { capabilities.append("completions", .object(JSONObject())) }
        return capabilities
    }

    /// Whether `completion/complete` is served: some prompt argument or template variable has a
    /// completer. (2024-11-05 has the method but no capability to advertise it.)
    var offersCompletions: Bool { resources.hasCompleters || prompts.hasCompleters }

    /// Whether `method` is a resource, prompt or completion method served in this era. Methods of
    /// features nothing is registered for are not served (-32601), as their capability is absent.
    func servesFeature(_ method: String, stateless: Bool) -> Bool {
        switch method {
        case "resources/list", "resources/templates/list", "resources/read": return !resources.isEmpty
        case "resources/subscribe", "resources/unsubscribe": return !stateless && !resources.isEmpty
        case "subscriptions/listen": return stateless && !resources.isEmpty
        case "prompts/list", "prompts/get": return !prompts.isEmpty
        case "completion/complete": return offersCompletions
        default: return false
        }
    }

    /// Tells every connection that subscribed to `uri` that it changed: a
    /// `notifications/resources/updated` on each channel that subscribed with `resources/subscribe`
    /// and on each `subscriptions/listen` stream that named it. Call from any thread, after the
    /// change is visible to a read.
    public func notifyResourceUpdated(_ uri: String) {
        for channel in channels.channels { channel.resourceUpdated(uri) }
    }

    /// A channel for one connection's unsolicited notifications, delivered through `sink` (which
    /// must write each message whole, in order). Put it in the connection's
    /// ``SessionState/notifications`` and close it when the connection ends.
    public func openChannel(sink: @escaping MessageSink) -> NotificationChannel {
        let channel = NotificationChannel(sink: sink)
        channels.add(channel)
        return channel
    }

    /// Closes every open channel (server shutdown): each `subscriptions/listen` request answers with
    /// its final result, and no more notifications are sent.
    public func closeAllChannels() {
        for channel in channels.channels { channel.close() }
    }

    /// Serves a method ``servesFeature(_:stateless:)`` accepted.
    func handleFeature(id: RequestID, method: String, params: JSONObject, context: RequestContext,
                       channel: NotificationChannel?) throws(JSONRPCError) -> Disposition {
        let revision = context.revision
        switch method {
        case "resources/list":
            let page = try resources.listPage(for: revision, cursor: try cursor(in: params))
            return .reply(JSONRPCMessage.responseJSON(id: id, result: featureResult(page, revision, cacheTTL: cacheTTLMilliseconds)))
        case "resources/templates/list":
            let page = try resources.templatesPage(for: revision, cursor: try cursor(in: params))
            return .reply(JSONRPCMessage.responseJSON(id: id, result: featureResult(page, revision, cacheTTL: cacheTTLMilliseconds)))
        case "resources/read":
            return try readResource(id: id, params: params, context: context)
        case "resources/subscribe", "resources/unsubscribe":
            let uri = try resolvedURI(in: params, revision: revision)
            guard let channel else {
                throw .invalidRequest("this connection cannot deliver notifications, so it cannot subscribe")
            }
            if method == "resources/subscribe" { channel.subscribe(uri) } else { channel.unsubscribe(uri) }
            return .reply(JSONRPCMessage.responseJSON(id: id, result: .object(JSONObject())))
        case "subscriptions/listen":
            return try listen(id: id, params: params, revision: revision, channel: channel)
        case "prompts/list":
            let page = try prompts.listPage(for: revision, cursor: try cursor(in: params))
            return .reply(JSONRPCMessage.responseJSON(id: id, result: featureResult(page, revision, cacheTTL: cacheTTLMilliseconds)))
        case "prompts/get":
            return try getPrompt(id: id, params: params, context: context)
        default:
            return try complete(id: id, params: params, context: context)
        }
    }

    /// A result as `revision` carries it: unchanged before 2026-07-28; then decorated, with cache
    /// hints when `cacheTTL` is given.
    func featureResult(_ result: JSONObject, _ revision: ProtocolRevision, cacheTTL: Int64?) -> JSONValue {
        var result = result
        if revision.isStateless, let cacheTTL {
            result.append("ttlMs", .integer(cacheTTL))
            result.append("cacheScope", "public")
        }
        return decorator(for: revision, cacheable: false)(result)
    }

    /// The JSON-RPC error for `failure` on `revision`.
    static func error(for failure: RequestFailure, uri: String?, revision: ProtocolRevision) -> JSONRPCError {
        switch failure {
        case .notFound:
            let data: JSONValue? = uri.map { .object(JSONObject([("uri", .string($0))])) }
            if revision.isStateless { return .invalidParams("Resource not found", data: data) }
            return JSONRPCError(code: resourceNotFoundCode, message: "Resource not found", data: data)
        case .invalidArgument(let message): return .invalidParams(message)
        case .internalError(let message): return .internalError(message)
        }
    }

    private func resolvedURI(in params: JSONObject, revision: ProtocolRevision) throws(JSONRPCError) -> String {
        guard let uri = params["uri"]?.stringValue else { throw .invalidParams("uri must be a string") }
        guard resources.resolve(uri) != nil else { throw Self.error(for: .notFound, uri: uri, revision: revision) }
        return uri
    }

    private func readResource(id: RequestID, params: JSONObject, context: RequestContext) throws(JSONRPCError) -> Disposition {
        let uri = try resolvedURI(in: params, revision: context.revision)
        let ttl: Int64
        switch resources.resolve(uri) {
        case .resource(let resource)?: ttl = resource.cacheTTLMilliseconds
        case .template(let template, _)?: ttl = template.cacheTTLMilliseconds
        case nil: ttl = 0
        }
        let registry = resources
        let server = self
        return .work(requestID: id) { _ in
            do {
                let contents = try await registry.read(uri, context: context)
                // A resource that reads as nothing is missing: never answer with empty contents.
                guard !contents.isEmpty else { throw RequestFailure.notFound }
                if Task.isCancelled { return nil }
                let result = JSONObject([("contents", .array(contents.map(\.json)))])
                return JSONRPCMessage.responseJSON(id: id, result: server.featureResult(result, context.revision, cacheTTL: ttl))
            } catch {
                return JSONRPCMessage.errorJSON(id: id, error: Self.error(for: RequestFailure(error, doing: "reading \(uri)"),
                                                                          uri: uri, revision: context.revision))
            }
        }
    }

    private func listen(id: RequestID, params: JSONObject, revision: ProtocolRevision,
                        channel: NotificationChannel?) throws(JSONRPCError) -> Disposition {
        guard let requested = params["notifications"]?.objectValue else {
            throw .invalidParams("notifications must be an object")
        }
        // Only resource updates are offered: the tool, prompt and resource lists never change.
        var honoured = JSONObject()
        var uris: Set<String> = []
        switch requested["resourceSubscriptions"] {
        case nil, .null?:
            break
        case .array(let values)?:
            var kept: [JSONValue] = []
            for value in values {
                guard let uri = value.stringValue else { throw .invalidParams("resourceSubscriptions must be strings") }
                if resources.resolve(uri) != nil, uris.insert(uri).inserted { kept.append(value) }
            }
            honoured.append("resourceSubscriptions", .array(kept))
        default:
            throw .invalidParams("resourceSubscriptions must be an array of URIs")
        }
        let subscriptionMeta = JSONObject([(Self.metaSubscriptionID, id.json)])
        let acknowledgement = JSONRPCMessage.notificationJSON(
            method: "notifications/subscriptions/acknowledged",
            params: .object(JSONObject([("_meta", .object(subscriptionMeta)), ("notifications", .object(honoured))])))
        var finalMeta = subscriptionMeta
        finalMeta.append(Self.metaServerInfo, implementation.json(for: revision))
        let final = JSONRPCMessage.responseJSON(
            id: id, result: .object(JSONObject([("resultType", "complete"), ("_meta", .object(finalMeta))])))
        // Without a connection channel (an HTTP request), the stream gets one of its own, which
        // closeAllChannels() ends.
        let channel = channel ?? openChannel(sink: { _ in })
        let subscribed = uris
        return .work(requestID: id) { sink in
            // Spelled out: `cond ? final : nil` would make nil a JSON null, written as an answer.
            let ended: Bool = await channel.listen(id: id, uris: subscribed, acknowledgement: acknowledgement, sink: sink)
            return ended ? .some(final) : .none
        }
    }

    private func getPrompt(id: RequestID, params: JSONObject, context: RequestContext) throws(JSONRPCError) -> Disposition {
        guard let name = params["name"]?.stringValue else { throw .invalidParams("name must be a string") }
        guard let prompt = prompts[name] else {
            throw .invalidParams("Unknown prompt: \(name)", data: .object(JSONObject([("name", .string(name))])))
        }
        let arguments = try Self.stringMap(params["arguments"], what: "arguments")
        try prompt.validate(arguments)
        let server = self
        return .work(requestID: id) { _ in
            do {
                let result = try await prompt.handler(arguments, context)
                if Task.isCancelled { return nil }
                return JSONRPCMessage.responseJSON(id: id, result: server.featureResult(result.json, context.revision, cacheTTL: nil))
            } catch {
                let failure = RequestFailure(error, doing: "building prompt \(name)")
                if failure == .notFound {
                    return JSONRPCMessage.errorJSON(id: id, error: .invalidParams("prompt \(name): what it refers to was not found"))
                }
                return JSONRPCMessage.errorJSON(id: id, error: Self.error(for: failure, uri: nil, revision: context.revision))
            }
        }
    }

    private func complete(id: RequestID, params: JSONObject, context: RequestContext) throws(JSONRPCError) -> Disposition {
        guard let reference = params["ref"]?.objectValue, let kind = reference["type"]?.stringValue else {
            throw .invalidParams("ref must be an object with a type")
        }
        guard let argument = params["argument"]?.objectValue, let name = argument["name"]?.stringValue,
              let value = argument["value"]?.stringValue else {
            throw .invalidParams("argument must be an object with string name and value")
        }
        // `context` exists from 2025-06-18; an older client's is ignored.
        let others = context.revision.hasStructuredOutput
            ? try Self.stringMap(params["context"]?["arguments"], what: "context.arguments") : [:]
        let completer: Completer?
        switch kind {
        case "ref/prompt":
            guard let promptName = reference["name"]?.stringValue else { throw .invalidParams("ref.name must be a string") }
            guard let prompt = prompts[promptName] else {
                throw .invalidParams("Unknown prompt: \(promptName)", data: .object(JSONObject([("name", .string(promptName))])))
            }
            completer = prompt.arguments.first { $0.name == name }?.completer
        case "ref/resource":
            guard let uri = reference["uri"]?.stringValue else { throw .invalidParams("ref.uri must be a string") }
            if let template = resources.template(named: uri) {
                completer = template.completers[name]
            } else if case .resource? = resources.resolve(uri) {
                completer = nil  // a fixed URI has no variables to complete
            } else {
                throw .invalidParams("Unknown resource template: \(uri)", data: .object(JSONObject([("uri", .string(uri))])))
            }
        default:
            throw .invalidParams("ref.type must be ref/prompt or ref/resource")
        }
        let server = self
        return .work(requestID: id) { _ in
            let values = await completer?(value, others, context) ?? []
            if Task.isCancelled { return nil }
            let shown = values.prefix(Self.maximumCompletionValues)
            let completion = JSONObject([
                ("values", .array(shown.map { .string($0) })),
                ("total", .integer(Int64(values.count))),
                ("hasMore", .bool(values.count > shown.count)),
            ])
            return JSONRPCMessage.responseJSON(
                id: id, result: server.featureResult(JSONObject([("completion", .object(completion))]), context.revision, cacheTTL: nil))
        }
    }

    /// An optional JSON object whose values are all strings (prompt arguments, completion context).
    private static func stringMap(_ value: JSONValue?, what: String) throws(JSONRPCError) -> [String: String] {
        switch value {
        case nil, .null?:
            return [:]
        case .object(let object)?:
            var map: [String: String] = [:]
            for member in object {
                guard let text = member.value.stringValue else { throw .invalidParams("\(what).\(member.key) must be a string") }
                map[member.key] = text
            }
            return map
        default:
            throw .invalidParams("\(what) must be an object of strings")
        }
    }
}
