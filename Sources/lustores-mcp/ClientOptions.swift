import Foundation

/// The flags of the client commands, `check` (the monitoring plugin) and `test` (the CI client):
/// where the server is, how long to wait, and what to judge or write. The API key is never a flag
/// value (it would show in `ps`): it comes from `--token-file` or `LUSTORES_TOKEN`.
struct ClientOptions: Equatable {
    /// `--url http://HOST[:PORT][/PREFIX]`: a running `lustores-mcp http`; nil means in process.
    var url: String?
    /// `--token-file FILE`: its first line is the API key.
    var tokenFile: String?
    /// `--timeout SECONDS`; nil means the command's default.
    var timeoutSeconds: Double?
    /// `check -w MS` / `-c MS`: database latency thresholds, milliseconds.
    var warningMilliseconds = 100.0
    var criticalMilliseconds = 500.0
    /// `check --warn-on-failed-tests`: failed tests in the latest run make the check WARNING.
    var warnOnFailedTests = false
    /// `test --junit FILE` and `--json FILE`.
    var junitPath: String?
    var jsonPath: String?
    /// `test --min-coverage lines=80,branches=70`: percent by coverage kind.
    var minimumCoverage: [String: Double] = [:]

    /// Flags both client commands take, with a value.
    static let sharedFlags: Set<String> = ["--url", "--token-file", "--timeout"]
    /// Flags of `check` only (`-w`/`--warning`, `-c`/`--critical` take a value).
    static let checkFlags: Set<String> = ["-w", "--warning", "-c", "--critical"]
    static let checkSwitches: Set<String> = ["--warn-on-failed-tests"]
    /// Flags of `test` only.
    static let testFlags: Set<String> = ["--junit", "--json", "--min-coverage"]
    /// Single-dash flags, which the parser must not take for positional arguments.
    static let shortFlags: Set<String> = ["-w", "-c"]
    /// The coverage kinds `get_test_result` reports.
    static let coverageKinds = ["lines", "functions", "branches"]

    /// Sets the value of one of the flags above, checking its form.
    mutating func set(_ flag: String, _ value: String) throws(CommandLineOptions.UsageError) {
        switch flag {
        case "--url":
            url = value
        case "--token-file":
            tokenFile = value
        case "--timeout":
            timeoutSeconds = try Self.positive(flag, value)
        case "-w", "--warning":
            warningMilliseconds = try Self.positive(flag, value)
        case "-c", "--critical":
            criticalMilliseconds = try Self.positive(flag, value)
        case "--junit":
            junitPath = value
        case "--json":
            jsonPath = value
        default:
            minimumCoverage = try Self.coverage(value)
        }
    }

    private static func positive(_ flag: String, _ value: String) throws(CommandLineOptions.UsageError) -> Double {
        guard let number = Double(value), number.isFinite, number > 0 else {
            throw CommandLineOptions.UsageError(description: "\(flag) needs a positive number, not \(value)")
        }
        return number
    }

    /// `lines=80,branches=70` → percent by kind; each kind known, each figure 0…100.
    static func coverage(_ text: String) throws(CommandLineOptions.UsageError) -> [String: Double] {
        var minimum: [String: Double] = [:]
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, coverageKinds.contains(pair[0]), let percent = Double(pair[1]),
                  (0...100).contains(percent) else {
                throw CommandLineOptions.UsageError(description: "--min-coverage takes KIND=PERCENT pairs separated by commas "
                    + "(kinds: \(coverageKinds.joined(separator: ", ")); percent 0 to 100), not \(text)")
            }
            minimum[pair[0]] = percent
        }
        guard !minimum.isEmpty else {
            throw CommandLineOptions.UsageError(description: "--min-coverage needs at least one KIND=PERCENT, e.g. lines=80")
        }
        return minimum
    }
}
