import Foundation
import JSONRPC
import Testing
#if canImport(Glibc)
import Glibc
#endif

// Helpers of the client-command suites (`check`, `test`): the plugin output read by the Monitoring
// Plugins rules, suite scripts with known outcomes, a running `http` server, and the JUnit reader.

/// One performance-data item: `'label'=value[UOM];[warn];[crit];[min];[max]`.
struct Perfdatum: Equatable {
    let label: String
    /// nil when the value is `U` (could not be determined).
    let value: Double?
    let unit: String
    let warning: String
    let critical: String
}

/// A plugin's output read by the Monitoring Plugins development guidelines: the first line is
/// `SERVICE STATE - text`, optionally followed by ` | ` and the performance data.
struct PluginOutput {
    let service: String
    let state: String
    let text: String
    let perfdata: [String: Perfdatum]

    /// The state each exit status stands for.
    static let states: [Int32: String] = [0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"]
    /// Units of measure the guidelines allow.
    static let units: Set<String> = ["", "s", "ms", "us", "%", "B", "KB", "MB", "GB", "TB", "c"]

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    init(_ stdout: String) throws {
        let lines = stdout.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 2, lines[1].isEmpty else { throw Malformed(description: "not exactly one line: \(stdout.debugDescription)") }
        let halves = lines[0].components(separatedBy: " | ")
        guard halves.count <= 2 else { throw Malformed(description: "more than one ' | ': \(lines[0])") }
        let head = halves[0]
        guard let match = head.range(of: #"^([A-Z]+) (OK|WARNING|CRITICAL|UNKNOWN) - "#, options: .regularExpression) else {
            throw Malformed(description: "no 'SERVICE STATE - ' prefix: \(head)")
        }
        let prefix = head[match].split(separator: " ")
        service = String(prefix[0])
        state = String(prefix[1])
        text = String(head[match.upperBound...])
        var items: [String: Perfdatum] = [:]
        for item in (halves.count == 2 ? halves[1] : "").split(separator: " ") {
            let datum = try Self.perfdatum(String(item))
            guard items[datum.label] == nil else { throw Malformed(description: "label \(datum.label) twice") }
            items[datum.label] = datum
        }
        perfdata = items
    }

    /// `label=value[UOM];warn;crit;min;max` with the guidelines' forms: a quoted label when it has
    /// spaces, a number or `U`, a unit from ``units``, thresholds as ranges (`[@][start:][end]`).
    static func perfdatum(_ text: String) throws -> Perfdatum {
        guard let equals = text.lastIndex(of: "=") else { throw Malformed(description: "no '=' in \(text)") }
        var label = String(text[..<equals])
        if label.hasPrefix("'") {
            guard label.hasSuffix("'"), label.count >= 2 else { throw Malformed(description: "bad quoted label \(label)") }
            label = String(label.dropFirst().dropLast())
        }
        guard !label.isEmpty, !label.contains("="), !label.contains("'") else { throw Malformed(description: "bad label in \(text)") }
        let fields = text[text.index(after: equals)...].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard (1...5).contains(fields.count) else { throw Malformed(description: "\(fields.count) fields in \(text)") }
        let range = #"^@?(~|-?[0-9]+(\.[0-9]+)?)?(:(-?[0-9]+(\.[0-9]+)?)?)?$"#
        for threshold in fields.dropFirst() where threshold.range(of: range, options: .regularExpression) == nil {
            throw Malformed(description: "threshold \(threshold) of \(label) is not a range")
        }
        for bound in fields.dropFirst(3) where !bound.isEmpty && Double(bound) == nil {
            throw Malformed(description: "min/max \(bound) of \(label) is not a number")
        }
        guard let valueMatch = fields[0].range(of: #"^(-?[0-9]+(\.[0-9]+)?|U)"#, options: .regularExpression) else {
            throw Malformed(description: "value of \(label) is not a number: \(fields[0])")
        }
        let unit = String(fields[0][valueMatch.upperBound...])
        guard units.contains(unit) else { throw Malformed(description: "unit \(unit) of \(label) is not allowed") }
        let number = String(fields[0][valueMatch])
        return Perfdatum(label: label, value: number == "U" ? nil : Double(number), unit: unit,
                         warning: fields.count > 1 ? fields[1] : "", critical: fields.count > 2 ? fields[2] : "")
    }
}

/// Runs `check ARGUMENTS`, checks the output is one plugin line whose state matches the exit
/// status, and returns it with the status.
func runCheck(in directory: String, _ arguments: [String], environment: [String: String] = [:],
              sourceLocation: SourceLocation = #_sourceLocation) async throws -> (Int32, PluginOutput) {
    let run = try await runCommand(in: directory, ["check"] + arguments, environment: environment)
    let status = run.exit.termination.status
    let output = try PluginOutput(run.stdoutText)
    #expect(output.service == "LUSTORES", sourceLocation: sourceLocation)
    #expect(PluginOutput.states[status] == output.state, "exit \(status) but \(output.state)", sourceLocation: sourceLocation)
    return (status, output)
}

/// Suite scripts with known outcomes, and a configuration naming them.
struct ClientSuites {
    let directory: String
    var passing: String { directory + "/passing.sh" }
    var failing: String { directory + "/failing.sh" }
    var hanging: String { directory + "/hanging.sh" }
    var covered: String { directory + "/covered.sh" }

    /// Thresholds no machine reaches, so a busy test machine never makes a server degraded.
    static let calmThresholdsEntry = #""thresholds": {"memory": 100, "cpu": 100, "disk": 100}, "#
    static let calmThresholds = "{" + String(calmThresholdsEntry.dropLast(2)) + "}"

    /// The failing suite's failure, as its TAP says it.
    static let failureName = "refund <VAT> & \"rounding\""
    static let failureMessage = "expected 1.20 & got 1.19 <pence>"

    init(directory: String) throws {
        self.directory = directory
        try script(passing, "echo '1..3'\necho 'ok 1 - sale totals'\necho 'ok 2 - line VAT'\necho 'ok 3 - stock'")
        try script(failing, """
            echo '1..2'
            echo 'ok 1 - sale totals'
            echo 'not ok 2 - \(Self.failureName)'
            echo '  ---'
            echo '  message: \(Self.failureMessage)'
            echo '  ...'
            exit 1
            """)
        try script(hanging, "echo $$ > \"\(directory)/hanging.pid\"\necho '1..2'\necho 'ok 1 - first'\nexec sleep 600")
        try script(covered, """
            echo '1..1'
            echo 'ok 1 - covered'
            printf 'SF:a.js\\nFNF:4\\nFNH:2\\nLF:10\\nLH:8\\nBRF:8\\nBRH:2\\nend_of_record\\n' > "\(directory)/lcov.info"
            """)
    }

    /// The configuration: unit passes, integration fails, e2e hangs (killed by the server after
    /// `e2eTimeoutMilliseconds`, when given), system passes with coverage (lines 80, functions 50,
    /// branches 25); `extra` (entries ending with a comma) comes first. Returns its path.
    func configuration(e2eTimeoutMilliseconds: Int? = nil, extra: String = calmThresholdsEntry) throws -> String {
        let timeout = e2eTimeoutMilliseconds.map { #", "timeout_ms": \#($0)"# } ?? ""
        let text = """
            {\(extra)"test_suites": {
              "unit": {"command": ["\(passing)"], "results": {"format": "tap"}},
              "integration": {"command": ["\(failing)"], "results": {"format": "tap"}},
              "e2e": {"command": ["\(hanging)"], "results": {"format": "tap"}\(timeout)},
              "system": {"command": ["\(covered)"], "working_directory": "\(directory)", "results": {"format": "tap"},
                         "coverage": {"format": "lcov", "path": "lcov.info"}}
            }}
            """
        return try writeConfiguration(text, in: directory, name: "suites.json")
    }

    private func script(_ path: String, _ body: String) throws {
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
    }
}

/// A `lustores-mcp http` on a free port with `arguments` (a `--database` among them overrides
/// the server's own), stopped by ``HTTPProcess/terminate()``.
func startHTTP(_ arguments: [String], environment: [String: String] = [:]) async throws -> HTTPProcess {
    let server = try HTTPProcess(arguments: arguments + ["--log-level", "warning"], environment: environment)
    try #require(await server.waitForListening(), "the server did not start: \(server.stderrText)")
    return server
}

/// What junitparser (Tests/Interop/read_junit.py) reads in the JUnit file at `path`.
func readJUnit(_ path: String, in directory: String) async throws -> JSONValue {
    let python = try await InteropEnvironment.readyPython()
    let run = try await Subprocess.run(python, [Paths.repositoryRoot + "/Tests/Interop/read_junit.py", path],
                                       environment: InteropEnvironment.environment(directory))
    try #require(run.exit.termination == .exited(0), "junitparser rejected \(path): \(run.stderr)")
    return try JSONParser.parse(run.stdout)
}

/// Whether `pid` is gone (or a zombie) within ten seconds.
func processEnds(_ pid: pid_t) async -> Bool {
    await eventually(within: .seconds(10)) {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return kill(pid, 0) != 0 || stat.isEmpty || stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }
}
