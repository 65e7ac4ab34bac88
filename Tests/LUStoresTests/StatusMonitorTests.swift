import JSONRPC
import MCP
import Store
import Testing
@testable import LUStores

/// `StatusMonitor` against a real store in a temporary directory.
@Suite struct StatusMonitorTests {
    static let insertExecution = """
        INSERT INTO test_executions (execution_id, test_type, status, started_at, completed_at, results)
        VALUES (?, ?, ?, ?, ?, ?)
        """

    static func insert(_ store: Store, id: String, status: String, started: String, completed: String?,
                       results: String?) async throws {
        try await store.writer.run(insertExecution, [.text(id), .text("unit"), .text(status), .text(started),
                                                     completed.map { .text($0) } ?? .null,
                                                     results.map { .text($0) } ?? .null])
    }

    /// The status, after checking it against the tool's output schema.
    static func status(_ monitor: StatusMonitor, sourceLocation: SourceLocation = #_sourceLocation) async -> JSONValue {
        let status = await monitor.status()
        let violation = SchemaValidator.validate(status, against: SchemaLibrary.getStatusOutput)
        #expect(violation == nil, "the status breaks get_status.output.schema.json: \(String(describing: violation))",
                sourceLocation: sourceLocation)
        return status
    }

    @Test func freshDatabaseReportsNoTestsAndAConnectedDatabase() async throws {
        try await withStore { store in
            let status = await Self.status(StatusMonitor(store: store, environment: "unit-tests"))
            #expect(status["tests"] == ["total": 0, "passed": 0, "failed": 0, "last_run": nil])
            #expect(status["database"]?["connected"] == true)
            #expect((status["database"]?["latency"]?.doubleValue ?? -1) >= 0)
            #expect(status["system"]?["environment"] == "unit-tests")
            #expect(status["system"]?["version"] == .string(LUStoresVersion.current))
            #expect(status["system"]?["uptime"]?.integerValue.map { $0 >= 0 } == true)
            #expect(["healthy", "degraded"].contains(status["system"]?["status"]?.stringValue ?? ""))
            for key in ["memory_usage", "cpu_usage", "disk_usage"] {
                let text = status["resources"]?[key]?.stringValue ?? ""
                #expect(text.matches(#"^[0-9]{1,3}%$"#), "\(key) = \(text)")
            }
        }
    }

    @Test func latestFinishedExecutionIsReported() async throws {
        try await withStore { store in
            try await Self.insert(store, id: "test_old", status: "completed", started: "2025-06-08T09:00:00Z",
                                  completed: "2025-06-08T09:05:00Z", results: #"{"total_tests":5,"passed":5,"failed":0}"#)
            try await Self.insert(store, id: "test_new", status: "completed", started: "2025-06-09T10:00:00Z",
                                  completed: "2025-06-09T10:30:00Z", results: #"{"total_tests":12,"passed":11,"failed":1}"#)
            let monitor = StatusMonitor(store: store, environment: "unit-tests")
            let expected: JSONValue = ["total": 12, "passed": 11, "failed": 1, "last_run": "2025-06-09T10:30:00Z"]
            #expect(await Self.status(monitor)["tests"] == expected)

            // A run still going is not a result, even when it started later.
            try await Self.insert(store, id: "test_running", status: "running", started: "2025-06-09T11:00:00Z",
                                  completed: nil, results: nil)
            try await Self.insert(store, id: "test_running_odd", status: "running", started: "2025-06-09T12:00:00Z",
                                  completed: "2025-06-09T12:01:00Z", results: #"{"total_tests":99,"passed":0,"failed":99}"#)
            #expect(await Self.status(monitor)["tests"] == expected)
        }
    }

    @Test func runsEndingInTheSameSecondAreDecidedByWhichStartedLast() async throws {
        try await withStore { store in
            // Inserted out of completion order on purpose: the later insert (started later) wins.
            try await Self.insert(store, id: "test_b", status: "completed", started: "2025-06-09T10:00:05Z",
                                  completed: "2025-06-09T10:30:00Z", results: #"{"total_tests":2,"passed":2,"failed":0}"#)
            try await Self.insert(store, id: "test_a", status: "failed", started: "2025-06-09T10:00:09Z",
                                  completed: "2025-06-09T10:30:00Z", results: #"{"total_tests":3,"passed":1,"failed":2}"#)
            let monitor = StatusMonitor(store: store, environment: "unit-tests")
            let expected: JSONValue = ["total": 3, "passed": 1, "failed": 2, "last_run": "2025-06-09T10:30:00Z"]
            for _ in 0..<3 { #expect(await Self.status(monitor)["tests"] == expected) }
        }
    }

    @Test func zeroThresholdsMakeItDegraded() async throws {
        try await withStore { store in
            let monitor = StatusMonitor(store: store, environment: "unit-tests",
                                        thresholds: .init(memory: 0, cpu: 0, disk: 0))
            let status = await Self.status(monitor)
            #expect(status["system"]?["status"] == "degraded", "memory in use is above 0%: \(status)")
            #expect(status["database"]?["connected"] == true)
        }
    }

    @Test func fullThresholdsKeepItHealthy() async throws {
        try await withStore { store in
            let monitor = StatusMonitor(store: store, environment: "unit-tests",
                                        thresholds: .init(memory: 100, cpu: 100, disk: 100))
            #expect(await Self.status(monitor)["system"]?["status"] == "healthy")
        }
    }

    @Test func concurrentCallsAllAnswerWhileOneOfThemSamples() async throws {
        // Sampling every call: callers race to claim the sampler and to use the inline reader;
        // whoever loses reuses the latest figures or reads through a pooled connection.
        try await withStore { store in
            let monitor = StatusMonitor(store: store, environment: "unit-tests",
                                        thresholds: .init(memory: 100, cpu: 100, disk: 100, sampleInterval: 0))
            let statuses = await withTaskGroup(of: JSONValue.self) { group in
                for _ in 0..<64 { group.addTask { await Self.status(monitor) } }
                return await group.reduce(into: [JSONValue]()) { $0.append($1) }
            }
            #expect(statuses.count == 64)
            #expect(statuses.allSatisfy { $0["database"]?["connected"] == true && $0["system"]?["status"] == "healthy" })
        }
    }
}
