import JSONRPC

/// `test --junit FILE`: a `get_test_result` answer as JUnit XML, the form CI servers show test
/// results in. A completed run with the server's normalised JUnit report (`results.report`, asked
/// for with `reporter: junit`) is written as that report: every test case by name. Otherwise the
/// file is made from the result: `testsuites` holding one `testsuite` (named after the test type)
/// with the counts of the run and a `testcase` with a `failure` (its message) for each failure the
/// result lists; a run that did not complete (failed, timed out, cut off) adds a `testcase` with an
/// `error` giving its reason, so CI marks it red.
enum JUnitResultFile {
    /// The XML document for `result`.
    static func xml(_ result: JSONValue) -> String {
        if result["status"] == "completed", result["results"]?["report"]?["format"] == "junit",
           let content = result["results"]?["report"]?["content"]?.stringValue {
            return content.hasSuffix("\n") ? content : content + "\n"
        }
        return made(from: result)
    }

    /// The document made from the counts and failures of `result`.
    static func made(from result: JSONValue) -> String {
        let type = result["test_type"]?.stringValue ?? "tests"
        let status = result["status"]?.stringValue ?? "unknown"
        let results = result["results"]
        let total = results?["total_tests"]?.integerValue ?? 0
        let failed = results?["failed"]?.integerValue ?? 0
        let skipped = results?["skipped"]?.integerValue ?? 0
        let duration = results?["duration"]?.doubleValue ?? 0
        let failures = results?["failures"]?.arrayValue ?? []
        let errors = status == "completed" ? 0 : 1
        let time = CheckCommand.number(duration)
        var counts = "tests=\"\(total + Int64(errors))\" failures=\"\(failed)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(time)\""
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                     "<testsuites name=\"lustores-mcp\" \(counts)>"]
        if let started = result["started_at"]?.stringValue {
            counts += " timestamp=\"\(escape(String(started.dropLast(started.hasSuffix("Z") ? 1 : 0))))\""
        }
        lines.append("  <testsuite name=\"\(escape(type))\" \(counts)>")
        lines.append("    <properties>")
        for key in ["execution_id", "status"] {
            if let value = result[key]?.stringValue {
                lines.append("      <property name=\"\(key)\" value=\"\(escape(value))\"/>")
            }
        }
        lines.append("    </properties>")
        for failure in failures {
            let name = failure["name"]?.stringValue ?? "unnamed test"
            let message = failure["message"]?.stringValue ?? ""
            lines.append("    <testcase classname=\"\(escape(type))\" name=\"\(escape(name))\">")
            lines.append("      <failure message=\"\(escape(firstLine(message)))\" type=\"failure\">\(escape(message))</failure>")
            lines.append("    </testcase>")
        }
        let unlisted = Int(failed) - failures.count
        if unlisted > 0 {
            lines.append("    <testcase classname=\"\(escape(type))\" name=\"\(unlisted) more failed tests\">")
            lines.append("      <failure message=\"the result lists the first \(failures.count) failures only\" type=\"failure\"/>")
            lines.append("    </testcase>")
        }
        if errors > 0 {
            let reason = result["reason"]?.stringValue ?? "the run ended \(status)"
            lines.append("    <testcase classname=\"\(escape(type))\" name=\"\(escape(type)) run\">")
            lines.append("      <error message=\"\(escape(firstLine(reason)))\" type=\"\(escape(status))\">\(escape(reason))</error>")
            lines.append("    </testcase>")
        }
        lines.append("  </testsuite>")
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", maxSplits: 1).first ?? "")
    }

    /// Text safe in an XML attribute or element: the five markup characters as entities, and the
    /// characters XML 1.0 forbids (control characters other than tab and line ends) dropped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += "&#\(scalar.value);"
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
