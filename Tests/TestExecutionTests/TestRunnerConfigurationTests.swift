import JSONRPC
import Testing
@testable import TestExecution
#if canImport(Glibc)
import Glibc
#endif

/// `test_suites` of the configuration file, read into suites.
@Suite struct TestRunnerConfigurationTests {
    func suites(_ text: String) throws -> [String: TestSuite] {
        try TestSuite.suites(from: try JSONParser.parse(text).objectValue)
    }

    @Test func builtInsAreAlwaysThereAndACommandMayReplaceOne() throws {
        let none = try TestSuite.suites(from: nil)
        #expect(none["sales"]?.kind == .builtIn(.sales) && none["system"]?.kind == .builtIn(.system))
        #expect(none.count == 2)

        let configured = try suites("""
            {"sales": {"command": ["./check-sales.sh", "--strict"]},
             "unit": {"command": ["swift", "test"], "working_directory": "/srv", "environment": {"CI": "1"},
                      "timeout_ms": 1500, "results": {"format": "swift-test"},
                      "coverage": {"format": "llvm-cov", "path": "cov.json"}}}
            """)
        #expect(configured["sales"]?.kind == .command(.init(command: ["./check-sales.sh", "--strict"])))
        #expect(configured["system"]?.kind == .builtIn(.system))
        guard case .command(let unit)? = configured["unit"]?.kind else {
            Issue.record("unit is not a command suite")
            return
        }
        #expect(unit.command == ["swift", "test"] && unit.workingDirectory == "/srv" && unit.environment == ["CI": "1"])
        #expect(unit.timeout == .milliseconds(1500))
        #expect(unit.results?.format == .swiftTest && unit.results?.path == nil)
        #expect(unit.coverage?.format == .llvmCov && unit.coverage?.path == "cov.json")
        #expect(TestSuite.CommandSuite(command: ["x"]).timeout == TestSuite.defaultCommandTimeout)
    }

    @Test func unknownSuiteNamesAreRefusedNamingTheKey() throws {
        #expect {
            _ = try suites(#"{"lint": {"command": ["eslint"]}}"#)
        } throws: { error in
            "\(error)".hasPrefix("test_suites.lint is not a suite")
        }
    }

    @Test func commandsSeeTheServerEnvironmentWithoutItsSecretsUnderTheirOwn() async throws {
        setenv("LUSTORES_API_KEYS", "secret-key", 1)
        setenv("LUSTORES_TEST_RUNNER_A", "server", 1)
        defer {
            unsetenv("LUSTORES_API_KEYS")
            unsetenv("LUSTORES_TEST_RUNNER_A")
        }
        let base = TestRunner.serverEnvironment()
        #expect(base["LUSTORES_API_KEYS"] == nil && base["LUSTORES_TEST_RUNNER_A"] == "server")
        let capture = OutputCapture()
        let suite = TestSuite.CommandSuite(command: ["/bin/sh", "-c", "echo \"$LUSTORES_TEST_RUNNER_A $B [$LUSTORES_API_KEYS]\""],
                                           environment: ["B": "suite"])
        _ = await CommandSuiteRun.run(suite, name: "unit", options: .init(), capture: capture,
                                      environment: base.merging(["B": "server"]) { $1 })
        #expect(capture.tail == "server suite []\n")
    }
}
