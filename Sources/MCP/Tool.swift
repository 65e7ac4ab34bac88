import JSONRPC

/// Hints about a tool's behaviour, sent as `annotations` from 2025-03-26 on.
public struct ToolAnnotations: Sendable {
    public var readOnlyHint: Bool
    public var destructiveHint: Bool
    public var idempotentHint: Bool
    public var openWorldHint: Bool

    /// Hints as the specification defines them; `destructiveHint` and `openWorldHint` default to false.
    public init(readOnlyHint: Bool, destructiveHint: Bool = false, idempotentHint: Bool, openWorldHint: Bool = false) {
        self.readOnlyHint = readOnlyHint
        self.destructiveHint = destructiveHint
        self.idempotentHint = idempotentHint
        self.openWorldHint = openWorldHint
    }
}

/// What a tool's handler returns: its structured result, or a ``ToolError`` (sent to an MCP
/// client as an object its model can read, with `isError: true`).
///
/// Transports render an outcome from these values alone: a failure's code chooses the HTTP
/// status, and work that outlives the call names itself in ``started(_:handle:)``, so no
/// transport reads a result's JSON back to learn either.
public enum ToolOutcome: Sendable, Equatable {
    /// The structured result.
    case success(JSONValue)
    /// The call started work that goes on after this answer; `handle` is what later calls name it
    /// by (a test execution's id). Rendered as a success.
    case started(JSONValue, handle: String)
    /// The tool error (arguments, state, availability).
    case failure(ToolError)

    /// The JSON carried: the result, or the error object.
    public var json: JSONValue {
        switch self {
        case .success(let value), .started(let value, _): return value
        case .failure(let error): return error.json
        }
    }

    /// Whether this is a tool error.
    public var isError: Bool {
        if case .failure = self { return true }
        return false
    }
}

/// A tool handler: validated arguments in, outcome out. It may report progress and log through
/// the context, and should stop early when its task is cancelled.
public typealias ToolHandler = @Sendable (_ arguments: JSONObject, _ context: ToolContext) async -> ToolOutcome

/// One tool, declared once: everything `tools/list` shows and the handler `tools/call` runs.
public struct Tool: Sendable {
    public let name: String
    public let title: String
    public let description: String
    /// JSON Schema of the arguments; `tools/call` validates against it before calling the handler.
    public let inputSchema: JSONValue
    /// JSON Schema of the structured result; sent from 2025-06-18 on.
    public let outputSchema: JSONValue?
    public let annotations: ToolAnnotations
    public let handler: ToolHandler

    /// A tool; ``ToolRegistry`` checks that `name` is unique and validates arguments against `inputSchema`.
    public init(name: String, title: String, description: String, inputSchema: JSONValue, outputSchema: JSONValue?,
                annotations: ToolAnnotations, handler: @escaping ToolHandler) {
        self.name = name
        self.title = title
        self.description = description
        self.inputSchema = inputSchema
        self.outputSchema = outputSchema
        self.annotations = annotations
        self.handler = handler
    }

    /// The `Tool` object of `tools/list` with only the fields `revision` defines.
    public func json(for revision: ProtocolRevision) -> JSONValue {
        var object = JSONObject([("name", .string(name))])
        if revision.hasStructuredOutput { object.append("title", .string(title)) }
        object.append("description", .string(description))
        object.append("inputSchema", inputSchema)
        if revision.hasStructuredOutput, let outputSchema { object.append("outputSchema", outputSchema) }
        if revision.hasToolAnnotations {
            var hints = JSONObject()
            // Before 2025-06-18 there is no top-level title; the annotation carries it instead.
            if !revision.hasStructuredOutput { hints.append("title", .string(title)) }
            hints.append("readOnlyHint", .bool(annotations.readOnlyHint))
            if !annotations.readOnlyHint { hints.append("destructiveHint", .bool(annotations.destructiveHint)) }
            hints.append("idempotentHint", .bool(annotations.idempotentHint))
            hints.append("openWorldHint", .bool(annotations.openWorldHint))
            object.append("annotations", .object(hints))
        }
        return .object(object)
    }
}
