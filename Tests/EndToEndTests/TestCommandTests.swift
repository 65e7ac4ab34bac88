import Foundation
import JSONRPC
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `lustores-mcp test TYPE`, the CI client, through the binary: suites that pass, fail, time out
/// and lack coverage, in process and against a running `http` server; its JUnit file read by
/// junitparser, its JSON file the `get_test_result` answer, its exit statuses.
@Suite(.serialized) struct TestCommandTests {
    static let key = "test-e2e-key-0123456789"

    @Test func aPassingSuiteExitsZeroAndWritesJUnitAndJSON() async throws {
        try await withTemporaryDirectory { directory in
            let suites = try ClientSuites(directory: directory)
            let run = try await runCommand(in: directory, ["test", "unit", "--database", directory + "/store.sqlite",
                                                           "--config", suites.configuration(),
                                                           "--junit", directory + "/junit.xml", "--json", directory + "/result.json"],
                                           timeout: .seconds(120))
            #expect(run.exit.termination == .exited(0), "\(run.stdoutText)\n\(run.stderr)")
            #expect(run.stdoutText.hasPrefix("unit: completed — 3 tests: 3 passed, 0 failed, 0 skipped"), "\(run.stdoutText)")
            #expect(run.stderr.contains("unit: started test_"), "progress on stderr: \(run.stderr)")
            let result = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/result.json"))))
            #expect(result["status"] == "completed" && result["results"]?["passed"] == 3)
            #expect(run.stdoutText.contains(result["execution_id"]?.stringValue ?? "none"))
            let junit = try await readJUnit(directory + "/junit.xml", in: directory)
            #expect(junit["root"] == "testsuites")
            let suite = try #require(junit["suites"]?.arrayValue?.first)
            #expect(suite["tests"] == 3 && suite["failures"] == 0)
            #expect(suite["cases"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["sale totals", "line VAT", "stock"])
        }
    }

    @Test func aFailingSuiteExitsOneListingEachFailureInTheSummaryAndTheJUnitFile() async throws {
        try await withTemporaryDirectory { directory in
            let suites = try ClientSuites(directory: directory)
            let run = try await runCommand(in: directory, ["test", "integration", "--database", directory + "/store.sqlite",
                                                           "--config", suites.configuration(), "--junit", directory + "/junit.xml"],
                                           timeout: .seconds(120))
            #expect(run.exit.termination == .exited(1), "\(run.stdoutText)\n\(run.stderr)")
            #expect(run.stdoutText.contains("2 tests: 1 passed, 1 failed"), "\(run.stdoutText)")
            #expect(run.stdoutText.contains("FAIL \(ClientSuites.failureName): \(ClientSuites.failureMessage)"), "\(run.stdoutText)")
            let junit = try await readJUnit(directory + "/junit.xml", in: directory)
            let cases = junit["suites"]?.arrayValue?.first?["cases"]?.arrayValue ?? []
            let failed = try #require(cases.first { $0["results"]?.arrayValue?.isEmpty == false }, "\(junit)")
            #expect(failed["name"] == .string(ClientSuites.failureName))
            #expect(failed["results"]?.arrayValue?.first?["kind"] == "failure")
            #expect(failed["results"]?.arrayValue?.first?["message"] == .string(ClientSuites.failureMessage))
        }
    }

    @Test func aSuiteTheServerTimesOutIsAnErrorInTheJUnitFile() async throws {
        try await withTemporaryDirectory { directory in
            let suites = try ClientSuites(directory: directory)
            let run = try await runCommand(in: directory, ["test", "e2e", "--database", directory + "/store.sqlite",
                                                           "--config", suites.configuration(e2eTimeoutMilliseconds: 1000),
                                                           "--junit", directory + "/junit.xml", "--json", directory + "/result.json"],
                                           timeout: .seconds(120))
            #expect(run.exit.termination == .exited(1), "\(run.stdoutText)\n\(run.stderr)")
            #expect(run.stdoutText.hasPrefix("e2e: timed_out"), "\(run.stdoutText)")
            let junit = try await readJUnit(directory + "/junit.xml", in: directory)
            let suite = try #require(junit["suites"]?.arrayValue?.first)
            #expect(suite["errors"] == 1 && suite["name"] == "e2e")
            let error = suite["cases"]?.arrayValue?.compactMap { $0["results"]?.arrayValue?.first }.first { $0["kind"] == "error" }
            #expect(error?["type"] == "timed_out", "\(junit)")
            #expect(error?["message"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func theClientTimeoutStopsWaitingAndInProcessStopsTheSuite() async throws {
        try await withTemporaryDirectory { directory in
            let suites = try ClientSuites(directory: directory)
            let run = try await runCommand(in: directory, ["test", "e2e", "--database", directory + "/store.sqlite",
                                                           "--config", suites.configuration(), "--timeout", "3"],
                                           timeout: .seconds(120))
            #expect(run.exit.termination == .exited(1), "\(run.stderr)")
            #expect(run.stderr.contains("no result within 3 s (--timeout)"), "\(run.stderr)")
            let pid = try #require(pid_t((try? String(contentsOfFile: directory + "/hanging.pid", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
            #expect(await processEnds(pid), "the suite outlived the client")
        }
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsTheSuiteAndTheClient(_ signalNumber: Int32) async throws {
        try await withTemporaryDirectory { directory in
            let suites = try ClientSuites(directory: directory)
            let client = try Subprocess(Paths.server, ["test", "e2e", "--database", directory + "/store.sqlite",
                                                       "--config", suites.configuration()],
                                        environment: childEnvironment(directory))
            #expect(await client.stderr.wait(within: .seconds(60)) { String(decoding: $0, as: UTF8.self).contains("started") })
            #expect(await eventually(within: .seconds(30)) { FileManager.default.fileExists(atPath: directory + "/hanging.pid") })
            client.signal(signalNumber)
            let run = try await client.finish(within: .seconds(30))
            #expect(run.exit.termination == .exited(128 + signalNumber), "\(run.exit.termination): \(run.stderr)")
            let pid = try #require(pid_t((try? String(contentsOfFile: directory + "/hanging.pid", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
            #expect(await processEnds(pid), "the suite outlived the client")
        }
    }

    @Test func coverageBelowItsMinimumExitsOneNamingTheKind() async throws {
        try await withTemporaryDirectory { directory in
            let suites = try ClientSuites(directory: directory)
            let common = ["test", "system", "--database", directory + "/store.sqlite", "--config", try suites.configuration()]
            let low = try await runCommand(in: directory, common + ["--min-coverage", "lines=80,branches=70"], timeout: .seconds(120))
            #expect(low.exit.termination == .exited(1), "\(low.stdoutText)\n\(low.stderr)")
            #expect(low.stdoutText.contains("coverage: lines 80%, functions 50%, branches 25%"), "\(low.stdoutText)")
            #expect(low.stdoutText.contains("branches 25% is below the minimum of 70%"), "\(low.stdoutText)")
            #expect(!low.stdoutText.contains("lines 80% is below"))
            let met = try await runCommand(in: directory, common + ["--min-coverage", "lines=80"], timeout: .seconds(120))
            #expect(met.exit.termination == .exited(0), "\(met.stdoutText)\n\(met.stderr)")
            // A suite that reports no coverage cannot meet a minimum.
            let none = try await runCommand(in: directory, ["test", "unit", "--database", directory + "/store.sqlite",
                                                            "--config", try suites.configuration(), "--min-coverage", "lines=1"],
                                            timeout: .seconds(120))
            #expect(none.exit.termination == .exited(1) && none.stdoutText.contains("no coverage"), "\(none.stdoutText)")
        }
    }

    @Test func overHTTPItRunsTheServersSuiteAndSaysWhenTheServerCannotBeUsed() async throws {
        try await withTemporaryDirectory { directory in
            let suites = try ClientSuites(directory: directory)
            let server = try await startHTTP(["--database", directory + "/store.sqlite", "--config", suites.configuration()],
                                             environment: ["LUSTORES_API_KEYS": Self.key])
            let url = "http://127.0.0.1:\(server.port)"
            let passed = try await runCommand(in: directory, ["test", "unit", "--url", url, "--json", directory + "/r.json"],
                                              environment: ["LUSTORES_TOKEN": Self.key], timeout: .seconds(120))
            #expect(passed.exit.termination == .exited(0), "\(passed.stdoutText)\n\(passed.stderr)")
            let result = try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/r.json"))))
            #expect(result["test_type"] == "unit" && result["status"] == "completed")
            let failed = try await runCommand(in: directory, ["test", "integration", "--url", url],
                                              environment: ["LUSTORES_TOKEN": Self.key], timeout: .seconds(120))
            #expect(failed.exit.termination == .exited(1), "\(failed.stderr)")
            let refused = try await runCommand(in: directory, ["test", "unit", "--url", url], environment: ["LUSTORES_TOKEN": "a-wrong-key-here"])
            #expect(refused.exit.termination == .exited(2) && refused.stderr.contains("refused the API key"), "\(refused.stderr)")
            #expect(!refused.stderr.contains("a-wrong-key-here"))
            let unknown = try await runCommand(in: directory, ["test", "lint", "--url", url], environment: ["LUSTORES_TOKEN": Self.key])
            #expect(unknown.exit.termination == .exited(2), "\(unknown.stderr)")
            server.terminate()
            _ = try await server.finish()
            let unreachable = try await runCommand(in: directory, ["test", "unit", "--url", url], environment: ["LUSTORES_TOKEN": Self.key])
            #expect(unreachable.exit.termination == .exited(3), "\(unreachable.stderr)")
            #expect(unreachable.stderr.contains("cannot connect"), "\(unreachable.stderr)")
        }
    }

    @Test(arguments: [["test"], ["test", "unit", "--min-coverage", "lines"], ["test", "unit", "--min-coverage", "lines=120"],
                      ["test", "unit", "-w", "5"], ["test", "unit", "--url", "ftp://x"]])
    func usageErrorsExitTwo(_ arguments: [String]) async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runCommand(in: directory, arguments + ["--database", directory + "/store.sqlite"])
            #expect(run.exit.termination == .exited(2), "\(arguments) → \(run.exit.termination): \(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
    }
}
