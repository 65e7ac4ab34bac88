import JSONRPC
import Store
import Synchronization

/// Health of the running system, for `get_status`: version, uptime, environment, database
/// reachability and latency, the latest finished test execution, and machine resources.
///
/// Guarantees: no sleeping on the request path — resources are sampled from `/proc` at most once
/// per ``Thresholds/sampleInterval`` and reused in between, so a flood of calls costs one timed
/// query each; `unhealthy` exactly when the database does not answer or cannot be written (its
/// file deleted, immutable, on a read-only or full volume: `database.reason` says which, in product
/// terms), else `degraded` when a resource is above its threshold, else `healthy`; `system.reasons`
/// holds one short line for each of these causes (empty exactly when `healthy`).
///
/// Not an actor, on purpose: a call costs no thread switch. Its one piece of state, the latest
/// resource sample, sits behind a mutex that is held only to read or replace it, never while
/// `/proc` is read; the database probe runs on the caller's thread too (`Store.probe`).
public final class StatusMonitor: Sendable {
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

    /// A timed round trip to the database the data tools read, when that is not `store` (LUStores'
    /// PostgreSQL database): the latency, or why it failed in product terms.
    public typealias SourceProbe = @Sendable () async -> Result<Duration, SourceProbeFailure>

    /// Why a ``SourceProbe`` failed, in words a client may read.
    public struct SourceProbeFailure: Error, Sendable {
        /// What failed, in product terms (no host, role, SQL or password).
        public let reason: String
        /// The failure's reason `reason`.
        public init(reason: String) { self.reason = reason }
    }

    private let store: Store
    private let sourceProbe: SourceProbe?
    /// Where the disk figure is measured: the database's folder.
    private let databaseDirectory: String
    private let environment: String
    private let thresholds: Thresholds
    private let started = ContinuousClock.now
    private let samples = Mutex(Samples())
    private let healthWatch = Mutex(HealthWatch())

    /// The health last computed and who wants to hear when it changes.
    private struct HealthWatch {
        var latest: String?
        var observers: [@Sendable (String) -> Void] = []
    }

    /// The sampler (it keeps the previous CPU counters) and its latest figures.
    private struct Samples {
        var sampler = ResourceSampler()
        var latest: (at: ContinuousClock.Instant, figures: ResourceSampler.Sample)?
        /// A caller is reading `/proc` with a copy of `sampler`; others reuse `latest` meanwhile.
        var sampling = false
    }

    /// A monitor of `store` (the server's own state, and the data too unless `sourceProbe` names
    /// another database whose round trip then gives `database.connected` and `latency`).
    public init(store: Store, environment: String, thresholds: Thresholds = Thresholds(), sourceProbe: SourceProbe? = nil) {
        self.store = store
        self.sourceProbe = sourceProbe
        self.databaseDirectory = store.directory
        self.environment = environment
        self.thresholds = thresholds
    }

    /// The `get_status` result.
    public func status() async -> JSONValue {
        let clock = ContinuousClock()
        // The file first: when it was replaced, this reopens the connections the probe then uses.
        let fileFault = await store.fileFault()
        var probe: Store.Probe?
        var probeFailure: StoreError?
        do {
            probe = try await store.probe(Self.latestTestRunSQL)
        } catch {
            probeFailure = error
        }
        var connected = probe != nil
        var latency = probe.map { Self.milliseconds($0.latency) } ?? 0
        var sourceFailure: String?
        if let sourceProbe {
            switch await sourceProbe() {
            case .success(let duration):
                (connected, latency) = (true, Self.milliseconds(duration))
            case .failure(let failure):
                (connected, latency, sourceFailure) = (false, 0, failure.reason)
            }
        }
        let tests = probe?.rows.first.flatMap(Self.testSummary)
        let figures = resources(now: clock.now)
        let faults = [sourceFailure, probeFailure?.clientReason, fileFault].compactMap { $0 }
        let busy = busyResources(figures)
        let reason = faults.first
        let health = reason != nil ? "unhealthy" : busy.isEmpty ? "healthy" : "degraded"
        noteHealth(health)
        let uptime = Int64((clock.now - started).components.seconds)
        var database = JSONObject([("connected", .bool(connected)), ("latency", .double(latency))])
        if let reason { database.append("reason", .string(reason)) }
        return [
            "system": ["status": .string(health), "version": .string(LUStoresVersion.current),
                       "uptime": .integer(uptime), "environment": .string(environment),
                       "reasons": .array((faults + busy).map { .string($0) })],
            "database": .object(database),
            "tests": tests ?? ["total": 0, "passed": 0, "failed": 0, "last_run": nil],
            "resources": ["memory_usage": Self.percent(figures.memory), "cpu_usage": Self.percent(figures.cpu),
                          "disk_usage": Self.percent(figures.disk)],
        ]
    }

    /// One line for each resource above its threshold, e.g. `memory 93% is above its 90% threshold`.
    private func busyResources(_ figures: ResourceSampler.Sample) -> [String] {
        [("memory", figures.memory, thresholds.memory), ("cpu", figures.cpu, thresholds.cpu),
         ("disk", figures.disk, thresholds.disk)].compactMap { name, value, limit in
            guard value > limit else { return nil }
            let shown = limit == limit.rounded() ? "\(Int(limit))" : "\(limit)"
            return "\(name) \(Int(value.rounded()))% is above its \(shown)% threshold"
        }
    }

    /// Calls `observer` with the new `system.status` each time a status computation finds it
    /// different from the previous one (the first computation sets the baseline).
    public func observeHealthChanges(_ observer: @escaping @Sendable (_ health: String) -> Void) {
        healthWatch.withLock { $0.observers.append(observer) }
    }

    private func noteHealth(_ current: String) {
        let observers = healthWatch.withLock { watch -> [@Sendable (String) -> Void] in
            defer { watch.latest = current }
            return watch.latest == nil || watch.latest == current ? [] : watch.observers
        }
        for observer in observers { observer(current) }
    }

    /// The latest figures if they are fresh (or someone is refreshing them); otherwise a new sample,
    /// taken outside the lock.
    private func resources(now: ContinuousClock.Instant) -> ResourceSampler.Sample {
        enum Claim { case reuse(ResourceSampler.Sample), sample(ResourceSampler) }
        let claim = samples.withLock { samples -> Claim in
            if let latest = samples.latest, samples.sampling || now - latest.at < .seconds(thresholds.sampleInterval) {
                return .reuse(latest.figures)
            }
            samples.sampling = true
            return .sample(samples.sampler)
        }
        switch claim {
        case .reuse(let figures):
            return figures
        case .sample(var sampler):
            let figures = sampler.sample(diskOf: databaseDirectory)
            samples.withLock { samples in
                samples.sampler = sampler
                samples.latest = (now, figures)
                samples.sampling = false
            }
            return figures
        }
    }

    /// The latest finished execution: `completed_at` found by MAX (no sort of the whole table).
    /// Times are to the second, so among executions that ended in the same second the one started
    /// last (highest rowid) wins: the answer is the same on every call.
    static let latestTestRunSQL = """
        SELECT results, completed_at FROM test_executions
        WHERE completed_at = (SELECT MAX(completed_at) FROM test_executions WHERE status != 'running')
          AND status != 'running'
        ORDER BY rowid DESC
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

    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        let value = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return (value * 1000).rounded() / 1000
    }

    static func percent(_ value: Double) -> JSONValue {
        .string("\(Int(value.rounded()))%")
    }
}
