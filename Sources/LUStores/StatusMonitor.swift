import JSONRPC
import Store

/// Health of the running system, for `get_status`: version, uptime, environment, database
/// reachability and latency, the latest finished test execution, and machine resources.
///
/// Guarantees: no sleeping on the request path — resources are sampled from `/proc` at most once
/// per ``Thresholds/sampleInterval`` and reused in between, so a flood of calls costs one timed
/// query each; `unhealthy` exactly when the database does not answer, else `degraded` when a
/// resource is above its threshold, else `healthy`.
public actor StatusMonitor {
    /// When a resource counts as too busy, and how often resources are sampled.
    public struct Thresholds: Sendable, Equatable {
        /// Percent of memory in use above which the system is degraded.
        public var memory: Double
        /// Percent of CPU time busy above which the system is degraded.
        public var cpu: Double
        /// Percent of the database's volume in use above which the system is degraded.
        public var disk: Double
        /// Shortest time between two resource samples, in seconds.
        public var sampleInterval: Double

        public static let defaultPercent = 90.0

        public init(memory: Double = defaultPercent, cpu: Double = defaultPercent, disk: Double = defaultPercent,
                    sampleInterval: Double = 1) {
            self.memory = memory
            self.cpu = cpu
            self.disk = disk
            self.sampleInterval = sampleInterval
        }
    }

    private let store: Store
    private let environment: String
    private let thresholds: Thresholds
    private let started = ContinuousClock.now
    private var sampler = ResourceSampler()
    private var lastSample: (at: ContinuousClock.Instant, figures: ResourceSampler.Sample)?

    public init(store: Store, environment: String, thresholds: Thresholds = Thresholds()) {
        self.store = store
        self.environment = environment
        self.thresholds = thresholds
    }

    /// The `get_status` result.
    public func status() async -> JSONValue {
        let clock = ContinuousClock()
        let before = clock.now
        // One trip to a reader: the timed ping, then the latest test run.
        let probe = try? await store.reader().perform { connection throws(StoreError) in
            try connection.ping()
            return (ContinuousClock.now, try connection.query(Self.latestTestRunSQL).first)
        }
        let connected = probe != nil
        let latency = probe.map { Self.milliseconds($0.0 - before) } ?? 0
        let tests = probe?.1.flatMap(Self.testSummary)
        let figures = resources(now: clock.now)
        let busy = figures.memory > thresholds.memory || figures.cpu > thresholds.cpu || figures.disk > thresholds.disk
        let health = !connected ? "unhealthy" : busy ? "degraded" : "healthy"
        let uptime = Int64((clock.now - started).components.seconds)
        return [
            "system": ["status": .string(health), "version": .string(LUStoresVersion.current),
                       "uptime": .integer(uptime), "environment": .string(environment)],
            "database": ["connected": .bool(connected), "latency": .double(latency)],
            "tests": tests ?? ["total": 0, "passed": 0, "failed": 0, "last_run": nil],
            "resources": ["memory_usage": Self.percent(figures.memory), "cpu_usage": Self.percent(figures.cpu),
                          "disk_usage": Self.percent(figures.disk)],
        ]
    }

    private func resources(now: ContinuousClock.Instant) -> ResourceSampler.Sample {
        if let lastSample, now - lastSample.at < .seconds(thresholds.sampleInterval) {
            return lastSample.figures
        }
        let figures = sampler.sample(diskOf: directory(of: store.path))
        lastSample = (now, figures)
        return figures
    }

    /// The latest finished execution: `completed_at` found by MAX (no sort, no temporary b-tree).
    static let latestTestRunSQL = """
        SELECT results, completed_at FROM test_executions
        WHERE completed_at = (SELECT MAX(completed_at) FROM test_executions WHERE status != 'running')
          AND status != 'running'
        LIMIT 1
        """

    /// Totals of a finished execution row (`results` JSON holds `total_tests`, `passed`, `failed`).
    static func testSummary(_ row: [SQLValue]) -> JSONValue? {
        guard row.count == 2, let completed = row[1].stringValue else { return nil }
        let results = row[0].stringValue.flatMap { try? JSONParser.parse($0) }
        func count(_ key: String) -> JSONValue { .integer(results?[key]?.integerValue ?? 0) }
        return ["total": count("total_tests"), "passed": count("passed"), "failed": count("failed"),
                "last_run": .string(completed)]
    }

    private func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return (value * 1000).rounded() / 1000
    }

    static func percent(_ value: Double) -> JSONValue {
        .string("\(Int(value.rounded()))%")
    }
}
