/// Reads the console output of `swift test`: XCTest's `Test Case '…' passed|failed|skipped` lines
/// with their `error:` lines, and Swift Testing's `✔ Test … passed`, `✘ Test … failed`,
/// `➜ Test … skipped` lines with their `recorded an issue` lines. When only summaries were
/// printed (`Executed N tests, with F failures`, `Test run with N tests … passed|failed … with
/// K issues`), the counts come from them.
struct SwiftTestParser: Sendable {
    private(set) var report = TestReport()
    /// Failure messages seen before their test's result line, by test name (bounded).
    private var pendingMessages: [String: String] = [:]
    private static let maxPendingMessages = 1_000
    private var xctestSummary: (total: Int, failed: Int)?
    private var swiftTestingSummary: (total: Int, failed: Bool)?

    mutating func consume(_ raw: String) {
        let line = raw.contains("\u{1B}") ? Self.withoutEscapes(raw) : raw
        if let range = line.range(of: "Test Case '") {
            xctestCase(line[range.upperBound...])
        } else if line.contains(": error: ") {
            xctestError(line)
        } else if let range = line.range(of: " : Test skipped - ") {
            // `/path/File.swift:6: Class.testName : Test skipped - reason`
            let head = line[..<range.lowerBound]
            let name = head.range(of: ": ", options: .backwards).map { String(head[$0.upperBound...]) } ?? String(head)
            remember(String(line[range.upperBound...]), for: name)
        } else if let range = line.range(of: "Executed "), line.contains(" test") {
            xctestSummaryLine(line[range.upperBound...])
        } else if let range = line.range(of: "Test run with ") {
            swiftTestingSummaryLine(line[range.upperBound...])
        } else if let range = line.range(of: " Test ") {
            swiftTestingCase(line[range.upperBound...])
        }
    }

    /// `-[Module.Class testName]' passed (0.001 seconds).` or `Class.testName' failed (…)`.
    private mutating func xctestCase(_ text: Substring) {
        guard let quote = text.firstIndex(of: "'") else { return }
        var name = String(text[..<quote])
        if name.hasPrefix("-["), name.hasSuffix("]") {
            name = String(name.dropFirst(2).dropLast()).replacingSpaces(with: ".")
        }
        let verdict = text[text.index(after: quote)...]
        if verdict.hasPrefix(" passed") {
            report.record(name, .passed)
        } else if verdict.hasPrefix(" failed") {
            report.record(name, .failed, message: pendingMessages.removeValue(forKey: name) ?? "failed")
        } else if verdict.hasPrefix(" skipped") {
            report.record(name, .skipped, message: pendingMessages.removeValue(forKey: name))
        }
    }

    /// `/path/File.swift:12: error: Class.testName : XCTAssertEqual failed: …`.
    private mutating func xctestError(_ line: String) {
        guard let marker = line.range(of: ": error: ") else { return }
        let rest = line[marker.upperBound...]
        guard let separator = rest.range(of: " : ") else { return }
        var name = String(rest[..<separator.lowerBound])
        if name.hasPrefix("-["), name.hasSuffix("]") {
            name = String(name.dropFirst(2).dropLast()).replacingSpaces(with: ".")
        }
        remember(String(rest[separator.upperBound...]), for: name)
    }

    /// `5 tests, with 1 failure (0 unexpected) in …` or `3 tests, with 1 test skipped and 1 failure …`.
    private mutating func xctestSummaryLine(_ text: Substring) {
        let words = text.split(separator: " ")
        guard words.count >= 2, let total = Int(words[0]), words[1].hasPrefix("test") else { return }
        var failed = 0
        for (index, word) in words.enumerated().dropFirst(2) where word.hasPrefix("failure") {
            failed = Int(words[index - 1]) ?? 0
        }
        // Nested suites print one summary each; the last (the outermost) is the whole run.
        xctestSummary = (total, failed)
    }

    /// `10 tests in 2 suites passed after 0.005 seconds.` or `… failed after … with 2 issues.`
    private mutating func swiftTestingSummaryLine(_ text: Substring) {
        guard let total = Int(text.prefix { $0.isNumber }) else { return }
        swiftTestingSummary = (total, text.contains(" failed after "))
    }

    /// `foo() passed after 0.001 seconds.`, `foo() failed after … with 1 issue.`,
    /// `foo() skipped: "reason"`, `foo() recorded an issue at File.swift:3:5: Expectation failed: …`.
    private mutating func swiftTestingCase(_ text: Substring) {
        if let range = text.range(of: " recorded an issue") {
            let name = String(text[..<range.lowerBound])
            var message = text[range.upperBound...]
            // " at File.swift:3:5: Expectation failed: …" — keep the location with the message.
            if message.hasPrefix(" at ") { message = message.dropFirst(4) }
            remember(String(message), for: name)
        } else if let range = text.range(of: " passed after ") {
            report.record(String(text[..<range.lowerBound]), .passed)
        } else if let range = text.range(of: " failed after ") {
            let name = String(text[..<range.lowerBound])
            report.record(name, .failed, message: pendingMessages.removeValue(forKey: name) ?? "failed")
        } else if let range = text.range(of: " skipped") {
            let name = String(text[..<range.lowerBound])
            var reason = text[range.upperBound...].trimmingSpaces
            if reason.hasPrefix(":") { reason = String(reason.dropFirst()).trimmingSpaces }
            if reason.hasSuffix(".") { reason = String(reason.dropLast()) }
            report.record(name, .skipped, message: reason.isEmpty ? nil : reason)
        }
    }

    private mutating func remember(_ message: String, for name: String) {
        if let earlier = pendingMessages[name] {
            pendingMessages[name] = TestReport.bounded(earlier + "\n" + message)
        } else if pendingMessages.count < Self.maxPendingMessages {
            pendingMessages[name] = TestReport.bounded(message)
        }
    }

    func finish() throws(ReportError) -> TestReport {
        if report.total > 0 { return report }
        guard xctestSummary != nil || swiftTestingSummary != nil else {
            throw ReportError("no swift test results (no test case lines and no summary)")
        }
        var summary = TestReport()
        let xcFailed = xctestSummary?.failed ?? 0
        let xcTotal = xctestSummary?.total ?? 0
        // Swift Testing's summary gives no failed count, only whether any test failed.
        let stTotal = swiftTestingSummary?.total ?? 0
        let stFailed = swiftTestingSummary?.failed == true ? 1 : 0
        summary.setSummary(passed: xcTotal - xcFailed + stTotal - stFailed, failed: xcFailed + stFailed, skipped: 0)
        return summary
    }

    /// `line` without ANSI escape sequences (`ESC [ … letter`).
    static func withoutEscapes(_ line: String) -> String {
        var result = ""
        var inEscape = false
        var afterEscape = false
        for character in line {
            if afterEscape {
                afterEscape = false
                inEscape = character == "["
                continue
            }
            if character == "\u{1B}" { afterEscape = true; continue }
            if inEscape {
                if character.isLetter { inEscape = false }
                continue
            }
            result.append(character)
        }
        return result
    }
}

private extension String {
    /// `Module.Class testName` → `Module.Class.testName`.
    func replacingSpaces(with separator: Character) -> String {
        String(map { $0 == " " ? separator : $0 })
    }
}
