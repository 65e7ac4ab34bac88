import Dispatch
import Foundation
import JSONRPC
import LUStores

/// `lustores-mcp check`: a monitoring plugin by the Monitoring Plugins development guidelines.
/// One line on stdout, `LUSTORES STATE - text | perfdata`, and the exit status of the state:
/// 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
///
/// The state: CRITICAL when `get_status` says unhealthy or the database latency is over `-c`;
/// WARNING when it says degraded (the line names each resource over its threshold, from
/// `system.reasons`), the latency is over `-w`, or the latest run had failed tests and
/// `--warn-on-failed-tests` was given; UNKNOWN when no answer came (unreachable, key refused,
/// timeout, a bad command line); else OK.
enum CheckCommand {
    /// The plugin states, with their exit status.
    enum State: Int32, Comparable {
        case ok = 0, warning = 1, critical = 2, unknown = 3

        var label: String { ["OK", "WARNING", "CRITICAL", "UNKNOWN"][Int(rawValue)] }

        static func < (lhs: State, rhs: State) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The default `--timeout`, seconds: the usual limit of a monitoring plugin.
    static let defaultTimeout = 10.0

    /// Prints the line and returns the exit status. `resourceWarning` are the percentages above
    /// which the server reports a resource degraded, for the perfdata's warning figures.
    static func run(client: ToolClient, options: ClientOptions, resourceWarning: StatusMonitor.Thresholds) async -> Int32 {
        let timeout = options.timeoutSeconds ?? defaultTimeout
        armWatchdog(seconds: timeout)
        let answer = await client.call("get_status", timeout: .milliseconds(Int64(timeout * 1000)))
        let (state, line): (State, String)
        switch answer {
        case .result(let status):
            (state, line) = evaluate(status, options: options, resourceWarning: resourceWarning)
        case .toolError(let error):
            (state, line) = (.unknown, "get_status failed: \(error["message"]?.stringValue ?? "\(error)")")
        case .refused(let message):
            (state, line) = (.unknown, "the server refused the API key: \(message)")
        case .failed(let failure):
            (state, line) = (.unknown, failure.description)
        }
        emit(state, line)
        return state.rawValue
    }

    /// Prints `LUSTORES STATE - text` on stdout.
    static func emit(_ state: State, _ text: String) {
        FileHandle.standardOutput.write(Data("LUSTORES \(state.label) - \(text)\n".utf8))
    }

    /// After `seconds`, UNKNOWN and exit 3, whatever is still waiting (a database lock, a DNS
    /// lookup): a plugin must answer within its timeout.
    private static func armWatchdog(seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            emit(.unknown, "no answer within \(number(seconds)) s (--timeout)")
            exit(State.unknown.rawValue)
        }
    }

    /// The state and the text after `LUSTORES STATE - ` for a `get_status` answer.
    static func evaluate(_ status: JSONValue, options: ClientOptions,
                         resourceWarning: StatusMonitor.Thresholds) -> (State, String) {
        var state = State.ok
        let health = status["system"]?["status"]?.stringValue ?? "unknown"
        let reasons = status["system"]?["reasons"]?.arrayValue?.compactMap(\.stringValue) ?? []
        switch health {
        case "healthy": break
        case "degraded": state = max(state, .warning)
        default: state = max(state, .critical)
        }
        var parts = [reasons.isEmpty ? health : "\(health): \(reasons.joined(separator: ", "))"]

        let connected = status["database"]?["connected"]?.boolValue == true
        let latency = status["database"]?["latency"]?.doubleValue ?? 0
        if connected {
            var text = "database \(number(latency)) ms"
            if latency > options.criticalMilliseconds {
                state = max(state, .critical)
                text += " (over \(number(options.criticalMilliseconds)) ms)"
            } else if latency > options.warningMilliseconds {
                state = max(state, .warning)
                text += " (over \(number(options.warningMilliseconds)) ms)"
            }
            parts.append(text)
        } else {
            parts.append("database not connected")
        }

        let total = status["tests"]?["total"]?.integerValue ?? 0
        let passed = status["tests"]?["passed"]?.integerValue ?? 0
        let failed = status["tests"]?["failed"]?.integerValue ?? 0
        if status["tests"]?["last_run"]?.stringValue == nil {
            parts.append("no test run yet")
        } else {
            parts.append("tests \(passed)/\(total) passed")
            if failed > 0, options.warnOnFailedTests { state = max(state, .warning) }
        }

        var perfdata = ["db_latency=\(connected ? number(latency) + "ms" : "U");\(number(options.warningMilliseconds));"
                        + "\(number(options.criticalMilliseconds))"]
        for (label, key, warning) in [("memory", "memory_usage", resourceWarning.memory), ("cpu", "cpu_usage", resourceWarning.cpu),
                                      ("disk", "disk_usage", resourceWarning.disk)] {
            let text = status["resources"]?[key]?.stringValue ?? ""
            let value = Double(text.trimmingCharacters(in: CharacterSet(charactersIn: "%"))).map { number($0) + "%" } ?? "U"
            perfdata.append("\(label)=\(value);\(number(warning));\(number(max(warning, resourceCritical)))")
        }
        perfdata.append("tests_failed=\(failed);\(options.warnOnFailedTests ? "0" : "");")
        return (state, parts.joined(separator: "; ") + " | " + perfdata.joined(separator: " "))
    }

    /// The perfdata's critical figure of each resource (or its warning figure when higher): for
    /// graphs; the state comes from the server's own verdict.
    static let resourceCritical = 95.0

    /// At most three decimals, without trailing zeros.
    static func number(_ value: Double) -> String {
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
