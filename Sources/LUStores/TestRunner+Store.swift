import Store
import TestExecution

extension TestRunner {
    /// A runner recording into `store`'s `test_executions`, whose built-in suites check `store`
    /// (the `system` disk check failing above `diskThreshold` percent used).
    public init(store: Store, diskThreshold: Double = StatusMonitor.Thresholds.defaultPercent, settings: Settings) {
        self.init(log: SQLiteExecutionLog(store: store), checks: SQLiteStoreChecks(store: store, diskThreshold: diskThreshold),
                  settings: settings)
    }
}
