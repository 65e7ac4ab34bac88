import Foundation
import JSONRPC
#if canImport(Glibc)
import Glibc
#endif

/// `lustores-mcp test TYPE`: the CI client. Starts the suite (`run_tests`), follows it
/// (`get_test_result`, long-polled) with progress on stderr, prints a summary with the failures on
/// stdout, writes `--junit` and `--json`, and judges `--min-coverage`.
///
/// Exit status: 0 every test passed (and coverage reached its minimum); 1 tests failed, the run
/// failed, timed out, was cut off, could not start (another is running, rate limit) or coverage is
/// below its minimum; 2 a usage or configuration error (unknown suite, refused key, a file that
/// cannot be written); 3 the server cannot be reached.
enum TestCommand {
    /// The default `--timeout`, seconds.
    static let defaultTimeout = 1800.0
    /// Longest single long poll: progress is shown at least this often.
    static let pollSeconds = 2

    static func run(type: String, client: ToolClient, options: ClientOptions) async -> Int32 {
        let timeout = options.timeoutSeconds ?? defaultTimeout
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        var runOptions = JSONObject()
        if !options.minimumCoverage.isEmpty { runOptions.append("coverage", true) }
        if options.junitPath != nil { runOptions.append("reporter", "junit") }
        var arguments = JSONObject([("test_type", .string(type))])
        if !runOptions.isEmpty { arguments.append("options", .object(runOptions)) }

        let started: JSONValue
        switch await client.call("run_tests", arguments, timeout: .seconds(30)) {
        case .result(let value):
            started = value
        case let other:
            return report(other, doing: "start \(type)")
        }
        guard let id = started["execution_id"]?.stringValue else {
            LUStoresMCP.report("run_tests answered without an execution id: \(JSONWriter.string(started))")
            return 1
        }
        let progress = ProgressDisplay(type: type, executionID: id, estimate: started["estimated_duration"]?.doubleValue)
        var latest = started
        while true {
            let left = deadline - ContinuousClock.now
            if left <= .zero {
                progress.finish()
                var remote = ""
                if case .remote = client { remote = " (it goes on on the server)" }
                LUStoresMCP.report("\(type): no result within \(CheckCommand.number(timeout)) s (--timeout); "
                    + "execution \(id) stopped being followed\(remote)")
                if options.jsonPath != nil || options.junitPath != nil, latest["results"] != nil {
                    if let status = write(latest, options: options) { return status }
                }
                return 1
            }
            let wait = max(0, min(pollSeconds, Int(left.components.seconds)))
            let answer = await client.call("get_test_result", JSONObject([("execution_id", .string(id)),
                                                                          ("wait_seconds", .integer(Int64(wait)))]),
                                           timeout: .seconds(wait + 30))
            guard case .result(let result) = answer else {
                progress.finish()
                return report(answer, doing: "read the result of \(id)")
            }
            latest = result
            if result["status"]?.stringValue != "running" { break }
            progress.update(result)
        }
        progress.finish()
        FileHandle.standardOutput.write(Data(summary(latest, minimumCoverage: options.minimumCoverage).utf8))
        if let status = write(latest, options: options) { return status }
        return passed(latest, minimumCoverage: options.minimumCoverage) ? 0 : 1
    }

    /// Writes `--json` and `--junit`; 2 when one cannot be written, else nil.
    private static func write(_ result: JSONValue, options: ClientOptions) -> Int32? {
        var files: [(String, String)] = []
        if let path = options.jsonPath { files.append((path, JSONWriter.string(result) + "\n")) }
        if let path = options.junitPath { files.append((path, JUnitResultFile.xml(result))) }
        for (path, text) in files {
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                LUStoresMCP.report("cannot write \(path): \(error.localizedDescription)")
                return 2
            }
        }
        return nil
    }

    /// The exit status for an answer that is not a result, with its reason on stderr.
    private static func report(_ answer: ToolAnswer, doing what: String) -> Int32 {
        switch answer {
        case .result:
            return 0
        case .toolError(let error):
            let code = error["code"]?.stringValue ?? "error"
            LUStoresMCP.report("cannot \(what): \(error["message"]?.stringValue ?? JSONWriter.string(error)) (\(code))")
            return code == "MCP_INVALID_REQUEST" || code == "MCP_NOT_FOUND" ? 2 : 1
        case .refused(let message):
            LUStoresMCP.report("cannot \(what): the server refused the API key: \(message)")
            return 2
        case .failed(.configuration(let message)):
            LUStoresMCP.report(message)
            return 2
        case .failed(.unreachable(let message)):
            LUStoresMCP.report("cannot \(what): \(message)")
            return 3
        }
    }

    /// Completed, nothing failed, and every coverage minimum met.
    static func passed(_ result: JSONValue, minimumCoverage: [String: Double]) -> Bool {
        result["status"] == "completed" && result["results"]?["failed"]?.integerValue == 0
            && coverageShortfalls(result, minimumCoverage: minimumCoverage).isEmpty
    }

    /// One line per coverage kind below its minimum (or coverage missing altogether).
    static func coverageShortfalls(_ result: JSONValue, minimumCoverage: [String: Double]) -> [String] {
        guard !minimumCoverage.isEmpty else { return [] }
        guard let coverage = result["results"]?["coverage"], coverage != .null else {
            let why = result["results"]?["coverage_error"]?.stringValue ?? "the suite reported none"
            return ["no coverage: \(why)"]
        }
        return ClientOptions.coverageKinds.compactMap { kind in
            guard let minimum = minimumCoverage[kind] else { return nil }
            let value = coverage[kind]?.doubleValue ?? 0
            return value < minimum ? "\(kind) \(CheckCommand.number(value))% is below the minimum of \(CheckCommand.number(minimum))%" : nil
        }
    }

    /// What stdout shows at the end: the outcome and counts, each failure, coverage.
    static func summary(_ result: JSONValue, minimumCoverage: [String: Double]) -> String {
        let type = result["test_type"]?.stringValue ?? "tests"
        let status = result["status"]?.stringValue ?? "unknown"
        let results = result["results"]
        func count(_ key: String) -> Int64 { results?[key]?.integerValue ?? 0 }
        var lines = ["\(type): \(status) — \(count("total_tests")) tests: \(count("passed")) passed, \(count("failed")) failed, "
                     + "\(count("skipped")) skipped in \(CheckCommand.number(results?["duration"]?.doubleValue ?? 0)) s"]
        if let reason = result["reason"]?.stringValue { lines.append("reason: \(reason)") }
        let failures = results?["failures"]?.arrayValue ?? []
        if !failures.isEmpty {
            lines.append("failures:")
            for failure in failures {
                let message = failure["message"]?.stringValue ?? ""
                lines.append("  FAIL \(failure["name"]?.stringValue ?? "?")" + (message.isEmpty ? "" : ": \(message)"))
            }
            if count("failed") > Int64(failures.count) {
                lines.append("  … and \(count("failed") - Int64(failures.count)) more")
            }
        }
        if let coverage = results?["coverage"], coverage != .null {
            lines.append("coverage: " + ClientOptions.coverageKinds.map {
                "\($0) \(CheckCommand.number(coverage[$0]?.doubleValue ?? 0))%"
            }.joined(separator: ", "))
        }
        for shortfall in coverageShortfalls(result, minimumCoverage: minimumCoverage) {
            lines.append("coverage below the minimum: \(shortfall)")
        }
        lines.append("execution: \(result["execution_id"]?.stringValue ?? "?")")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Progress on stderr while a run goes on: on a terminal one line redrawn in place with a bar (the
/// elapsed share of the estimated duration, held below 100% until the end); otherwise a plain line
/// each time the number of finished tests changes, so CI logs stay short.
final class ProgressDisplay {
    private let type: String
    private let estimate: Double?
    private let isTerminal = isatty(2) == 1
    private let started = ContinuousClock.now
    private var lastFinished = -1
    private var drewBar = false

    init(type: String, executionID: String, estimate: Double?) {
        self.type = type
        self.estimate = estimate
        write("\(type): started \(executionID)" + (estimate.map { ", about \(CheckCommand.number($0)) s" } ?? "") + "\n")
    }

    func update(_ result: JSONValue) {
        let results = result["results"]
        let finished = Int(results?["total_tests"]?.integerValue ?? 0)
        let failed = results?["failed"]?.integerValue ?? 0
        let elapsed = Double((ContinuousClock.now - started).components.seconds)
        let counts = "\(finished) test\(finished == 1 ? "" : "s") finished" + (failed > 0 ? ", \(failed) failed" : "")
        if isTerminal {
            let share = min(0.99, elapsed / max(estimate ?? 30, 1))
            let width = 30
            let filled = Int(share * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            write("\r\(type) [\(bar)] \(Int(share * 100))% \(counts), \(Int(elapsed)) s\u{1B}[K")
            drewBar = true
        } else if finished != lastFinished {
            write("\(type): \(counts) (\(Int(elapsed)) s)\n")
        }
        lastFinished = finished
    }

    /// Ends the bar's line.
    func finish() {
        if drewBar { write("\n") }
        drewBar = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
