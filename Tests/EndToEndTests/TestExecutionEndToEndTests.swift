import Foundation
import JSONRPC
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `run_tests` and `get_test_result` through the built binary over stdio, with real commands:
/// scripts written for the tests into a temporary directory and configured as suites.
@Suite(.serialized) struct TestExecutionEndToEndTests {
    @Test func runsAConfiguredSuitePollsAndReadsTheResults() async throws {
        try await withExecutionFixtures { fixtures in
            let config: JSONValue = ["test_suites": [
                "unit": ["command": [.string(fixtures.tap)], "results": ["format": "tap"]],
                "integration": ["command": [.string(fixtures.junit)], "working_directory": .string(fixtures.directory),
                                "timeout_ms": 30000, "environment": ["REPORT_DIR": "out"],
                                "results": ["format": "junit", "path": "out/junit.xml"],
                                "coverage": ["format": "lcov", "path": "out/lcov.info"]],
            ]]
            let server = try ExecutionServer(fixtures: fixtures, config: config)
            defer { server.stop() }
            let unit = try await server.call("run_tests", ["test_type": "unit"])
            #expect(unit["status"] == "running")
            let unitResult = try await server.waitForEnd(unit["execution_id"])
            #expect(unitResult["status"] == "completed")
            #expect(unitResult["results"]?["total_tests"] == 5 && unitResult["results"]?["passed"] == 3)
            #expect(unitResult["results"]?["failed"] == 1 && unitResult["results"]?["skipped"] == 1)
            #expect(unitResult["results"]?["failures"]?.arrayValue?.first?["name"] == "refund VAT")
            let status = try await server.call("get_status", [:])
            #expect(status["tests"]?["total"] == 5 && status["tests"]?["failed"] == 1)
            #expect(status["tests"]?["last_run"] == unitResult["completed_at"])

            let integration = try await server.call("run_tests", ["test_type": "integration",
                                                                  "options": ["coverage": true, "reporter": "junit"]])
            let result = try await server.waitForEnd(integration["execution_id"])
            #expect(result["status"] == "completed")
            #expect(result["results"]?["total_tests"] == 4 && result["results"]?["failed"] == 2)
            #expect(result["results"]?["coverage"] == ["lines": 80.0, "functions": 50.0, "branches": 25.0])
            #expect(result["results"]?["report"]?["content"]?.stringValue?.contains("<testsuites") == true)
        }
    }

    @Test func aHangingSuiteAndTheChildItForkedAreKilledAtTheTimeout() async throws {
        try await withExecutionFixtures { fixtures in
            let config: JSONValue = ["test_suites": ["e2e": ["command": [.string(fixtures.hang)], "timeout_ms": 5000,
                                                             "results": ["format": "tap"]]]]
            let server = try ExecutionServer(fixtures: fixtures, config: config)
            defer { server.stop() }
            let started = try await server.call("run_tests", ["test_type": "e2e"])
            let id = try #require(started["execution_id"])
            // Many readers at once while it runs (requests pipelined on one stdin).
            let answers = try await withThrowingTaskGroup(of: JSONValue.self) { group in
                for _ in 0..<40 { group.addTask { try await server.call("get_test_result", ["execution_id": id]) } }
                return try await group.reduce(into: [JSONValue]()) { $0.append($1) }
            }
            #expect(answers.count == 40 && answers.allSatisfy { $0["status"] == "running" })
            let busy = try await server.callError("run_tests", ["test_type": "sales"])
            #expect(busy["code"] == "MCP_TEST_RUNNING" && busy["details"]?["execution_id"] == started["execution_id"])
            let result = try await server.waitForEnd(started["execution_id"])
            #expect(result["status"] == "timed_out")
            #expect(result["results"]?["passed"] == 1)
            let parent = try #require(pidFromFixture("\(fixtures.directory)/hang.pid"))
            let child = try #require(pidFromFixture("\(fixtures.directory)/hang-child.pid"))
            #expect(await processIsGone(parent))
            #expect(await processIsGone(child))
            let next = try await server.call("run_tests", ["test_type": "sales"])
            #expect(next["status"] == "running")
        }
    }

    @Test func aGigabyteOfOutputKeepsTheServerSmall() async throws {
        try await withExecutionFixtures { fixtures in
            let config: JSONValue = ["test_suites": ["unit": ["command": [.string(fixtures.flood)], "results": ["format": "tap"]]]]
            let server = try ExecutionServer(fixtures: fixtures, config: config)
            defer { server.stop() }
            _ = try await server.call("get_status", [:])
            let idle = try #require(statusFigure("VmRSS", pid: server.pid))
            let started = try await server.call("run_tests", ["test_type": "unit"])
            let result = try await server.waitForEnd(started["execution_id"])
            #expect(result["status"] == "completed" && result["results"]?["passed"] == 1)
            #expect(result["output_tail"]?.stringValue?.hasSuffix("ok 1 - survived the flood\n") == true)
            let peak = try #require(statusFigure("VmHWM", pid: server.pid))
            #expect(peak - idle < 50 << 20, "idle \(idle >> 20) MiB, peak \(peak >> 20) MiB")
        }
    }

    @Test func brokenCommandsFailWithTheirReason() async throws {
        try await withExecutionFixtures { fixtures in
            let config: JSONValue = ["max_concurrent_runs": 3, "test_suites": [
                "unit": ["command": [.string(fixtures.notExecutable)], "results": ["format": "junit"]],
                "integration": ["command": [.string(fixtures.silent)], "working_directory": .string(fixtures.directory),
                                "results": ["format": "junit", "path": "never.xml"]],
                "e2e": ["command": [.string(fixtures.brokenXML)], "working_directory": .string(fixtures.directory),
                        "results": ["format": "junit", "path": "broken.xml"]],
            ]]
            let server = try ExecutionServer(fixtures: fixtures, config: config)
            defer { server.stop() }
            var ids: [String: JSONValue] = [:]
            for suite in ["unit", "integration", "e2e"] {
                ids[suite] = try await server.call("run_tests", ["test_type": .string(suite)])["execution_id"]
            }
            let unit = try await server.waitForEnd(ids["unit"]!)
            #expect(unit["status"] == "failed" && unit["reason"]?.stringValue?.contains("Permission denied") == true)
            let silent = try await server.waitForEnd(ids["integration"]!)
            #expect(silent["status"] == "failed" && silent["reason"]?.stringValue?.contains("exited with status 0") == true)
            #expect(silent["output_tail"] == "all good, no report\n")
            let broken = try await server.waitForEnd(ids["e2e"]!)
            #expect(broken["status"] == "failed" && broken["reason"]?.stringValue?.contains("malformed JUnit XML") == true)
            let unknown = try await server.callError("get_test_result", ["execution_id": "test_ffffffffffffffff"])
            #expect(unknown["code"] == "MCP_NOT_FOUND")
        }
    }

    @Test func anExecutionCutOffByAKillReadsInterruptedAfterARestart() async throws {
        try await withExecutionFixtures { fixtures in
            let config: JSONValue = ["test_suites": ["e2e": ["command": [.string(fixtures.hang)], "results": ["format": "tap"]]]]
            let first = try ExecutionServer(fixtures: fixtures, config: config)
            let started = try await first.call("run_tests", ["test_type": "e2e"])
            let running = try await first.call("get_test_result", ["execution_id": started["execution_id"]!])
            #expect(running["status"] == "running")
            kill(first.pid, SIGKILL)
            #expect(await processIsGone(first.pid))
            // The suite's process group outlived the server that was killed; clean it up.
            for _ in 0..<50 where pidFromFixture("\(fixtures.directory)/hang.pid") == nil { try await Task.sleep(for: .milliseconds(100)) }
            if let group = pidFromFixture("\(fixtures.directory)/hang.pid") { kill(-group, SIGKILL) }

            let second = try ExecutionServer(fixtures: fixtures, config: config)
            defer { second.stop() }
            let after = try await second.call("get_test_result", ["execution_id": started["execution_id"]!])
            #expect(after["status"] == "interrupted")
            #expect(after["started_at"] == started["started_at"])
            #expect(after["completed_at"]?.stringValue != nil)
        }
    }

    @Test(arguments: [
        (#"{"test_suites": {"lint": {"command": ["true"]}}}"#, "test_suites.lint is not a suite"),
        (#"{"test_suites": {"unit": {"command": []}}}"#, "test_suites.unit.command"),
        (#"{"test_suites": {"unit": {"command": ["true"], "results": {"format": "html"}}}}"#, "test_suites.unit.results.format"),
        (#"{"max_concurrent_runs": 0}"#, "max_concurrent_runs"),
    ])
    func badTestSuiteConfigurationStopsStartUpNamingTheKey(_ config: String, _ key: String) async throws {
        try await withExecutionFixtures { fixtures in
            let path = "\(fixtures.directory)/bad.json"
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: serverBinary())
            process.arguments = ["serve", "--database", "\(fixtures.directory)/store.sqlite", "--config", path]
            let errors = Pipe()
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(text.split(separator: "\n").count == 1, "\(text)")
            #expect(text.contains(key), "\(text)")
        }
    }

    @Test func theOfficialPythonSDKRunsASuiteAndReadsItsResults() async throws {
        let python = try await InteropEnvironment.readyPython()
        try await withExecutionFixtures { fixtures in
            let config: JSONValue = ["test_suites": ["unit": ["command": [.string(fixtures.slowTap)], "results": ["format": "tap"]]]]
            let configPath = "\(fixtures.directory)/config.json"
            try JSONWriter.string(config).write(toFile: configPath, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [Paths.repositoryRoot + "/Tests/Interop/sdk_test_execution.py", "--test-type", "unit", "--",
                                 serverBinary(), "serve", "--database", "\(fixtures.directory)/store.sqlite", "--config", configPath]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            let summary = try JSONParser.parse(Array(data))
            #expect(summary["run"]?["status"] == "running")
            #expect(summary["result"]?["status"] == "completed")
            #expect(summary["result"]?["results"]?["total_tests"] == 5 && summary["result"]?["results"]?["failed"] == 1)
            #expect(summary["progress"]?.arrayValue?.isEmpty == false)
        }
    }
}

// MARK: - Fixtures

/// Scripts with known outcomes, written into a temporary directory.
private struct ExecutionFixtures {
    let directory: String
    var tap: String { directory + "/tap.sh" }
    /// The same report with a second between results, so a client's long poll starts while it runs.
    var slowTap: String { directory + "/slow-tap.sh" }
    var junit: String { directory + "/junit.sh" }
    var hang: String { directory + "/hang.sh" }
    var flood: String { directory + "/flood.sh" }
    var silent: String { directory + "/silent.sh" }
    var brokenXML: String { directory + "/broken-xml.sh" }
    var notExecutable: String { directory + "/not-executable.sh" }

    func write() throws {
        try script(tap, """
            echo 'TAP version 14'
            echo '1..5'
            echo 'ok 1 - sale totals'
            sleep 1
            echo 'ok 2 - line VAT'
            echo 'not ok 3 - refund VAT'
            echo '  ---'
            echo '  message: refunds keep their VAT'
            echo '  ...'
            echo 'ok 4 - charge codes # SKIP no codes yet'
            echo 'ok 5 - stock'
            exit 1
            """)
        try script(slowTap, """
            echo 'TAP version 14'
            echo '1..5'
            echo 'ok 1 - sale totals'
            sleep 1
            echo 'ok 2 - line VAT'
            sleep 1
            echo 'not ok 3 - refund VAT'
            sleep 1
            echo 'ok 4 - charge codes # SKIP no codes yet'
            sleep 1
            echo 'ok 5 - stock'
            exit 1
            """)
        try script(junit, """
            mkdir -p "$REPORT_DIR"
            cat > "$REPORT_DIR/junit.xml" <<'XML'
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites><testsuite name="api"><testsuite name="api.sales">
              <testcase classname="api.sales" name="lists"/>
              <testcase classname="api.sales" name="filters"><failure message="wrong page">page 2 expected</failure></testcase>
            </testsuite>
            <testcase classname="api" name="boots"><error message="timeout"/></testcase>
            <testcase classname="api" name="docs"/></testsuite></testsuites>
            XML
            printf 'SF:api.js\\nFNF:4\\nFNH:2\\nLF:10\\nLH:8\\nBRF:8\\nBRH:2\\nend_of_record\\n' > "$REPORT_DIR/lcov.info"
            exit 1
            """)
        try script(hang, """
            echo $$ > "\(directory)/hang.pid.tmp"
            (trap '' TERM; exec sleep 600) &
            echo $! > "\(directory)/hang-child.pid"
            mv "\(directory)/hang.pid.tmp" "\(directory)/hang.pid"
            echo '1..2'
            echo 'ok 1 - first'
            wait
            """)
        try script(flood, """
            head -c 1000000000 /dev/zero
            echo
            echo '1..1'
            echo 'ok 1 - survived the flood'
            """)
        try script(silent, "echo 'all good, no report'")
        try script(brokenXML, "printf '<testsuites><testsuite name=\"x\"><testcase name=\"a\">' > broken.xml\nexit 2")
        try "#!/bin/sh\necho never\n".write(toFile: notExecutable, atomically: true, encoding: .utf8)
    }

    private func script(_ path: String, _ body: String) throws {
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }
}

private func withExecutionFixtures(_ body: (ExecutionFixtures) async throws -> Void) async throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lustores-e2e-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    let fixtures = ExecutionFixtures(directory: url.path)
    try fixtures.write()
    try await body(fixtures)
}

/// The built binary, beside the test bundle (see `Paths`).
private func serverBinary() -> String { Paths.server }

private func pidFromFixture(_ path: String) -> pid_t? {
    (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
}

/// Whether `pid` is gone (or a zombie awaiting its reaper) within five seconds. (Not
/// `Process.isRunning`: whether Foundation reaps its children promptly is not something to rely on.)
private func processIsGone(_ pid: pid_t) async -> Bool {
    for _ in 0..<50 {
        if isGoneNow(pid) { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return false
}

private func isGoneNow(_ pid: pid_t) -> Bool {
    let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
    return kill(pid, 0) != 0 || stat.isEmpty || stat.split(separator: ")").last?.split(separator: " ").first == "Z"
}


/// A `kB` figure of /proc/PID/status, in bytes.
private func statusFigure(_ key: String, pid: pid_t) -> Int? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
    }
    return nil
}

// MARK: - Server

/// The binary serving MCP on pipes, initialised at 2025-06-18, with a database and the given
/// configuration in the fixtures' directory.
private final class ExecutionServer: Sendable {
    let process: Process
    let pid: pid_t
    private let input: FileHandle
    private let messages = ExecutionMessages()
    private let nextID = Mutex(100)

    init(fixtures: ExecutionFixtures, config: JSONValue) throws {
        let configPath = "\(fixtures.directory)/config.json"
        try JSONWriter.string(config).write(toFile: configPath, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: serverBinary())
        process.arguments = ["serve", "--database", "\(fixtures.directory)/store.sqlite", "--config", configPath, "--log-level", "warning"]
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        self.process = process
        self.input = stdin.fileHandleForWriting
        try process.run()
        self.pid = process.processIdentifier
        let messages = self.messages
        stdout.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            guard !chunk.isEmpty else { handle.readabilityHandler = nil; return }
            messages.state.withLock { state in
                state.buffer.append(contentsOf: chunk)
                while let newline = state.buffer.firstIndex(of: 0x0A) {
                    if let message = try? JSONParser.parse(Array(state.buffer[..<newline])) { state.parsed.append(message) }
                    state.buffer.removeSubrange(...newline)
                }
            }
        }
        send(["jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": ["protocolVersion": "2025-06-18", "capabilities": [:], "clientInfo": ["name": "e2e", "version": "1"]]])
        send(["jsonrpc": "2.0", "method": "notifications/initialized"])
    }

    func send(_ message: JSONValue) {
        input.write(Data(JSONWriter.bytes(message) + [0x0A]))
    }

    /// Closes stdin (the server finishes and exits) and kills it if it has not exited within ten seconds.
    func stop() {
        try? input.close()
        for _ in 0..<200 where !isGoneNow(pid) { usleep(50_000) }
        if !isGoneNow(pid) { kill(pid, SIGKILL) }
    }

    /// The `tools/call` result for `tool`.
    func result(_ tool: String, _ arguments: JSONValue) async throws -> JSONValue {
        let id = nextID.withLock { value in value += 1; return value }
        send(["jsonrpc": "2.0", "id": .integer(Int64(id)), "method": "tools/call", "params": ["name": .string(tool), "arguments": arguments]])
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if let answer = messages.state.withLock({ $0.parsed.first { $0["id"] == .integer(Int64(id)) } }) {
                return try #require(answer["result"], "\(answer)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ExecutionServerTimeout()
    }

    /// The structured result of a call that must succeed.
    func call(_ tool: String, _ arguments: JSONValue) async throws -> JSONValue {
        let result = try await result(tool, arguments)
        #expect(result["isError"] != true, "\(tool): \(result)")
        return try #require(result["structuredContent"])
    }

    /// The error object of a call that must fail.
    func callError(_ tool: String, _ arguments: JSONValue) async throws -> JSONValue {
        let result = try await result(tool, arguments)
        #expect(result["isError"] == true)
        return try #require(result["structuredContent"]?["error"])
    }

    /// Long-polls until the execution is no longer running.
    func waitForEnd(_ id: JSONValue?) async throws -> JSONValue {
        let id = try #require(id)
        for _ in 0..<10 {
            let result = try await call("get_test_result", ["execution_id": id, "wait_seconds": 30])
            if result["status"] != "running" { return result }
        }
        throw ExecutionServerTimeout()
    }
}

private struct ExecutionServerTimeout: Error {}

/// The server's stdout: bytes not yet a whole line, and the messages parsed so far.
private final class ExecutionMessages: Sendable {
    let state = Mutex<(buffer: [UInt8], parsed: [JSONValue])>(([], []))
}
