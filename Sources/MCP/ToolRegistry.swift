import JSONRPC

/// The tools a server offers, in declaration order, with argument validation in front of every
/// handler.
///
/// Guarantees: names are unique; `tools/list` order is the declaration order on every call;
/// a handler only ever sees arguments that satisfy its input schema.
public struct ToolRegistry: Sendable {
    /// The tools, in the order `tools/list` shows them.
    public let tools: [Tool]
    private let positions: [String: Int]
    private let invalidArguments: @Sendable (SchemaViolation) -> ToolError

    /// A registry of `tools`. `invalidArguments` turns a schema violation into the tool error the
    /// client receives (its wording and details are the application's).
    public init(_ tools: [Tool], invalidArguments: @escaping @Sendable (SchemaViolation) -> ToolError) {
        var positions: [String: Int] = [:]
        for (position, tool) in tools.enumerated() {
            precondition(positions[tool.name] == nil, "tool \(tool.name) declared twice")
            positions[tool.name] = position
        }
        self.tools = tools
        self.positions = positions
        self.invalidArguments = invalidArguments
    }

    /// The tool called `name`, if any.
    public subscript(name: String) -> Tool? {
        positions[name].map { tools[$0] }
    }

    /// The same registry without the tools named in `names` (a read-only server drops `run_tests`).
    public func without(_ names: Set<String>) -> ToolRegistry {
        ToolRegistry(tools.filter { !names.contains($0.name) }, invalidArguments: invalidArguments)
    }

    /// Refuses a tool the bound ``ToolCaller`` may not call (`MCP_FORBIDDEN`), validates
    /// `arguments` against the tool's input schema, then runs its handler.
    public func call(_ tool: Tool, arguments: JSONObject, context: ToolContext) async -> ToolOutcome {
        if let caller = ToolCaller.current, !caller.allows(tool.name) {
            return .failure(ToolError(.forbidden, "this API key may not call \(tool.name)"))
        }
        if let violation = SchemaValidator.validate(.object(arguments), against: tool.inputSchema) {
            return .failure(invalidArguments(violation))
        }
        return await tool.handler(arguments, context)
    }

    /// One page of `tools/list`: at most `pageSize` tools from `cursor` on, and `nextCursor` when
    /// more remain. Cursors are opaque to clients; a cursor this server did not issue is -32602.
    /// With a ``ToolCaller`` bound, only the tools it may call are listed.
    public func listPage(for revision: ProtocolRevision, cursor: String?, pageSize: Int) throws(JSONRPCError) -> JSONObject {
        let visible = ToolCaller.current.map { caller in tools.filter { caller.allows($0.name) } } ?? tools
        let page = try Pagination.page(count: visible.count, cursor: cursor, pageSize: pageSize, kind: "tools")
        var result = JSONObject([("tools", .array(visible[page.range].map { $0.json(for: revision) }))])
        if let next = page.nextCursor { result.append("nextCursor", .string(next)) }
        return result
    }
}
