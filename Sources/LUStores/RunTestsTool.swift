import JSONRPC
import MCP

/// `run_tests`: starts a suite in the background through ``TestRunner``.
public enum RunTestsTool {
    /// The tool, answering from `runner`; its errors are ``ToolError`` objects (`MCP_INVALID_REQUEST`,
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
                // The input schema has checked types, the enum and the timeout bounds.
                let testType = arguments["test_type"]?.stringValue ?? ""
                let options = arguments["options"]?.objectValue ?? JSONObject()
                let runOptions = TestRunner.Options(
                    coverage: options["coverage"]?.boolValue ?? false,
                    reporter: options["reporter"]?.stringValue ?? "json",
                    timeout: options["timeout"]?.integerValue.map { .milliseconds($0) })
                do throws(ToolError) {
                    return .success(try await runner.start(testType, options: runOptions))
                } catch {
                    return error.outcome
                }
            }
        )
    }
}
