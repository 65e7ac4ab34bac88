import JSONRPC
import MCP

/// `get_test_result`: progress or outcome of one execution, optionally long-polling.
public enum GetTestResultTool {
    /// The tool, answering from `runner`; an unknown id is `MCP_NOT_FOUND`.
    public static func make(runner: TestRunner) -> Tool {
        Tool(
            name: "get_test_result",
            title: "Test result",
            description: "Progress or outcome of one test execution: status, counts, duration, coverage, up to 50 failures "
                + "with their messages, and the end of the output. wait_seconds (up to 60) waits for a running execution "
                + "to end, with progress notifications (tests finished so far) when the request has a progressToken.",
            inputSchema: SchemaLibrary.getTestResultInput,
            outputSchema: SchemaLibrary.getTestResultOutput,
            annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true),
            handler: { arguments, context in await call(runner, arguments, context) }
        )
    }

    private static func call(_ runner: TestRunner, _ arguments: JSONObject, _ context: ToolContext) async -> ToolOutcome {
        let id = arguments["execution_id"]?.stringValue ?? ""
        let wait = Int(arguments["wait_seconds"]?.integerValue ?? 0)
        var progress: (@Sendable (Int, Int?) -> Void)?
        if context.wantsProgress {
            progress = { finished, total in
                let message = "\(finished) test\(finished == 1 ? "" : "s") finished"
                context.reportProgress(Double(finished), total: total.map(Double.init), message: message)
            }
        }
        do throws(ToolError) {
            return .success(try await runner.result(of: id, waitSeconds: wait, progress: progress))
        } catch {
            return error.outcome
        }
    }
}
