import Foundation
import JSONRPC
import MCP
import Store
import Synchronization
import Testing
@testable import LUStores
import TestExecution

/// `run_tests` and `get_test_result` through the tool registry, as a client calls them.
@Suite struct TestRunnerToolTests {
    func withRegistry<T>(_ suites: [String: TestSuite.CommandSuite] = [:],
                         _ body: (ToolRegistry) async throws -> T) async throws -> T {
        try await withProcessTestDirectory { directory in
            let store = try await Store.open(path: "\(directory)/store.sqlite")
            var all = try TestSuite.suites(from: nil)
            for (name, suite) in suites { all[name] = TestSuite(name: name, kind: .command(suite)) }
            let runner = TestRunner(store: store, diskThreshold: 100, settings: .init(suites: all, environment: ["PATH": "/usr/bin:/bin"]))
            return try await body(try fullRegistry(store, runner: runner))
        }
    }

    func call(_ registry: ToolRegistry, _ name: String, _ arguments: JSONValue, context: ToolContext? = nil) async -> ToolOutcome {
        let tool = registry[name]!
        return await registry.call(tool, arguments: arguments.objectValue ?? JSONObject(),
                                   context: context ?? ToolContext(requestID: .integer(1), revision: .v2025_06_18))
    }

    @Test func toolsAreDeclaredAfterGetStatusWithTheirAnnotations() async throws {
        try await withRegistry { registry in
            #expect(registry.tools.map(\.name) == allToolNames)
            let run = registry["run_tests"]!.annotations
            #expect(!run.readOnlyHint && !run.destructiveHint && !run.idempotentHint && !run.openWorldHint)
            let get = registry["get_test_result"]!.annotations
            #expect(get.readOnlyHint && get.idempotentHint && !get.openWorldHint)
            for name in ["run_tests.input.schema.json", "run_tests.output.schema.json",
                         "get_test_result.input.schema.json", "get_test_result.output.schema.json"] {
                let onDisk = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: #filePath)
                    .deletingLastPathComponent().appendingPathComponent("../../schemas/\(name)")).map { $0 }))
                #expect(SchemaLibrary.all[name] == onDisk, "\(name)")
            }
        }
    }

    @Test func argumentsAreCheckedAgainstTheSchema() async throws {
        try await withRegistry { registry in
            for arguments: JSONValue in [[:], ["test_type": "lint"], ["test_type": "sales", "options": ["timeout": 5]],
                                         ["test_type": "sales", "options": ["timeout": 3_600_001]],
                                         ["test_type": "sales", "options": ["reporter": "html"]],
                                         ["test_type": "sales", "extra": true]] {
                let outcome = await call(registry, "run_tests", arguments)
                #expect(outcome.isError && outcome.json["error"]?["code"] == "MCP_INVALID_REQUEST", "\(arguments)")
            }
            for arguments: JSONValue in [[:], ["execution_id": "x", "wait_seconds": 61], ["execution_id": ""]] {
                let outcome = await call(registry, "get_test_result", arguments)
                #expect(outcome.isError && outcome.json["error"]?["code"] == "MCP_INVALID_REQUEST", "\(arguments)")
            }
            let missing = await call(registry, "get_test_result", ["execution_id": "test_nope"])
            #expect(missing.json["error"]?["code"] == "MCP_NOT_FOUND")
            let unconfigured = await call(registry, "run_tests", ["test_type": "e2e"])
            #expect(unconfigured.json["error"]?["code"] == "MCP_INVALID_REQUEST")
            #expect(SchemaValidator.validate(unconfigured.json, against: SchemaLibrary.error) == nil)
        }
    }

    @Test func answersMatchTheOutputSchemasAndProgressIsSent() async throws {
        // Slow enough that the calls below find it running even on a loaded machine.
        let script = "echo 1..3; echo ok 1; sleep 1; echo ok 2; sleep 1; echo 'not ok 3 - last'; exit 1"
        try await withRegistry(["unit": .init(command: ["/bin/sh", "-c", script], results: (.tap, nil))]) { registry in
            let started = await call(registry, "run_tests", ["test_type": "unit", "options": ["reporter": "tap", "coverage": true]])
            #expect(!started.isError)
            #expect(SchemaValidator.validate(started.json, against: SchemaLibrary.runTestsOutput) == nil)
            let id = try #require(started.json["execution_id"])
            let busy = await call(registry, "run_tests", ["test_type": "sales"])
            #expect(busy.json["error"]?["code"] == "MCP_TEST_RUNNING")
            #expect(busy.json["error"]?["details"]?["execution_id"] == id)

            let running = await call(registry, "get_test_result", ["execution_id": id])
            #expect(SchemaValidator.validate(running.json, against: SchemaLibrary.getTestResultOutput) == nil)

            let sent = Mutex<[JSONValue]>([])
            let context = ToolContext(requestID: .integer(7), revision: .v2025_06_18, progressToken: .string("p"),
                                      sink: { message in sent.withLock { $0.append(message) } })
            let done = await call(registry, "get_test_result", ["execution_id": id, "wait_seconds": 30], context: context)
            #expect(done.json["status"] == "completed")
            #expect(done.json["results"]?["failed"] == 1)
            #expect(done.json["results"]?["coverage"] == .null)
            #expect(done.json["results"]?["coverage_error"] != nil)
            #expect(done.json["results"]?["report"]?["format"] == "tap")
            #expect(SchemaValidator.validate(done.json, against: SchemaLibrary.getTestResultOutput) == nil)
            let progress = sent.withLock { $0 }.compactMap { $0["params"]?["progress"]?.doubleValue }
            #expect(!progress.isEmpty && progress == progress.sorted() && Set(progress).count == progress.count)
            #expect(sent.withLock { $0 }.allSatisfy { $0["params"]?["progressToken"] == "p" })
        }
    }
}
