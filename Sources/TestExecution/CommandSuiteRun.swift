import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One run of a configured command suite, from spawn to a ``TestExecutionRecord``.
///
/// The outcome: a command that cannot start is `failed` with the spawn error; one that outlives
/// its timeout is `timed_out` (its process group killed) with the tests finished so far; otherwise
/// the report decides — a readable report makes the run `completed` (its failed tests are in
/// `failed`) unless the command exited non-zero while the report shows no failure, which is
/// `failed`; no readable report is `failed` with the reason. A suite with no `results` format is
/// one test case that passes when the command exits 0. Reports and coverage files must have been
/// written during the run (an older file is stale, not a result).
enum CommandSuiteRun {
    /// Largest report or coverage file read.
    static let maxReportFileBytes = 64 << 20
    /// Largest JUnit or jest report read from the command's output (no `results.path`).
    static let maxStdoutDocumentBytes = 16 << 20
    /// Seconds a report's modification time may precede the start (file systems round times).
    static let staleReportSlack: Int = 1

    static func run(_ suite: TestSuite.CommandSuite, name: String, options: TestRunner.Options, capture: OutputCapture,
                    environment: [String: String], onSpawn: @Sendable (pid_t) async -> Void = { _ in }) async -> TestExecutionRecord {
        let startedWallClock = Int(time(nil))
        let clock = ContinuousClock()
        let started = clock.now
        let command = ChildProcess.Command(arguments: suite.command, workingDirectory: suite.workingDirectory,
                                           environment: environment.merging(suite.environment) { $1 },
                                           timeout: options.timeout ?? suite.timeout)
        let outcome: ChildProcess.Outcome
        do {
            outcome = try await ChildProcess.run(command, capture: capture, started: onSpawn)
        } catch {
            return TestExecutionRecord(status: "failed", report: TestReport(), duration: TestRunner.seconds(clock.now - started),
                                       reason: error.description, outputTail: error.description)
        }
        var record = TestExecutionRecord(status: "completed", report: TestReport(), duration: TestRunner.seconds(clock.now - started),
                                         outputTail: capture.tail)
        if outcome.timedOut || outcome.cancelled {
            record.status = outcome.timedOut ? "timed_out" : "cancelled"
            record.report = capture.partialReport ?? TestReport()
            let limit = options.timeout ?? suite.timeout
            record.reason = outcome.timedOut
                ? "timed out after \(Int(TestRunner.seconds(limit) * 1000)) ms; its process group was killed"
                : "cancelled; its process group was killed"
        } else {
            switch readReport(suite, name: name, outcome: outcome, capture: capture, since: startedWallClock) {
            case .success(let report):
                record.report = report
                if outcome.exitStatus != 0, report.failed == 0 {
                    record.status = "failed"
                    record.reason = "the command \(outcome.summary) but its report shows no failure"
                }
            case .failure(let error):
                record.status = "failed"
                record.reason = "the command \(outcome.summary); no readable report: \(error)"
            }
        }
        if options.coverage {
            if let coverage = suite.coverage {
                switch readFile(coverage.path, in: suite.workingDirectory, since: startedWallClock).flatMap({ bytes in
                    Result { () throws(ReportError) in try coverage.format.parse(bytes) }
                }) {
                case .success(let figures): record.coverage = figures
                case .failure(let error): record.coverageError = error.description
                }
            } else {
                record.coverageError = "the \(name) suite has no coverage file configured"
            }
        }
        return record
    }

    private static func readReport(_ suite: TestSuite.CommandSuite, name: String, outcome: ChildProcess.Outcome,
                                   capture: OutputCapture, since start: Int) -> Result<TestReport, ReportError> {
        guard let results = suite.results else {
            var report = TestReport()
            if outcome.exitStatus == 0 {
                report.record(name, .passed, suite: name)
            } else {
                let lastLine = capture.tail.split(separator: "\n").last.map { ": " + $0 } ?? ""
                report.record(name, .failed, message: "the command \(outcome.summary)\(lastLine)", suite: name)
            }
            return .success(report)
        }
        if let path = results.path {
            return readFile(path, in: suite.workingDirectory, since: start).flatMap { bytes in
                Result { () throws(ReportError) in try results.format.parse(bytes) }
            }
        }
        if results.format.isLineOriented {
            return capture.lineReport() ?? .failure(ReportError("no report"))
        }
        guard let document = capture.document else {
            return .failure(ReportError("the \(results.format.rawValue) report printed by the command is larger than \(maxStdoutDocumentBytes >> 20) MiB"))
        }
        return Result { () throws(ReportError) in try results.format.parse(document) }
    }

    /// The bytes of `path` (relative to `directory`), if it was written at or after `since`
    /// (seconds since the epoch) and is at most ``maxReportFileBytes``.
    static func readFile(_ path: String, in directory: String?, since: Int) -> Result<[UInt8], ReportError> {
        let fullPath = path.hasPrefix("/") || directory == nil ? path : "\(directory!)/\(path)"
        var info = stat()
        guard stat(fullPath, &info) == 0 else {
            return .failure(ReportError("\(fullPath) was not written (\(String(cString: strerror(errno))))"))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return .failure(ReportError("\(fullPath) is not a regular file")) }
        guard Int(info.st_mtim.tv_sec) >= since - staleReportSlack else {
            return .failure(ReportError("\(fullPath) is older than this run (stale)"))
        }
        guard Int(info.st_size) <= maxReportFileBytes else {
            return .failure(ReportError("\(fullPath) is larger than \(maxReportFileBytes >> 20) MiB"))
        }
        guard let data = FileManager.default.contents(atPath: fullPath), data.count <= maxReportFileBytes else {
            return .failure(ReportError("\(fullPath) cannot be read"))
        }
        return .success([UInt8](data))
    }
}
