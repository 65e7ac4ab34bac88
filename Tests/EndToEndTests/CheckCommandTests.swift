import Foundation
import JSONRPC
import Testing

/// `lustores-mcp check`, the monitoring plugin, through the binary: in process and against a
/// running `http` server that is healthy, degraded (thresholds configured low), unhealthy (its
/// database file deleted) and stopped; every output read by the Monitoring Plugins rules.
@Suite(.serialized) struct CheckCommandTests {
    static let key = "check-e2e-key-0123456789"

    @Test func aHealthyStoreInProcessIsOKWithEveryPerfdatum() async throws {
        try await withTemporaryDirectory { directory in
            // Thresholds of 100%: a machine busy with other work must not make this test degraded.
            let calm = try writeConfiguration(ClientSuites.calmThresholds, in: directory)
            let (status, output) = try await runCheck(in: directory, ["--database", directory + "/store.sqlite", "--config", calm])
            #expect(status == 0, "\(output.text)")
            #expect(output.text.hasPrefix("healthy; database "), "\(output.text)")
            #expect(output.text.contains("no test run yet"))
            let latency = try #require(output.perfdata["db_latency"])
            #expect(latency.unit == "ms" && (latency.value ?? 0) > 0)
            #expect(latency.warning == "100" && latency.critical == "500")
            for label in ["memory", "cpu", "disk"] {
                let datum = try #require(output.perfdata[label], "no \(label) in \(output.perfdata.keys)")
                #expect(datum.unit == "%" && datum.value != nil && datum.warning == "100" && datum.critical == "100")
            }
            #expect(output.perfdata["tests_failed"]?.value == 0)
            // Without a configuration: the default thresholds, 90% (critical figure 95%).
            let (_, defaults) = try await runCheck(in: directory, ["--database", directory + "/store.sqlite"])
            #expect(defaults.perfdata["memory"]?.warning == "90" && defaults.perfdata["memory"]?.critical == "95")
        }
    }

    @Test func latencyOverTheThresholdsIsWarningThenCritical() async throws {
        try await withTemporaryDirectory { directory in
            let database = ["--database", directory + "/store.sqlite", "--config",
                            try writeConfiguration(ClientSuites.calmThresholds, in: directory)]
            // Every timed query takes more than two microseconds.
            let (warning, warned) = try await runCheck(in: directory, database + ["-w", "0.001", "-c", "100000"])
            #expect(warning == 1, "\(warned.text)")
            #expect(warned.text.contains("ms (over 0.001 ms)"), "\(warned.text)")
            #expect(warned.perfdata["db_latency"]?.warning == "0.001")
            let (critical, criticised) = try await runCheck(in: directory, database + ["-w", "0.001", "-c", "0.002"])
            #expect(critical == 2, "\(criticised.text)")
            #expect(criticised.text.contains("ms (over 0.002 ms)"), "\(criticised.text)")
        }
    }

    @Test func aServerOverHTTPIsOKThenWarningWhenDegradedAndWhenTestsFail() async throws {
        try await withTemporaryDirectory { directory in
            let suites = try ClientSuites(directory: directory)
            // Memory and disk use above 0% count as too busy: the server reports itself degraded.
            let config = try suites.configuration(extra: #""thresholds": {"memory": 0, "cpu": 100, "disk": 0}, "#)
            let server = try await startHTTP(["--database", directory + "/store.sqlite", "--config", config],
                                             environment: ["LUSTORES_API_KEYS": Self.key])
            let url = "http://127.0.0.1:\(server.port)"
            let (status, output) = try await runCheck(in: directory, ["--url", url], environment: ["LUSTORES_TOKEN": Self.key])
            #expect(status == 1, "\(output.text)")
            #expect(output.text.hasPrefix("degraded: memory "), "\(output.text)")
            #expect(output.text.contains("% is above its 0% threshold"))
            #expect(output.text.contains("disk "))

            // A run with a failure: WARNING only with --warn-on-failed-tests (the server is degraded
            // anyway, so the second server below is judged on its tests alone).
            let ran = try await runCommand(in: directory, ["test", "integration", "--url", url],
                                           environment: ["LUSTORES_TOKEN": Self.key], timeout: .seconds(120))
            #expect(ran.exit.termination == .exited(1), "\(ran.stderr)")
            server.terminate()
            _ = try await server.finish()

            let calm = try await startHTTP(["--database", directory + "/store.sqlite", "--config", suites.configuration()],
                                           environment: ["LUSTORES_API_KEYS": Self.key])
            let tokenFile = try writeConfiguration(Self.key + "\n", in: directory, name: "token")
            let calmURL = "http://127.0.0.1:\(calm.port)"
            let (plain, plainOutput) = try await runCheck(in: directory, ["--url", calmURL, "--token-file", tokenFile])
            #expect(plain == 0, "\(plainOutput.text)")
            #expect(plainOutput.text.contains("tests 1/2 passed"), "\(plainOutput.text)")
            #expect(plainOutput.perfdata["tests_failed"]?.value == 1)
            let (strict, strictOutput) = try await runCheck(in: directory, ["--url", calmURL, "--token-file", tokenFile,
                                                                           "--warn-on-failed-tests"])
            #expect(strict == 1, "\(strictOutput.text)")
            #expect(strictOutput.perfdata["tests_failed"]?.warning == "0")
            calm.terminate()
            _ = try await calm.finish()
        }
    }

    @Test func aDeletedDatabaseIsCriticalWithTheReason() async throws {
        try await withTemporaryDirectory { directory in
            let database = directory + "/store.sqlite"
            let server = try await startHTTP(["--database", database], environment: ["LUSTORES_API_KEYS": Self.key])
            defer { server.terminate() }
            try FileManager.default.removeItem(atPath: database)
            let (status, output) = try await runCheck(in: directory, ["--url", "http://127.0.0.1:\(server.port)"],
                                                      environment: ["LUSTORES_TOKEN": Self.key])
            #expect(status == 2, "\(output.text)")
            #expect(output.text.hasPrefix("unhealthy: the database file has been deleted"), "\(output.text)")
        }
    }

    @Test func aStoppedServerAWrongKeyAndABadCommandLineAreUnknown() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await startHTTP([], environment: ["LUSTORES_API_KEYS": Self.key])
            let url = "http://127.0.0.1:\(server.port)"
            let (refused, refusal) = try await runCheck(in: directory, ["--url", url], environment: ["LUSTORES_TOKEN": "not-the-key-at-all"])
            #expect(refused == 3 && refusal.text.contains("refused the API key"), "\(refusal.text)")
            #expect(!refusal.text.contains("not-the-key-at-all"))
            server.terminate()
            _ = try await server.finish()
            let (stopped, output) = try await runCheck(in: directory, ["--url", url], environment: ["LUSTORES_TOKEN": Self.key])
            #expect(stopped == 3 && output.text.contains("cannot connect"), "\(output.text)")
            for arguments in [["--frobnicate"], ["-w", "soon"], ["--url", "https://example.org"], ["--token", Self.key]] {
                let (status, usage) = try await runCheck(in: directory, arguments)
                #expect(status == 3, "\(arguments) → \(usage.text)")
            }
        }
    }
}
