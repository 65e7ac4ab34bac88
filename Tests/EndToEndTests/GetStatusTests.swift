import JSONRPC
import Testing

/// What `get_status` reports through the binary.
@Suite struct GetStatusTests {
    @Test func freshDatabaseReportsAHealthyConnectedSystem() async throws {
        try await withTemporaryDirectory { directory in
            let version = try await versionFromCommandLine(in: directory)
            let status = try await statusFromServer(in: directory)

            let system = try #require(status["system"])
            #expect(system["version"] == .string(version), "system.version equals --version")
            #expect(system["uptime"]?.integerValue.map { $0 >= 0 } == true, "uptime is an integer ≥ 0: \(system)")
            if case .double? = system["uptime"] { Issue.record("uptime is written as a fraction: \(system)") }
            #expect(system["environment"] == "development")
            #expect(["healthy", "degraded"].contains(system["status"]?.stringValue ?? ""),
                    "a working database is never unhealthy: \(system)")

            let database = try #require(status["database"])
            #expect(database["connected"] == true)
            #expect((database["latency"]?.doubleValue ?? 0) > 0, "latency is a measured time: \(database)")

            #expect(status["tests"] == ["total": 0, "passed": 0, "failed": 0, "last_run": nil],
                    "no test run yet: \(String(describing: status["tests"]))")

            let resources = try #require(status["resources"]?.objectValue)
            #expect(Set(resources.keys) == ["memory_usage", "cpu_usage", "disk_usage"])
            for (name, value) in resources {
                let text = value.stringValue ?? ""
                let number = Double(text.dropLast())
                #expect(text.hasSuffix("%") && number != nil && (0...100).contains(number!), "\(name) = \(value)")
            }
        }
    }

    @Test func zeroThresholdsMakeItDegraded() async throws {
        try await withTemporaryDirectory { directory in
            let config = try writeConfiguration(#"{"thresholds":{"memory":0,"cpu":0,"disk":0}}"#, in: directory)
            let status = try await statusFromServer(in: directory, arguments: ["--config", config])
            #expect(status["system"]?["status"] == "degraded", "\(status)")
            #expect(status["database"]?["connected"] == true)

            let call = try await runCommand(in: directory, ["call", "get_status", "--config", config,
                                                            "--database", directory + "/store.sqlite"])
            #expect((try? JSONParser.parse(call.stdoutText))?["system"]?["status"] == "degraded")
        }
    }

    @Test func fullThresholdsKeepItHealthy() async throws {
        try await withTemporaryDirectory { directory in
            // No figure can be above 100%: with every threshold there, only the database decides.
            let config = try writeConfiguration(#"{"thresholds":{"memory":100,"cpu":100,"disk":100}}"#, in: directory)
            let status = try await statusFromServer(in: directory, arguments: ["--config", config])
            #expect(status["system"]?["status"] == "healthy", "\(status)")
        }
    }
}
