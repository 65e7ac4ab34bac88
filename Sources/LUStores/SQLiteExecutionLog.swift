import Store
import TestExecution

/// The `test_executions` table of the SQLite store, as the runner's `ExecutionLog`: writes on the
/// store's writer, reads on its readers (WAL makes a committed write visible to them at once).
public struct SQLiteExecutionLog: ExecutionLog {
    /// The store whose table this is.
    public let store: Store

    /// The log in `store`'s `test_executions`.
    public init(store: Store) {
        self.store = store
    }

    /// Inserts the row on the writer.
    public func insertRunning(_ execution: StoredExecution) async throws {
        try await store.writer.run(
            "INSERT INTO test_executions (execution_id, test_type, status, started_at, results) VALUES (?, ?, ?, ?, ?)",
            [.text(execution.executionID), .text(execution.testType), .text(execution.status), .text(execution.startedAt),
             execution.results.map(SQLValue.text) ?? .null])
    }

    /// Reads on a reader, newest start first.
    public func completedResults(testType: String, limit: Int) async throws -> [String] {
        try await store.reader().query(
            "SELECT results FROM test_executions WHERE test_type = ? AND status = 'completed' ORDER BY started_at DESC LIMIT ?",
            [.text(testType), .integer(Int64(limit))]).compactMap { $0.first?.stringValue }
    }

    /// Updates the row on the writer, only while it is still `running`.
    public func updateRunning(id: String, results: String) async throws {
        try await store.writer.run("UPDATE test_executions SET results = ? WHERE execution_id = ? AND status = 'running'",
                                   [.text(results), .text(id)])
    }

    /// Updates the row on the writer.
    public func finish(id: String, status: String, completedAt: String, results: String, outputTail: String?) async throws {
        try await store.writer.run(
            "UPDATE test_executions SET status = ?, completed_at = ?, results = ?, output_tail = ? WHERE execution_id = ?",
            [.text(status), .text(completedAt), .text(results), outputTail.map(SQLValue.text) ?? .null, .text(id)])
    }

    /// Reads the row on a reader.
    public func execution(id: String) async throws -> StoredExecution? {
        let rows = try await store.reader().query("""
            SELECT execution_id, test_type, status, started_at, completed_at, results, output_tail
            FROM test_executions WHERE execution_id = ?
            """, [.text(id)])
        guard let row = rows.first, row.count == 7 else { return nil }
        return StoredExecution(executionID: row[0].stringValue ?? "", testType: row[1].stringValue ?? "",
                               status: row[2].stringValue ?? "", startedAt: row[3].stringValue ?? "",
                               completedAt: row[4].stringValue, results: row[5].stringValue, outputTail: row[6].stringValue)
    }

    /// Reads on the writer, so a row it has just written is seen.
    public func runningExecutions() async throws -> [(id: String, results: String?)] {
        try await store.writer.query("SELECT execution_id, results FROM test_executions WHERE status = 'running'")
            .compactMap { row in row.first?.stringValue.map { ($0, row.count > 1 ? row[1].stringValue : nil) } }
    }

    /// Reads on the writer (a row just inserted is seen), newest start first, the later row first
    /// among those started in the same second.
    public func recentExecutionIDs(limit: Int) async throws -> [String] {
        try await store.writer.query("SELECT execution_id FROM test_executions ORDER BY started_at DESC, rowid DESC LIMIT ?",
                                     [.integer(Int64(max(0, limit)))]).compactMap { $0.first?.stringValue }
    }

    /// Updates the row on the writer, only while it is still `running`.
    public func markInterrupted(id: String, completedAt: String, results: String) async throws {
        try await store.writer.run(
            "UPDATE test_executions SET status = 'interrupted', completed_at = ?, results = ? WHERE execution_id = ? AND status = 'running'",
            [.text(completedAt), .text(results), .text(id)])
    }
}
