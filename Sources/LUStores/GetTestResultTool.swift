import JSONRPC
import MCP
import TestExecution

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
        let id: String
        let wait: Int
        do throws(ToolError) {
            let reader = ArgumentReader(arguments, schema: SchemaLibrary.getTestResultInput)
            id = try reader.string("execution_id") ?? ""
            wait = Int(try reader.integer("wait_seconds"))
        } catch {
            return error.outcome
        }
        var progress: (@Sendable (Int, Int?) -> Void)?
        if context.wantsProgress {
            progress = { finished, total in
                let message = "\(finished) test\(finished == 1 ? "" : "s") finished"
                context.reportProgress(Double(finished), total: total.map(Double.init), message: message)
            }
        }
        do throws(TestRunnerFailure) {
            return .success(try await runner.result(of: id, waitSeconds: wait, progress: progress))
        } catch {
            return ToolError(error).outcome
        }
    }
}
