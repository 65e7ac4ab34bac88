#if canImport(Glibc)
import Glibc
#endif
import JSONRPC

/// How an execution ended, and everything `get_test_result` shows of it: the ``StoredExecution``
/// and its `results` JSON.
///
/// The stored `results` keeps `total_tests`, `passed`, `failed` (which `get_status` reads), plus
/// `skipped`, `duration`, `coverage`, `failures` and, when asked for, `report`; `reason` says why a
/// run failed, timed out or was cut off.
struct TestExecutionRecord: Sendable {
    /// Statuses of a finished execution.
    static let finishedStatuses = ["completed", "failed", "timed_out", "cancelled", "interrupted"]

    var status: String
    var report: TestReport
    var duration: Double
    var coverage: Coverage?
    var coverageError: String?
    var reason: String?
    var outputTail: String?
    var rendered: (format: String, content: String)?

    /// The `results` object.
    var resultsJSON: JSONValue {
        var results = Self.counts(report, duration: duration)
        results.append("coverage", coverage?.json ?? .null)
        if let coverageError { results.append("coverage_error", .string(coverageError)) }
        if let rendered {
            results.append("report", ["format": .string(rendered.format), "content": .string(rendered.content)])
        }
        if let reason { results.append("reason", .string(reason)) }
        return .object(results)
    }

    /// Counts, duration and failures of `report`.
    static func counts(_ report: TestReport, duration: Double) -> JSONObject {
        JSONObject([
            ("total_tests", .integer(Int64(report.total))), ("passed", .integer(Int64(report.passed))),
            ("failed", .integer(Int64(report.failed))), ("skipped", .integer(Int64(report.skipped))),
            ("duration", .double((duration * 1000).rounded() / 1000)),
            ("failures", .array(report.failures.map { ["name": .string($0.name), "message": .string($0.message ?? "failed")] })),
        ])
    }

    /// The `get_test_result` answer for `execution`. Missing members of `results` (an execution cut
    /// off by a restart has none) read as zeros, `coverage: null`, no failures, and the time between
    /// start and end as `duration`.
    static func json(_ execution: StoredExecution) -> JSONValue {
        let startedAt = execution.startedAt
        let completedAt = execution.completedAt
        let stored = execution.results.flatMap { try? JSONParser.parse($0) } ?? .object(JSONObject())
        func number(_ key: String) -> JSONValue { .integer(stored[key]?.integerValue ?? 0) }
        var duration = stored["duration"] ?? .null
        if duration == .null {
            let seconds = completedAt.flatMap(secondsSinceEpoch).flatMap { end in secondsSinceEpoch(startedAt).map { end - $0 } }
            duration = .double(Double(max(0, seconds ?? 0)))
        }
        var results = JSONObject([
            ("total_tests", number("total_tests")), ("passed", number("passed")), ("failed", number("failed")),
            ("skipped", number("skipped")), ("duration", duration), ("coverage", stored["coverage"] ?? .null),
            ("failures", stored["failures"] ?? .array([])),
        ])
        for key in ["coverage_error", "report"] {
            if let value = stored[key] { results.append(key, value) }
        }
        var answer = JSONObject([
            ("execution_id", .string(execution.executionID)), ("test_type", .string(execution.testType)),
            ("status", .string(execution.status)), ("started_at", .string(startedAt)),
            ("completed_at", completedAt.map(JSONValue.string) ?? .null), ("results", .object(results)),
            ("output_tail", execution.outputTail.map(JSONValue.string) ?? .null),
        ])
        if let reason = stored["reason"] { answer.append("reason", reason) }
        return .object(answer)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` as seconds since the epoch.
    static func secondsSinceEpoch(_ text: String) -> Int64? {
        let digits = text.split { !$0.isNumber }.compactMap { Int32($0) }
        guard digits.count == 6, text.hasSuffix("Z") else { return nil }
        var parts = tm()
        parts.tm_year = digits[0] - 1900
        parts.tm_mon = digits[1] - 1
        parts.tm_mday = digits[2]
        parts.tm_hour = digits[3]
        parts.tm_min = digits[4]
        parts.tm_sec = digits[5]
        return Int64(timegm(&parts))
    }
}
