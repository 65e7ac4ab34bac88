import ServerSupport
/// The suites built into the server: checks of the store, one test case per check, run through the
/// ``StoreChecks`` the runner is given.
public enum BuiltInSuite: String, Sendable, CaseIterable {
    /// The checks of the store's sales and stock data.
    case sales
    /// The checks of the database, its schema and the volume holding it.
    case system

    /// Runs every check of the suite in order and returns them as a report (suite name on each
    /// case), calling `progress` with the cases so far after each check.
    public func run(with checks: some StoreChecks, now: String = Timestamp.now(),
                    progress: @Sendable (TestReport) async -> Void) async -> TestReport {
        let soFar = Accumulated(suite: rawValue)
        let results: [CheckResult]
        switch self {
        case .sales: results = await checks.runSalesChecks(now: now) { await progress(await soFar.add($0)) }
        case .system: results = await checks.runSystemChecks { await progress(await soFar.add($0)) }
        }
        return Self.report(results, suite: rawValue)
    }

    static func report(_ results: [CheckResult], suite: String) -> TestReport {
        var report = TestReport()
        for result in results {
            report.record(result.name, result.passed ? .passed : .failed, message: result.failure, suite: suite)
        }
        return report
    }

    /// The cases so far, for progress while the checks run.
    private actor Accumulated {
        let suite: String
        var results: [CheckResult] = []

        init(suite: String) { self.suite = suite }

        func add(_ result: CheckResult) -> TestReport {
            results.append(result)
            return BuiltInSuite.report(results, suite: suite)
        }
    }
}
