import JSONRPC

/// One argument of a prompt, as `prompts/list` shows it, with its completer.
public struct PromptArgument: Sendable {
    public let name: String
    /// Display name; sent from 2025-06-18 on.
    public let title: String?
    public let description: String?
    public let required: Bool
    /// Offers values for `completion/complete`; nil when the argument has no completions.
    public let completer: Completer?

    /// An argument with these values.
    public init(name: String, title: String? = nil, description: String? = nil, required: Bool = false,
                completer: Completer? = nil) {
        self.name = name
        self.title = title
        self.description = description
        self.required = required
        self.completer = completer
    }

    func json(for revision: ProtocolRevision) -> JSONValue {
        var object = JSONObject([("name", .string(name))])
        if revision.hasStructuredOutput, let title { object.append("title", .string(title)) }
        if let description { object.append("description", .string(description)) }
        object.append("required", .bool(required))
        return .object(object)
    }
}

/// Who says a prompt message.
public enum PromptRole: String, Sendable {
    case user, assistant
}

/// What one prompt message holds: text, or a resource embedded whole (so the model starts from
/// the real data).
public enum PromptContent: Sendable, Equatable {
    case text(String)
    case resource(ResourceContents)

    /// The content block: `{"type":"text","text"}` or `{"type":"resource","resource":{…}}`,
    /// both defined by every revision.
    public var json: JSONValue {
        switch self {
        case .text(let text): return .object(JSONObject([("type", "text"), ("text", .string(text))]))
        case .resource(let contents): return .object(JSONObject([("type", "resource"), ("resource", contents.json)]))
        }
    }
}

/// One message of a prompt.
public struct PromptMessage: Sendable, Equatable {
    public let role: PromptRole
    public let content: PromptContent

    /// A message with this role and content.
    public init(role: PromptRole, content: PromptContent) {
        self.role = role
        self.content = content
    }

    var json: JSONValue { .object(JSONObject([("role", .string(role.rawValue)), ("content", content.json)])) }
}

/// What `prompts/get` answers.
public struct PromptResult: Sendable, Equatable {
    public let description: String?
    public let messages: [PromptMessage]

    /// A result with these messages and optional description.
    public init(description: String? = nil, messages: [PromptMessage]) {
        self.description = description
        self.messages = messages
    }

    var json: JSONObject {
        var object = JSONObject()
        if let description { object.append("description", .string(description)) }
        object.append("messages", .array(messages.map(\.json)))
        return object
    }
}

/// Builds a prompt's messages from its arguments (every required one present, no unknown one).
/// It throws ``RequestFailure/invalidArgument(_:)`` for a value it cannot use; any error that is
/// not a ``RequestFailure`` becomes -32603 with a generic message.
public typealias PromptHandler = @Sendable (_ arguments: [String: String],
                                            _ context: RequestContext) async throws -> PromptResult

/// One prompt, declared once: what `prompts/list` shows, how `prompts/get` builds it, and how its
/// arguments complete.
public struct Prompt: Sendable {
    public let name: String
    /// Display name; sent from 2025-06-18 on.
    public let title: String?
    public let description: String?
    public let arguments: [PromptArgument]
    /// Sent from 2025-11-25 on.
    public let icons: [Icon]
    public let handler: PromptHandler

    /// A prompt with these values, answered by `handler`.
    public init(name: String, title: String? = nil, description: String? = nil, arguments: [PromptArgument] = [],
                icons: [Icon] = [], handler: @escaping PromptHandler) {
        precondition(Set(arguments.map(\.name)).count == arguments.count, "prompt \(name) has two arguments of one name")
        self.name = name
        self.title = title
        self.description = description
        self.arguments = arguments
        self.icons = icons
        self.handler = handler
    }

    /// The `Prompt` object of `prompts/list` with only the fields `revision` defines.
    public func json(for revision: ProtocolRevision) -> JSONValue {
        var object = JSONObject([("name", .string(name))])
        if revision.hasStructuredOutput, let title { object.append("title", .string(title)) }
        if let description { object.append("description", .string(description)) }
        if !arguments.isEmpty { object.append("arguments", .array(arguments.map { $0.json(for: revision) })) }
        Icon.append(icons, to: &object, revision: revision)
        return .object(object)
    }

    /// `arguments` checked against the declaration: -32602 naming the first unknown or missing one.
    func validate(_ arguments: [String: String]) throws(JSONRPCError) {
        for name in arguments.keys.sorted() where !self.arguments.contains(where: { $0.name == name }) {
            let known = self.arguments.map(\.name).joined(separator: ", ")
            throw .invalidParams("prompt \(self.name) has no argument \(name)"
                                 + (known.isEmpty ? " (it takes none)" : " (it takes \(known))"))
        }
        for argument in self.arguments where argument.required && arguments[argument.name] == nil {
            throw .invalidParams("prompt \(name) needs the argument \(argument.name)")
        }
    }
}

/// The prompts a server offers, in declaration order.
///
/// Guarantees: names are unique; `prompts/list` keeps declaration order; a handler only ever sees
/// arguments that name declared arguments and include every required one.
public struct PromptRegistry: Sendable {
    public let prompts: [Prompt]
    /// How many prompts one `prompts/list` page holds.
    public let pageSize: Int
    private let positions: [String: Int]

    /// A registry of `prompts`, listed `pageSize` at a time.
    public init(_ prompts: [Prompt] = [], pageSize: Int = ResourceRegistry.defaultPageSize) {
        var positions: [String: Int] = [:]
        for (position, prompt) in prompts.enumerated() {
            precondition(positions[prompt.name] == nil, "prompt \(prompt.name) declared twice")
            positions[prompt.name] = position
        }
        self.prompts = prompts
        self.pageSize = max(1, pageSize)
        self.positions = positions
    }

    /// Whether nothing is offered (then the `prompts` capability is not advertised).
    public var isEmpty: Bool { prompts.isEmpty }

    /// Whether some argument has a completer.
    var hasCompleters: Bool { prompts.contains { $0.arguments.contains { $0.completer != nil } } }

    /// The prompt called `name`, if any.
    public subscript(name: String) -> Prompt? { positions[name].map { prompts[$0] } }

    /// One page of `prompts/list`; a cursor this server did not issue is -32602.
    func listPage(for revision: ProtocolRevision, cursor: String?) throws(JSONRPCError) -> JSONObject {
        let page = try Pagination.page(count: prompts.count, cursor: cursor, pageSize: pageSize, kind: "prompts")
        var result = JSONObject([("prompts", .array(prompts[page.range].map { $0.json(for: revision) }))])
        if let next = page.nextCursor { result.append("nextCursor", .string(next)) }
        return result
    }
}
