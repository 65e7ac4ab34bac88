import JSONRPC

/// Who is calling tools in the current task, as the transport that authenticated them knows it:
/// the HTTP shim binds one per `/mcp` request (from the API key); stdio binds none.
///
/// Guarantees: while a caller is bound, `tools/list` shows only the tools ``allows`` admits and
/// ``ToolRegistry/call(_:arguments:context:)`` refuses any other with `MCP_FORBIDDEN`; it never
/// holds a credential, only a name.
public struct ToolCaller: Sendable {
    /// The caller's name (an API key's name), never the key.
    public let name: String?
    /// The client's address as the transport sees it.
    public let address: String?
    /// The transport's name (`mcp`, `rest`, `stdio`).
    public let transport: String
    /// Whether the caller may see and call the tool of this name.
    public let allows: @Sendable (String) -> Bool

    /// A caller called `name` at `address` over `transport`, allowed the tools `allows` admits.
    public init(name: String?, address: String?, transport: String, allows: @escaping @Sendable (String) -> Bool) {
        self.name = name
        self.address = address
        self.transport = transport
        self.allows = allows
    }

    /// The caller of the current task, if a transport bound one.
    @TaskLocal public static var current: ToolCaller?
}

/// One finished `tools/call`, as an engine's observer sees it.
public struct ToolCallReport: Sendable {
    /// The tool's name.
    public let tool: String
    /// The arguments as sent (before validation).
    public let arguments: JSONObject
    /// What the call answered.
    public let outcome: ToolOutcome
    /// From the start of the call to its outcome.
    public let duration: Duration
    /// Who called, when the transport bound a ``ToolCaller``.
    public let caller: ToolCaller?

    /// A report of one call.
    public init(tool: String, arguments: JSONObject, outcome: ToolOutcome, duration: Duration, caller: ToolCaller?) {
        self.tool = tool
        self.arguments = arguments
        self.outcome = outcome
        self.duration = duration
        self.caller = caller
    }
}

/// Told of every finished `tools/call` an engine runs (cancelled calls included), on the task
/// that ran it; it must not block.
public typealias ToolCallObserver = @Sendable (ToolCallReport) -> Void
