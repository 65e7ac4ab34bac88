import JSONRPC
import MCP
import TestExecution

/// `run_tests`: starts a suite in the background through `TestRunner`.
public enum RunTestsTool {
    /// The tool, answering from `runner`; its errors are `ToolError` objects (`MCP_INVALID_REQUEST`,
    /// `MCP_TEST_RUNNING`, `MCP_UNAVAILABLE`).
    public static func make(runner: TestRunner) -> Tool {
        Tool(
            name: "run_tests",
            title: "Run tests",
            description: "Start a test suite (unit, integration, e2e, or the built-in store checks sales and system) in the "
                + "background. Answers at once with execution_id and estimated_duration; poll get_test_result for the "
                + "outcome. One execution at a time by default: while one runs, this answers MCP_TEST_RUNNING with its id.",
            inputSchema: SchemaLibrary.runTestsInput,
            outputSchema: SchemaLibrary.runTestsOutput,
            annotations: ToolAnnotations(readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false),
            handler: { arguments, _ in
                let testType: String
                let runOptions: TestRunner.Options
                do throws(ToolError) {
                    let reader = ArgumentReader(arguments, schema: SchemaLibrary.runTestsInput)
                    testType = try reader.choice("test_type") ?? ""
                    let options = try reader.object("options")
                    runOptions = TestRunner.Options(coverage: try options.flag("coverage"),
                                                    reporter: try options.choice("reporter") ?? "json",
                                                    timeout: try options.optionalInteger("timeout").map { .milliseconds($0) })
                } catch {
                    return error.outcome
                }
                do throws(TestRunnerFailure) {
                    let started = try await runner.start(testType, options: runOptions)
                    // The execution goes on after this answer; its id is what get_test_result takes.
                    guard let id = started["execution_id"]?.stringValue else { return .success(started) }
                    return .started(started, handle: id)
                } catch {
                    return ToolError(error).outcome
                }
            }
        )
    }
}
