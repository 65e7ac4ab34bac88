import Foundation

/// Reads TAP 13 and 14 (Test Anything Protocol) line by line.
///
/// What it understands: the version line, the plan (`1..N`, before or after the tests, with
/// `# SKIP reason` for a skipped file), `ok` / `not ok` lines with optional numbers, descriptions
/// and `# SKIP` / `# TODO` directives, YAML diagnostic blocks (their `message:` or `error:`, block
/// scalars included, becomes the failure's message), subtests (indented, TAP 14 and node's
/// reporter), `Bail out!`, and comments. Decisions: the leaves are the tests — a subtest's
/// closing line is not counted again, unless it failed while none of its children did; a `# TODO`
/// test counts as skipped whatever its result (TAP says a TODO failure is not a failure); tests
/// the top-level plan promised but that never ran count as failed, with one failure saying how
/// many; a bail-out is a failure carrying its reason.
struct TAPParser: Sendable {
    private(set) var report = TestReport()
    private var plan: Int?
    private var topLevelTests = 0
    private var sawTAP = false
    private var bailOut: String?
    /// Indentation of the open YAML block (nil outside one) and whether it follows a failure.
    private var yamlIndent: Int?
    private var yamlFollowsFailure = false
    /// A block scalar (`error: |-`) being collected: the key's indentation and the lines so far.
    private var blockScalar: (indent: Int, lines: [String])?
    private var yamlMessageTaken = false
    /// Indentation of the previous test line, and for each open subtest level (deepest last) its
    /// indentation and the failures counted when it began.
    private var lastTestIndent = 0
    private var openLevels: [(indent: Int, failedBefore: Int)] = []

    mutating func consume(_ line: String) {
        guard bailOut == nil else { return }
        let indent = line.prefix { $0 == " " || $0 == "\t" }.count
        let text = line.dropFirst(indent)
        if let open = yamlIndent {
            yamlLine(text, indent: indent, open: open)
            return
        }
        if text == "---" {
            yamlIndent = indent
            yamlMessageTaken = false
            return
        }
        if indent == 0, text.hasPrefix("TAP version ") {
            sawTAP = true
        } else if text.hasPrefix("Bail out!") {
            sawTAP = true
            let reason = text.dropFirst("Bail out!".count).trimmingSpaces
            bailOut = reason
            report.record("Bail out!", .failed, message: reason.isEmpty ? "the suite bailed out" : reason)
        } else if text.hasPrefix("1..") {
            let digits = text.dropFirst(3).prefix { $0.isASCII && $0.isNumber }
            if indent == 0, let count = Int(digits) {
                plan = count
                sawTAP = true
            }
        } else if text.hasPrefix("ok") || text.hasPrefix("not ok") {
            testLine(String(text), indent: indent)
        }
    }

    private mutating func yamlLine(_ text: Substring, indent: Int, open: Int) {
        if var block = blockScalar {
            if indent > block.indent || text.isEmpty {
                if block.lines.joined().count < TestReport.maxTextLength { block.lines.append(String(text)) }
                blockScalar = block
                return
            }
            finishBlockScalar()
        }
        if text == "..." || indent < open {
            yamlIndent = nil
            return
        }
        guard yamlFollowsFailure, !yamlMessageTaken else { return }
        for key in ["message:", "error:"] where text.hasPrefix(key) {
            var value = text.dropFirst(key.count).trimmingSpaces
            if value.hasPrefix("|") || value.hasPrefix(">") {
                blockScalar = (indent, [])
                return
            }
            if value.count >= 2, let first = value.first, first == "'" || first == "\"", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            if !value.isEmpty {
                report.amendLastFailure(message: value)
                yamlMessageTaken = true
            }
            return
        }
    }

    private mutating func finishBlockScalar() {
        guard let block = blockScalar else { return }
        blockScalar = nil
        let message = block.lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if !message.isEmpty {
            report.amendLastFailure(message: message)
            yamlMessageTaken = true
        }
    }

    private mutating func testLine(_ line: String, indent: Int) {
        let failedLine = line.hasPrefix("not ok")
        var rest = Substring(line.dropFirst(failedLine ? 6 : 2))
        // "ok" must be a word of its own: "okay" is not a test line.
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return }
        sawTAP = true
        if indent == 0 { topLevelTests += 1 }
        // A line less indented than the previous test line closes a subtest whose leaves counted.
        let closesSubtest = indent < lastTestIndent
        if indent > lastTestIndent || (openLevels.isEmpty && indent > 0) {
            openLevels.append((indent, report.failed))
        }
        var failuresBefore = report.failed
        while let level = openLevels.last, level.indent > indent {
            failuresBefore = level.failedBefore
            openLevels.removeLast()
        }
        lastTestIndent = indent
        rest = rest.drop { $0 == " " || $0 == "\t" }
        let number = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(number.count).drop { $0 == " " }
        if rest.hasPrefix("-") { rest = rest.dropFirst().drop { $0 == " " } }
        var description = String(rest)
        var directive: (kind: String, reason: String)?
        if let hash = Self.directiveStart(in: rest) {
            description = rest[..<hash].trimmingSpaces
            let text = rest[rest.index(after: hash)...].trimmingSpaces
            let word = text.prefix { !$0.isWhitespace }.uppercased()
            if word.hasPrefix("SKIP") || word == "TODO" {
                directive = (word == "TODO" ? "TODO" : "SKIP",
                             text.drop { !$0.isWhitespace }.trimmingSpaces)
            }
        }
        let name = description.isEmpty ? "test \(number.isEmpty ? String(report.total + 1) : String(number))" : description
        yamlFollowsFailure = false
        if closesSubtest {
            // Counted through its children, unless it failed and none of them did (a hook, a crash).
            if failedLine, directive == nil, report.failed == failuresBefore {
                report.record(name, .failed, message: nil)
                yamlFollowsFailure = true
            }
            return
        }
        if let directive {
            report.record(name, .skipped, message: directive.reason.isEmpty ? directive.kind : "\(directive.kind): \(directive.reason)")
        } else {
            report.record(name, failedLine ? .failed : .passed, message: nil)
            yamlFollowsFailure = failedLine
        }
    }

    /// The `#` that starts a directive: the first one not escaped with a backslash.
    private static func directiveStart(in text: Substring) -> Substring.Index? {
        var previous: Character?
        for index in text.indices {
            if text[index] == "#", previous != "\\" { return index }
            previous = text[index]
        }
        return nil
    }

    func finish() throws(ReportError) -> TestReport {
        guard sawTAP else { throw ReportError("no TAP lines (no plan and no ok / not ok lines)") }
        var parser = self
        parser.finishBlockScalar()
        var result = parser.report
        if bailOut == nil, let plan, plan > topLevelTests {
            result.recordUnrun(plan - topLevelTests, message: "planned \(plan) tests but \(topLevelTests) ran")
        }
        return result
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map { index(after: $0) } ?? start
        return start < end ? String(self[start..<end]) : ""
    }
}

/// Writes a ``TestReport`` as TAP version 14: plan first, one line per kept case, failures with a
/// YAML `message`, skipped cases with `# SKIP`.
public enum TAPReport {
    /// TAP text whose parse gives back the report's counts and kept failures.
    public static func render(_ report: TestReport) -> String {
        var lines = ["TAP version 14", "1..\(report.total)"]
        for (index, item) in report.cases.enumerated() {
            let name = item.name.replacingOccurrences(of: "#", with: "\\#").replacingOccurrences(of: "\n", with: " ")
            switch item.outcome {
            case .passed:
                lines.append("ok \(index + 1) - \(name)")
            case .skipped:
                lines.append("ok \(index + 1) - \(name) # SKIP \(oneLine(item.message ?? ""))")
            case .failed:
                lines.append("not ok \(index + 1) - \(name)")
                lines.append("  ---")
                lines.append("  message: \(quoted(item.message ?? "failed"))")
                lines.append("  ...")
            }
        }
        if report.total > report.cases.count {
            lines.append("# \(report.total - report.cases.count) more cases not kept")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func oneLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: " ")
    }

    /// A YAML double-quoted scalar.
    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 { result += "\\x" + String(scalar.value, radix: 16) } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result + "\""
    }
}
