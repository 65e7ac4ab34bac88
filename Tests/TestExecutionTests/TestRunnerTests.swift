import Foundation
import JSONRPC
import MCP
import Store
import Synchronization
import Testing
import LUStores
@testable import TestExecution
#if canImport(Glibc)
import Glibc
#endif

/// The runner end to end inside the process: real commands, a real store.
@Suite struct TestRunnerTests {
    /// A runner over a new store in a temporary directory with `suites` configured.
    func withRunner<T>(_ suites: [String: TestSuite.CommandSuite] = [:], maxConcurrentRuns: Int = 1,
                       _ body: (TestRunner, Store, String) async throws -> T) async throws -> T {
        try await withProcessTestDirectory { directory in
            let store = try await Store.open(path: "\(directory)/store.sqlite")
            var all = try TestSuite.suites(from: nil)
            for (name, suite) in suites { all[name] = TestSuite(name: name, kind: .command(suite)) }
            let runner = TestRunner(store: store, diskThreshold: 100, settings: TestRunner.Settings(
                suites: all, maxConcurrentRuns: maxConcurrentRuns, environment: ["PATH": "/usr/bin:/bin"]))
            return try await body(runner, store, directory)
        }
    }

    func finished(_ runner: TestRunner, _ started: JSONValue) async throws -> JSONValue {
        let id = try #require(started["execution_id"]?.stringValue)
        var result = try await runner.result(of: id, waitSeconds: 30)
        for _ in 0..<3 where result["status"] == "running" { result = try await runner.result(of: id, waitSeconds: 30) }
        return result
    }

    static let tapScript = """
        #!/bin/sh
        echo 'TAP version 13'
        echo '1..4'
        echo 'ok 1 - totals'
        echo 'not ok 2 - vat'
        echo '  ---'
        echo '  message: "off by a penny"'
        echo '  ...'
        echo 'ok 3 - refunds # SKIP later'
        echo 'ok 4 - codes'
        exit 1
        """

    @Test func tapSuiteRunsAndReportsWithJUnitRendering() async throws {
        try await withProcessTestDirectory { scripts in
            let path = try writeScript(Self.tapScript, named: "tap.sh", in: scripts)
            try await withRunner(["unit": .init(command: [path], results: (.tap, nil))]) { runner, _, _ in
                let started = try await runner.start("unit", options: .init(reporter: "junit"))
                #expect(started["status"] == "running")
                #expect(started["estimated_duration"] == .double(TestRunner.defaultCommandEstimate))
                let id = try #require(started["execution_id"]?.stringValue)
                #expect(id.hasPrefix("test_") && id.count == 21)
                let result = try await finished(runner, started)
                #expect(result["status"] == "completed")
                #expect(result["test_type"] == "unit")
                #expect(result["results"]?["total_tests"] == 4 && result["results"]?["passed"] == 2)
                #expect(result["results"]?["failed"] == 1 && result["results"]?["skipped"] == 1)
                #expect(result["results"]?["failures"] == [["name": "vat", "message": "off by a penny"]])
                #expect(result["results"]?["coverage"] == .null)
                #expect(result["completed_at"]?.stringValue != nil)
                #expect(result["output_tail"]?.stringValue?.contains("ok 4 - codes") == true)
                let xml = try #require(result["results"]?["report"]?["content"]?.stringValue)
                #expect(try JUnitReport.parse(Array(xml.utf8)).failed == 1)
            }
        }
    }

    @Test func junitFileAndLcovCoverage() async throws {
        try await withProcessTestDirectory { scripts in
            let script = """
                #!/bin/sh
                mkdir -p out
                cat > out/junit.xml <<'XML'
                <testsuites><testsuite name="s"><testcase name="a"/><testcase name="b"><failure message="no"/></testcase><testcase name="c"><skipped/></testcase></testsuite></testsuites>
                XML
                printf 'SF:a\\nLF:4\\nLH:3\\nFNF:2\\nFNH:2\\nBRF:4\\nBRH:1\\nend_of_record\\n' > out/lcov.info
                exit 1
                """
            let path = try writeScript(script, named: "junit.sh", in: scripts)
            let suite = TestSuite.CommandSuite(command: [path], workingDirectory: scripts, results: (.junit, "out/junit.xml"),
                                               coverage: (.lcov, "out/lcov.info"))
            try await withRunner(["integration": suite]) { runner, _, _ in
                let result = try await finished(runner, try await runner.start("integration", options: .init(coverage: true, reporter: "tap")))
                #expect(result["status"] == "completed")
                #expect(result["results"]?["total_tests"] == 3 && result["results"]?["failed"] == 1)
                #expect(result["results"]?["coverage"] == ["lines": 75.0, "functions": 100.0, "branches": 25.0])
                #expect(result["results"]?["report"]?["format"] == "tap")
                #expect(result["results"]?["report"]?["content"]?.stringValue?.contains("not ok 2 - s.b") == false)
                #expect(result["results"]?["report"]?["content"]?.stringValue?.contains("not ok 2 - b") == true)
            }
        }
    }

    @Test func commandsThatLeaveNoReportFail() async throws {
        try await withProcessTestDirectory { scripts in
            let silent = try writeScript("#!/bin/sh\necho done\n", named: "silent.sh", in: scripts)
            let broken = try writeScript("#!/bin/sh\necho '<testsuites><testsuite name=\"x\"><testcase' > r.xml\nexit 1\n",
                                         named: "broken.sh", in: scripts)
            let plain = "\(scripts)/plain.sh"
            try "#!/bin/sh\n".write(toFile: plain, atomically: true, encoding: .utf8)
            let suites: [String: TestSuite.CommandSuite] = [
                "unit": .init(command: [silent], workingDirectory: scripts, results: (.junit, "none.xml")),
                "integration": .init(command: [broken], workingDirectory: scripts, results: (.junit, "r.xml")),
                "e2e": .init(command: [plain], results: (.tap, nil)),
            ]
            try await withRunner(suites, maxConcurrentRuns: 3) { runner, _, _ in
                let unit = try await finished(runner, try await runner.start("unit"))
                #expect(unit["status"] == "failed")
                #expect(unit["reason"]?.stringValue?.contains("exited with status 0; no readable report") == true)
                #expect(unit["output_tail"] == "done\n")
                let integration = try await finished(runner, try await runner.start("integration"))
                #expect(integration["status"] == "failed")
                #expect(integration["reason"]?.stringValue?.contains("malformed JUnit XML") == true)
                let e2e = try await finished(runner, try await runner.start("e2e"))
                #expect(e2e["status"] == "failed")
                #expect(e2e["reason"]?.stringValue?.contains("Permission denied") == true)
                #expect(e2e["output_tail"]?.stringValue?.contains("Permission denied") == true)
            }
        }
    }

    @Test func timeoutOptionKillsTheRun() async throws {
        try await withRunner(["unit": .init(command: ["/bin/sh", "-c", "echo 1..2; echo ok 1; exec sleep 60"], results: (.tap, nil))]) { runner, _, _ in
            let result = try await finished(runner, try await runner.start("unit", options: .init(timeout: .milliseconds(300))))
            #expect(result["status"] == "timed_out")
            #expect(result["results"]?["passed"] == 1)
            #expect(result["reason"]?.stringValue?.contains("timed out after 300 ms") == true)
        }
    }

    @Test func oneAtATimeManyReadersThenANewRun() async throws {
        try await withProcessTestDirectory { scripts in
            let gate = "\(scripts)/gate"
            let script = "#!/bin/sh\necho 1..1\nwhile [ ! -e \(gate) ]; do sleep 0.05; done\necho ok 1 - done\n"
            let path = try writeScript(script, named: "gated.sh", in: scripts)
            try await withRunner(["unit": .init(command: [path], results: (.tap, nil))]) { runner, _, _ in
                let first = try await runner.start("unit")
                let id = try #require(first["execution_id"]?.stringValue)
                await #expect {
                    _ = try await runner.start("sales")
                } throws: { error in
                    (error as? TestRunnerFailure) == .busy(running: [id])
                }
                let statuses = await withTaskGroup(of: JSONValue?.self) { group in
                    for _ in 0..<50 { group.addTask { try? await runner.result(of: id)["status"] } }
                    return await group.reduce(into: [JSONValue?]()) { $0.append($1) }
                }
                #expect(statuses.count == 50 && statuses.allSatisfy { $0 == "running" })
                #expect(FileManager.default.createFile(atPath: gate, contents: nil))
                let done = try await finished(runner, first)
                #expect(done["status"] == "completed" && done["results"]?["passed"] == 1)
                let second = try await runner.start("sales")
                #expect(second["status"] == "running")
                #expect(second["estimated_duration"] == .double(TestRunner.defaultBuiltInEstimate))
                _ = try await finished(runner, second)
            }
        }
    }

    @Test func longPollSendsProgressAndHonoursCancellation() async throws {
        try await withProcessTestDirectory { scripts in
            let gate = "\(scripts)/gate"
            let script = "#!/bin/sh\necho 1..3\necho ok 1\nsleep 0.2\necho ok 2\nwhile [ ! -e \(gate) ]; do sleep 0.05; done\necho ok 3\n"
            let path = try writeScript(script, named: "slow.sh", in: scripts)
            try await withRunner(["unit": .init(command: [path], results: (.tap, nil))]) { runner, _, _ in
                let id = try #require(try await runner.start("unit")["execution_id"]?.stringValue)
                let seen = Mutex<[Int]>([])
                let clock = ContinuousClock()
                let start = clock.now
                let waiting = Task {
                    try await runner.result(of: id, waitSeconds: 60) { finished, _ in seen.withLock { $0.append(finished) } }
                }
                // Wait for the event itself, not a fixed time: the machine may be loaded.
                while !seen.withLock({ $0.contains(2) }), clock.now - start < .seconds(30) {
                    try await Task.sleep(for: .milliseconds(20))
                }
                let cancelled = clock.now
                waiting.cancel()
                let answer = try await waiting.value
                #expect(clock.now - cancelled < .seconds(5))
                #expect(answer["status"] == "running")
                #expect(seen.withLock { $0.contains(2) })
                #expect(FileManager.default.createFile(atPath: gate, contents: nil))
                let done = try await runner.result(of: id, waitSeconds: 30)
                #expect(done["status"] == "completed" && done["results"]?["total_tests"] == 3)
            }
        }
    }

    @Test func unconfiguredAndUnknown() async throws {
        try await withRunner { runner, _, _ in
            await #expect {
                _ = try await runner.start("unit")
            } throws: { error in
                let error = error as? TestRunnerFailure
                return error == .notConfigured(testType: "unit", configured: ["sales", "system"])
                    && error?.description.contains("configured suites: sales, system") == true
            }
            await #expect {
                _ = try await runner.result(of: "test_0000000000000000")
            } throws: { ($0 as? TestRunnerFailure) == .notFound(executionID: "test_0000000000000000") }
        }
    }

    @Test func executionsSurviveARestartAndCutOffOnesReadInterrupted() async throws {
        try await withRunner { runner, store, _ in
            let done = try await finished(runner, try await runner.start("system"))
            #expect(done["status"] == "completed")
            let insert = "INSERT INTO test_executions (execution_id, test_type, status, started_at, results) VALUES (?, 'unit', 'running', ?, ?)"
            // A server that is gone (no such pid) and one that is alive (pid 1).
            try await store.writer.run(insert, [.text("test_dead"), .text("2025-06-09T10:00:00Z"), .text(#"{"runner_pid":2147483000}"#)])
            try await store.writer.run(insert, [.text("test_alive"), .text("2025-06-09T10:00:00Z"), .text(#"{"runner_pid":1}"#)])
            let restarted = TestRunner(store: store, settings: .init(suites: try TestSuite.suites(from: nil)))
            #expect(try await restarted.recoverInterrupted() == 1)
            let dead = try await restarted.result(of: "test_dead")
            #expect(dead["status"] == "interrupted" && dead["completed_at"]?.stringValue != nil)
            #expect(dead["reason"] == "cut off by a restart of the server")
            #expect(dead["results"]?["total_tests"] == 0 && dead["results"]?["failures"] == [])
            #expect(try await restarted.result(of: "test_alive")["status"] == "running")
            let again = try await restarted.result(of: try #require(done["execution_id"]?.stringValue))
            #expect(again == done)
        }
    }

    @Test func statusShowsTheLatestFinishedExecution() async throws {
        try await withRunner { runner, store, _ in
            let done = try await finished(runner, try await runner.start("sales"))
            let status = await StatusMonitor(store: store, environment: "test").status()
            #expect(status["tests"]?["total"] == 5 && status["tests"]?["passed"] == 5 && status["tests"]?["failed"] == 0)
            #expect(status["tests"]?["last_run"] == done["completed_at"])
        }
    }

    @Test func estimateIsTheMedianOfRecentRuns() async throws {
        try await withRunner { runner, store, _ in
            for (index, duration) in [4.0, 1.0, 10.0].enumerated() {
                try await store.writer.run(
                    "INSERT INTO test_executions VALUES (?, 'system', 'completed', ?, ?, ?, NULL)",
                    [.text("test_old\(index)"), .text("2025-06-0\(index + 1)T10:00:00Z"), .text("2025-06-0\(index + 1)T10:00:05Z"),
                     .text(#"{"total_tests":1,"passed":1,"failed":0,"duration":\#(duration)}"#)])
            }
            let started = try await runner.start("system")
            #expect(started["estimated_duration"] == 4.0)
            _ = try await finished(runner, started)
        }
    }
}
