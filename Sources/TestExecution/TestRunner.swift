import Foundation
import JSONRPC
import ServerSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs test suites in the background and answers for them (`run_tests`, `get_test_result`).
///
/// Guarantees: at most `maxConcurrentRuns` executions at once (a further start is
/// ``TestRunnerFailure/busy(running:)`` naming the running ones); every execution is recorded in the
/// ``ExecutionLog`` from the moment `start` answers, updated when it ends, so results survive a
/// restart, and one left `running` by a server that is gone reads `interrupted` after ``recoverInterrupted()``,
/// which also kills what is left of that run's process group (recorded with the execution by pid and
/// start time, so a reused pid is never taken for it);
/// long polls wait on continuations (no sleeping loops), end at their deadline, when the execution
/// ends, or when their task is cancelled.
public actor TestRunner {
    /// What the runner may run and with what.
    public struct Settings: Sendable {
        /// The suites by name.
        public var suites: [String: TestSuite]
        /// Executions at once (`max_concurrent_runs`).
        public var maxConcurrentRuns: Int
        /// The environment commands start from (a suite's `environment` is laid over it).
        public var environment: [String: String]

        /// Settings with at least one execution at once.
        public init(suites: [String: TestSuite], maxConcurrentRuns: Int = 1,
                    environment: [String: String] = TestRunner.serverEnvironment()) {
            self.suites = suites
            self.maxConcurrentRuns = max(1, maxConcurrentRuns)
            self.environment = environment
        }
    }

    /// What `run_tests` asked for.
    public struct Options: Sendable {
        /// Whether to read the suite's coverage file.
        public var coverage = false
        /// `json` (the default), `junit` or `tap`: the latter two add the normalised report.
        public var reporter = "json"
        /// Overrides the suite's timeout.
        public var timeout: Duration?

        /// Options as given; the defaults are what `run_tests` without options means.
        public init(coverage: Bool = false, reporter: String = "json", timeout: Duration? = nil) {
            self.coverage = coverage
            self.reporter = reporter
            self.timeout = timeout
        }
    }

    /// Longest `wait_seconds` of `get_test_result`.
    public static let maxWaitSeconds = 60
    /// `estimated_duration` of a command suite with no finished run yet, in seconds.
    public static let defaultCommandEstimate = 30.0
    /// `estimated_duration` of a built-in suite with no finished run yet, in seconds.
    public static let defaultBuiltInEstimate = 1.0
    /// Finished runs whose median is the estimate.
    public static let estimateHistory = 10

    private struct Live {
        let id: String
        let testType: String
        let startedAt: String
        let started: ContinuousClock.Instant
        let capture: OutputCapture?
        /// Cases known so far for a built-in suite.
        var partial: TestReport?
        /// Tests the suite will run, when known.
        let plannedTotal: Int?
        var task: Task<Void, Never>?
    }

    private struct Waiter {
        let executionID: String
        let continuation: CheckedContinuation<Void, Never>
        var timer: Task<Void, Never>?
    }

    let log: any ExecutionLog
    let checks: any StoreChecks
    let settings: Settings
    /// This server, as recorded with each execution it runs.
    private let owner = ExecutionOwner.thisServer()
    private var live: [String: Live] = [:]
    private var runningOrder: [String] = []
    private var waiters: [UInt64: Waiter] = [:]
    private var nextWaiter: UInt64 = 0
    private var finishObservers: [@Sendable (String) -> Void] = []

    /// A runner recording into `log` whose built-in suites run `checks`. Call ``recoverInterrupted()``
    /// once before serving.
    public init(log: some ExecutionLog, checks: some StoreChecks, settings: Settings) {
        self.log = log
        self.checks = checks
        self.settings = settings
    }

    /// The suites this runner can run, in the order of ``TestSuite/names``.
    public nonisolated var runnableSuites: [TestSuite] {
        TestSuite.names.compactMap { settings.suites[$0] }
    }

    /// The server's environment without its secrets (`LUSTORES_API_KEYS`), for commands.
    public nonisolated static func serverEnvironment() -> [String: String] {
        ProcessInfo.processInfo.environment.filter { $0.key != "LUSTORES_API_KEYS" }
    }

    // MARK: - Start

    /// Starts `testType` and answers at once with `execution_id`, `status: running`, `started_at`
    /// and `estimated_duration`.
    public func start(_ testType: String, options: Options = Options()) async throws(TestRunnerFailure) -> JSONValue {
        guard let suite = settings.suites[testType] else {
            throw .notConfigured(testType: testType, configured: settings.suites.keys.sorted())
        }
        if runningOrder.count >= settings.maxConcurrentRuns, !runningOrder.isEmpty {
            throw .busy(running: runningOrder)
        }
        // Reserve the slot before the first suspension, so concurrent calls see it.
        let id = Self.newExecutionID()
        let startedAt = Timestamp.now()
        var capture: OutputCapture?
        var planned: Int?
        switch suite.kind {
        case .command(let command):
            let flag = NotifyFlag()
            let format = command.results.flatMap { $0.path == nil ? $0.format : nil }
            capture = OutputCapture(documentLimit: format.map { $0.isLineOriented ? nil : CommandSuiteRun.maxStdoutDocumentBytes } ?? nil,
                                    lineFormat: format) { [weak self] _ in
                guard let self, !flag.pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
                Task { await self.progressed(id, flag) }
            }
        case .builtIn(let builtIn):
            planned = checks.checkNames(of: builtIn).count
        }
        live[id] = Live(id: id, testType: testType, startedAt: startedAt, started: .now, capture: capture,
                        partial: nil, plannedTotal: planned, task: nil)
        runningOrder.append(id)
        let estimate = await estimatedDuration(testType, builtIn: planned != nil)
        do {
            try await log.insertRunning(StoredExecution(executionID: id, testType: testType, status: "running", startedAt: startedAt,
                                                        completedAt: nil, results: owner.json, outputTail: nil))
        } catch {
            live[id] = nil
            runningOrder.removeAll { $0 == id }
            // The detail (it may name SQL or a path) is for the operator's log, not the client.
            FileHandle.standardError.write(Data("lustores-mcp: cannot record the execution: \(error)\n".utf8))
            throw .unavailable(reason: "the database cannot record the execution")
        }
        live[id]?.task = Task { await self.execute(id, suite, options, capture: capture) }
        return ["execution_id": .string(id), "status": "running", "started_at": .string(startedAt),
                "estimated_duration": .double(estimate)]
    }

    /// `test_` and 16 hex digits from the system's cryptographic generator.
    static func newExecutionID() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = String(generator.next() as UInt64, radix: 16)
        return "test_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Median duration of the suite's last ``estimateHistory`` completed runs, or the default.
    private func estimatedDuration(_ testType: String, builtIn: Bool) async -> Double {
        let stored = (try? await log.completedResults(testType: testType, limit: Self.estimateHistory)) ?? []
        let durations = stored.compactMap { (try? JSONParser.parse($0))?["duration"]?.doubleValue }.sorted()
        guard !durations.isEmpty else { return builtIn ? Self.defaultBuiltInEstimate : Self.defaultCommandEstimate }
        let middle = durations.count / 2
        let median = durations.count % 2 == 1 ? durations[middle] : (durations[middle - 1] + durations[middle]) / 2
        return (median * 1000).rounded() / 1000
    }

    // MARK: - Run

    private func execute(_ id: String, _ suite: TestSuite, _ options: Options, capture: OutputCapture?) async {
        let clock = ContinuousClock()
        let started = clock.now
        var record: TestExecutionRecord
        switch suite.kind {
        case .builtIn(let builtIn):
            let report = await builtIn.run(with: checks) { [weak self] partial in await self?.checked(id, partial) }
            record = TestExecutionRecord(status: "completed", report: report, duration: Self.seconds(clock.now - started))
        case .command(let command):
            record = await CommandSuiteRun.run(command, name: suite.name, options: options, capture: capture ?? OutputCapture(),
                                               environment: settings.environment) { [weak self] pid in
                await self?.recordProcessGroup(of: id, leader: pid)
            }
        }
        if Task.isCancelled {
            record.status = "interrupted"
            record.reason = "the server stopped during the run"
        }
        record.rendered = await Self.render(record.report, as: options.reporter, name: suite.name)
        await finish(id, record)
    }

    /// Records the command's process group with the execution, so that if this server dies the next
    /// one can stop the group. A failure is logged: the run goes on, only that safeguard is lost.
    private func recordProcessGroup(of id: String, leader pid: pid_t) async {
        // Gone already: it ended (or was stopped) before we looked, and its group with it.
        guard let leader = ProcessIdentity.of(pid) else { return }
        var recorded = owner
        recorded.group = SuiteProcessGroup(leader: leader)
        do {
            try await log.updateRunning(id: id, results: recorded.json)
        } catch {
            FileHandle.standardError.write(Data("lustores-mcp: cannot record the process group of \(id): \(error)\n".utf8))
        }
    }

    /// The report in the `reporter` format (nil for `json`), rendered off the actor.
    private nonisolated static func render(_ report: TestReport, as reporter: String, name: String) async -> (format: String, content: String)? {
        switch reporter {
        case "junit": return ("junit", JUnitReport.render(report, name: name))
        case "tap": return ("tap", TAPReport.render(report))
        default: return nil
        }
    }

    private func finish(_ id: String, _ record: TestExecutionRecord) async {
        do {
            try await log.finish(id: id, status: record.status, completedAt: Timestamp.now(),
                                 results: JSONWriter.string(record.resultsJSON), outputTail: record.outputTail)
        } catch {
            // The row stays `running`; the next start marks it interrupted.
            FileHandle.standardError.write(Data("lustores-mcp: cannot record the end of \(id): \(error)\n".utf8))
        }
        live[id] = nil
        runningOrder.removeAll { $0 == id }
        wake(executionID: id)
        for observer in finishObservers { observer(id) }
    }

    /// Calls `observer` with an execution's id each time one ends, after its outcome is recorded
    /// (so a read made from the observer sees it).
    public func observeFinishes(_ observer: @escaping @Sendable (_ executionID: String) -> Void) {
        finishObservers.append(observer)
    }

    /// The names of the suites this runner can run, sorted.
    public nonisolated var testTypes: [String] { settings.suites.keys.sorted() }

    /// The ids of the latest `limit` executions, running or finished, newest start first.
    public func recentExecutionIDs(limit: Int) async throws(TestRunnerFailure) -> [String] {
        do {
            return try await log.recentExecutionIDs(limit: limit)
        } catch {
            FileHandle.standardError.write(Data("lustores-mcp: cannot read test executions: \(error)\n".utf8))
            throw .unavailable(reason: "the database cannot be reached")
        }
    }

    private func checked(_ id: String, _ partial: TestReport) {
        live[id]?.partial = partial
        wake(executionID: id)
    }

    private func progressed(_ id: String, _ flag: NotifyFlag) {
        flag.pending.store(false, ordering: .releasing)
        wake(executionID: id)
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    // MARK: - Results

    /// The `get_test_result` answer. With `waitSeconds` > 0 and the execution running, waits until
    /// it ends, the time is up or the task is cancelled, calling `progress(finished, total)` with
    /// the number of tests finished whenever it grows.
    public func result(of id: String, waitSeconds: Int = 0,
                       progress: (@Sendable (Int, Int?) -> Void)? = nil) async throws(TestRunnerFailure) -> JSONValue {
        let deadline = ContinuousClock.now + .seconds(max(0, min(waitSeconds, Self.maxWaitSeconds)))
        while let execution = live[id], ContinuousClock.now < deadline, !Task.isCancelled {
            progress?(finishedCount(execution), execution.plannedTotal)
            await waitForChange(of: id, until: deadline)
        }
        if let execution = live[id] { return liveJSON(execution) }
        let stored: StoredExecution?
        do {
            stored = try await log.execution(id: id)
        } catch {
            FileHandle.standardError.write(Data("lustores-mcp: cannot read test executions: \(error)\n".utf8))
            throw .unavailable(reason: "the database cannot be reached")
        }
        // A run that ended while we read: the row is written before the execution leaves `live`.
        guard let stored else { throw .notFound(executionID: id) }
        return TestExecutionRecord.json(stored)
    }

    private func finishedCount(_ execution: Live) -> Int {
        execution.partial?.total ?? execution.capture?.finishedCount ?? 0
    }

    private func liveJSON(_ execution: Live) -> JSONValue {
        let report = execution.partial ?? execution.capture?.partialReport ?? TestReport()
        var results = TestExecutionRecord.counts(report, duration: Self.seconds(.now - execution.started))
        results.append("coverage", .null)
        return .object(JSONObject([
            ("execution_id", .string(execution.id)), ("test_type", .string(execution.testType)), ("status", "running"),
            ("started_at", .string(execution.startedAt)), ("completed_at", .null), ("results", .object(results)),
            ("output_tail", execution.capture.map { .string($0.tail) } ?? .null),
        ]))
    }

    /// Suspends until `wake(executionID:)` for `id`, the deadline, or cancellation.
    private func waitForChange(of id: String, until deadline: ContinuousClock.Instant) async {
        let token = nextWaiter
        nextWaiter += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                guard !Task.isCancelled else { return continuation.resume() }
                let timer = Task { [weak self] in
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    await self?.wake(token: token)
                }
                waiters[token] = Waiter(executionID: id, continuation: continuation, timer: timer)
            }
        } onCancel: {
            Task { [weak self] in await self?.wake(token: token) }
        }
    }

    private func wake(token: UInt64) {
        guard let waiter = waiters.removeValue(forKey: token) else { return }
        waiter.timer?.cancel()
        waiter.continuation.resume()
    }

    private func wake(executionID: String) {
        for (token, waiter) in waiters where waiter.executionID == executionID {
            wake(token: token)
        }
    }

    // MARK: - Lifecycle

    /// Marks `interrupted` every row left `running` by a server process that no longer exists
    /// (its pid gone, or now another process's, or an earlier life of this pid), first killing
    /// (`SIGKILL`) whatever still runs in that execution's recorded process group; returns how many
    /// rows it marked. Call once at start-up, before any run starts.
    @discardableResult
    public func recoverInterrupted() async throws -> Int {
        var count = 0
        for (id, results) in try await log.runningExecutions() {
            guard live[id] == nil else { continue }
            let owner = ExecutionOwner(results: results)
            // Another server on the same database is running it.
            if owner?.isAnotherLiveServer == true { continue }
            var reason = "cut off by a restart of the server"
            if owner?.group?.killOrphans() == true {
                reason += "; its command, still running, was killed"
                FileHandle.standardError.write(Data("lustores-mcp: killed the process group of \(id), left running by a server that died\n".utf8))
            }
            let results: JSONValue = ["reason": .string(reason)]
            try await log.markInterrupted(id: id, completedAt: Timestamp.now(), results: JSONWriter.string(results))
            count += 1
        }
        return count
    }

    /// Stops every running execution (their process groups are killed), records them as
    /// `interrupted`, and returns when that is written.
    public func shutdown() async {
        let tasks = live.values.compactMap(\.task)
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    /// Returns when no execution is running (for `lustores-mcp call run_tests`, whose process
    /// must outlive the run it started).
    public func waitUntilIdle() async {
        while let task = live.values.compactMap(\.task).first {
            await task.value
        }
    }

    /// Executions running now.
    public var runningExecutions: [String] { runningOrder }
}

/// Set while a progress wake-up is on its way, so a flood of output lines costs one task at a time.
private final class NotifyFlag: Sendable {
    let pending = Atomic(false)
}
