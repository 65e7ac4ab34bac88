/// One execution as the log holds it: the fields `get_test_result` shows, `results` as stored.
public struct StoredExecution: Sendable, Equatable {
    /// `test_` and 16 hex digits.
    public var executionID: String
    /// The suite's name.
    public var testType: String
    /// `running`, or one of the finished statuses.
    public var status: String
    /// ISO 8601 UTC, to the second.
    public var startedAt: String
    /// ISO 8601 UTC, to the second; nil while running.
    public var completedAt: String?
    /// The stored `results` JSON text (while running: who runs it — the server's `runner_pid` and
    /// `runner_started`, then the command's `process_group` and `group_started`); nil when absent.
    public var results: String?
    /// The end of the command's output; nil for a built-in suite or a run cut off.
    public var outputTail: String?

    /// An execution with every field given.
    public init(executionID: String, testType: String, status: String, startedAt: String, completedAt: String?,
                results: String?, outputTail: String?) {
        self.executionID = executionID
        self.testType = testType
        self.status = status
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.results = results
        self.outputTail = outputTail
    }
}

/// Where the runner records executions, so they outlive the server: the `test_executions` table of
/// whichever store is in use (SQLite today; a PostgreSQL store adds its own conformance).
///
/// Conformers guarantee: a row written by ``insertRunning(_:)`` is read back by ``execution(id:)``
/// from any connection as soon as the call returns; ``finish(id:status:completedAt:results:outputTail:)``,
/// ``updateRunning(id:results:)`` and ``markInterrupted(id:completedAt:results:)`` change only the
/// named row, the last two only while it is `running`. Any error thrown means
/// the store could not be reached or written; its description may be shown to a client.
public protocol ExecutionLog: Sendable {
    /// Records a new execution with status `running`.
    func insertRunning(_ execution: StoredExecution) async throws

    /// `results` JSON texts of the suite's last `limit` executions that `completed`, newest first.
    func completedResults(testType: String, limit: Int) async throws -> [String]

    /// Replaces the stored `results` of `id` while it is still `running` (who runs it, once its
    /// command's process group exists), so a server started after this one dies can stop that group.
    func updateRunning(id: String, results: String) async throws

    /// Records how an execution ended.
    func finish(id: String, status: String, completedAt: String, results: String, outputTail: String?) async throws

    /// The execution `id`, or nil when there is none.
    func execution(id: String) async throws -> StoredExecution?

    /// Every execution still `running`: id and stored `results` (which name who runs it).
    func runningExecutions() async throws -> [(id: String, results: String?)]

    /// The ids of the latest `limit` executions of any status, newest start first.
    func recentExecutionIDs(limit: Int) async throws -> [String]

    /// Marks `id` `interrupted` if it is still `running`.
    func markInterrupted(id: String, completedAt: String, results: String) async throws
}
