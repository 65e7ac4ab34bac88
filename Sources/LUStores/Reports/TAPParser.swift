import Foundation

/// Reads TAP 13 and 14 (Test Anything Protocol) line by line.
///
/// What it understands: the version line, the plan (`1..N`, before or after the tests, with
/// `# SKIP reason` for a skipped file), `ok` / `not ok` lines with optional numbers, descriptions
/// and `# SKIP` / `# TODO` directives, YAML diagnostic blocks (their `message:` joins the failure's
/// message), `Bail out!`, and comments. Indented lines other than YAML (TAP 14 subtests) are left to
/// their summary test line. Decisions: a `# TODO` test counts as skipped whatever its result (TAP
/// says a TODO failure is not a failure); tests the plan promised but that never ran count as
/// failed, with one failure saying how many; a bail-out is a failure carrying its reason.
struct TAPParser: Sendable {
    private(set) var report = TestReport()
    private var plan: Int?
    private var sawTAP = false
    private var bailOut: String?
    private var inYAML = false
    private var yamlFollowsFailure = false

    mutating func consume(_ line: String) {
        guard bailOut == nil else { return }
        if inYAML {
            let trimmed = line.trimmingSpaces
            if trimmed == "..." {
                inYAML = false
            } else if yamlFollowsFailure, trimmed.hasPrefix("message:") {
                var message = trimmed.dropFirst("message:".count).trimmingSpaces
                if message.count >= 2, let first = message.first, first == "'" || first == "\"", message.last == first {
                    message = String(message.dropFirst().dropLast())
                }
                if !message.isEmpty { report.amendLastFailure(message: message) }
            }
            return
        }
        if line.first == " " || line.first == "\t" {
            if line.trimmingSpaces == "---" { inYAML = true }
            return
        }
        if line.hasPrefix("TAP version ") {
            sawTAP = true
        } else if line.hasPrefix("Bail out!") {
            sawTAP = true
            let reason = line.dropFirst("Bail out!".count).trimmingSpaces
            bailOut = reason
            report.record("Bail out!", .failed, message: reason.isEmpty ? "the suite bailed out" : reason)
        } else if line.hasPrefix("1..") {
            let body = line.dropFirst(3)
            let digits = body.prefix { $0.isASCII && $0.isNumber }
            if let count = Int(digits) {
                plan = count
                sawTAP = true
            }
        } else if line.hasPrefix("ok") || line.hasPrefix("not ok") {
            testLine(line)
        }
    }

    private mutating func testLine(_ line: String) {
        let failedLine = line.hasPrefix("not ok")
        var rest = Substring(line.dropFirst(failedLine ? 6 : 2))
        // "ok" must be a word of its own: "okay" is not a test line.
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return }
        sawTAP = true
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
        if let directive {
            report.record(name, .skipped, message: directive.reason.isEmpty ? directive.kind : "\(directive.kind): \(directive.reason)")
            yamlFollowsFailure = false
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
        var result = report
        if bailOut == nil, let plan, plan > result.total {
            let ran = result.total
            result.recordUnrun(plan - ran, message: "planned \(plan) tests but \(ran) ran")
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
