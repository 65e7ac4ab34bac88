import Foundation
import JSONRPC
import LUStores
import MCP

/// `lustores-mcp call TOOL [JSON]`: one tool call without a client. Prints the same JSON as the
/// tool's `structuredContent` (or its error object) as one line on stdout.
enum ToolCallCommand {
    /// Runs the call and returns the exit status: 0 success, 1 tool error, 2 bad tool or JSON.
    static func run(registry: ToolRegistry, tool name: String, arguments text: String?) async -> Int32 {
        guard let tool = registry[name] else {
            let names = registry.tools.map(\.name).joined(separator: ", ")
            LUStoresMCP.report("unknown tool \(name) (tools: \(names))")
            return 2
        }
        var arguments = JSONObject()
        if let text {
            do {
                guard case .object(let object) = try JSONParser.parse(text) else {
                    LUStoresMCP.report("the arguments must be a JSON object")
                    return 2
                }
                arguments = object
            } catch {
                LUStoresMCP.report("the arguments are not valid JSON: \(error)")
                return 2
            }
        }
        let context = ToolContext(requestID: nil, revision: ProtocolRevision.allCases.last!)
        let outcome = await registry.call(tool, arguments: arguments, context: context)
        var line = JSONWriter.bytes(outcome.json)
        line.append(0x0A)
        FileHandle.standardOutput.write(Data(line))
        return outcome.isError ? 1 : 0
    }
}
