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
            description: "Start a test suite of this server in the background: \(suiteList(runner.runnableSuites)). "
                + "Answers at once with execution_id and estimated_duration; poll get_test_result for the "
                + "outcome. One execution at a time by default: while one runs, this answers MCP_TEST_RUNNING with its id.",
            inputSchema: inputSchema(for: runner.runnableSuites),
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

    /// `schemas/run_tests.input.schema.json` with `test_type` narrowed to `suites` (the enum and its
    /// description name only what this server can run).
    public static func inputSchema(for suites: [TestSuite]) -> JSONValue {
        guard case .object(var schema) = SchemaLibrary.runTestsInput, case .object(var properties)? = schema["properties"],
              case .object(var testType)? = properties["test_type"] else { return SchemaLibrary.runTestsInput }
        testType["enum"] = .array(suites.map { .string($0.name) })
        testType["description"] = .string("The suite to run; this server can run \(suiteList(suites)).")
        properties["test_type"] = .object(testType)
        schema["properties"] = .object(properties)
        return .object(schema)
    }

    /// `sales (built-in checks of …), unit (a configured command)`: the suites and what each runs,
    /// never the command itself.
    static func suiteList(_ suites: [TestSuite]) -> String {
        guard !suites.isEmpty else { return "no suite is configured" }
        return suites.map { suite in
            switch suite.kind {
            case .builtIn(.sales): "sales (built-in checks of the sales and stock data)"
            case .builtIn(.system): "system (built-in checks of the database, its schema and disk space)"
            case .command: "\(suite.name) (a configured command)"
            }
        }.joined(separator: ", ")
    }
}
