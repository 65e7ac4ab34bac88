import JSONRPC

/// Reads jest's `--json` output: every `assertionResults` entry of every `testResults` file
/// (`passed`; `failed` with its `failureMessages`; `pending`, `skipped`, `todo`, `disabled` as
/// skipped), and a test file that failed to run at all (no assertions, a `message`) as one failure.
public enum JestReport {
    /// The report in `bytes`, or a ``ReportError`` saying why there is none.
    public static func parse(_ bytes: [UInt8]) throws(ReportError) -> TestReport {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw ReportError("malformed jest JSON: \(error)")
        }
        guard let files = document["testResults"]?.arrayValue else {
            throw ReportError("not a jest --json report: no testResults array")
        }
        var report = TestReport()
        for file in files {
            let fileName = file["name"]?.stringValue ?? file["testFilePath"]?.stringValue
            let assertions = file["assertionResults"]?.arrayValue ?? []
            if assertions.isEmpty, file["status"]?.stringValue == "failed" {
                let message = file["message"]?.stringValue ?? file["failureMessage"]?.stringValue ?? "test file failed to run"
                report.record(fileName ?? "test file", .failed, message: message, suite: fileName)
                continue
            }
            for assertion in assertions {
                let name = assertion["fullName"]?.stringValue ?? assertion["title"]?.stringValue ?? "unnamed"
                switch assertion["status"]?.stringValue {
                case "passed"?:
                    report.record(name, .passed, suite: fileName)
                case "failed"?:
                    let messages = assertion["failureMessages"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    report.record(name, .failed, message: messages.isEmpty ? "failed" : messages.joined(separator: "\n"),
                                  suite: fileName)
                default:
                    report.record(name, .skipped, message: assertion["status"]?.stringValue, suite: fileName)
                }
            }
        }
        if report.total == 0, let total = document["numTotalTests"]?.integerValue, total > 0 {
            // A report with counts but no per-test entries: trust the counts.
            let failed = Int(document["numFailedTests"]?.integerValue ?? 0)
            let skipped = Int((document["numPendingTests"]?.integerValue ?? 0) + (document["numTodoTests"]?.integerValue ?? 0))
            report.setSummary(passed: max(0, Int(total) - failed - skipped), failed: failed, skipped: skipped)
        }
        return report
    }
}
