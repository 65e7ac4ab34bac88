import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Reads and writes JUnit XML: `<testsuites>` or a lone `<testsuite>`, suites nested to any depth,
/// `<testcase>` with `<failure>`, `<error>` (counted as failed) or `<skipped>` (which wins over a
/// failure in the same case). Parsing streams
/// (SAX, `XMLParser`) without resolving external entities; a document that is not well-formed XML
/// or has no JUnit root is a ``ReportError``, never a crash.
public enum JUnitReport {
    /// The report in `bytes`, or a ``ReportError`` saying why there is none.
    public static func parse(_ bytes: [UInt8]) throws(ReportError) -> TestReport {
        let reader = Reader()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        let parsed = parser.parse()
        if !parsed {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "unknown error"
            throw ReportError("malformed JUnit XML at line \(parser.lineNumber): \(reason)")
        }
        guard reader.openElements == 0 else { throw ReportError("malformed JUnit XML: the document is cut off") }
        guard reader.sawRoot else { throw ReportError("not a JUnit report: no <testsuites> or <testsuite> root") }
        return reader.report
    }

    /// The report as JUnit XML: one `<testsuite>` per suite name, in order of first appearance.
    public static func render(_ report: TestReport, name: String) -> String {
        let root = XMLElement(name: "testsuites")
        add(["name": name, "tests": "\(report.total)", "failures": "\(report.failed)", "errors": "0",
             "skipped": "\(report.skipped)"], to: root)
        var suites: [String: XMLElement] = [:]
        var order: [String] = []
        for item in report.cases {
            let suiteName = item.suite ?? name
            let suite = suites[suiteName] ?? {
                let element = XMLElement(name: "testsuite")
                add(["name": suiteName], to: element)
                suites[suiteName] = element
                order.append(suiteName)
                return element
            }()
            let testcase = XMLElement(name: "testcase")
            add(["name": item.name], to: testcase)
            switch item.outcome {
            case .passed: break
            case .failed:
                let failure = XMLElement(name: "failure", stringValue: item.message ?? "")
                add(["message": item.message ?? "failed"], to: failure)
                testcase.addChild(failure)
            case .skipped:
                let skipped = XMLElement(name: "skipped")
                if let message = item.message { add(["message": message], to: skipped) }
                testcase.addChild(skipped)
            }
            suite.addChild(testcase)
        }
        for suiteName in order {
            guard let suite = suites[suiteName] else { continue }
            let cases = suite.children?.compactMap { $0 as? XMLElement } ?? []
            add(["tests": "\(cases.count)",
                 "failures": "\(cases.filter { $0.elements(forName: "failure").count > 0 }.count)",
                 "skipped": "\(cases.filter { $0.elements(forName: "skipped").count > 0 }.count)"], to: suite)
            root.addChild(suite)
        }
        if report.total > report.cases.count {
            root.addChild(XMLNode.comment(withStringValue: " \(report.total - report.cases.count) more cases not kept ") as! XMLNode)
        }
        let document = XMLDocument(rootElement: root)
        document.characterEncoding = "UTF-8"
        document.version = "1.0"
        return document.xmlString(options: [.nodePrettyPrint])
    }

    private static func add(_ attributes: KeyValuePairs<String, String>, to element: XMLElement) {
        for (key, value) in attributes {
            element.addAttribute(XMLNode.attribute(withName: key, stringValue: value) as! XMLNode)
        }
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var report = TestReport()
        var sawRoot = false
        /// Elements started and not yet ended: not 0 at the end means the document was cut off
        /// (XMLParser on Linux accepts a truncated document).
        var openElements = 0
        private var suites: [String] = []
        private var current: (name: String, outcome: TestReport.Outcome, message: String?, text: String)?
        private var collectingText = false

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes: [String: String] = [:]) {
            openElements += 1
            switch elementName {
            case "testsuites":
                sawRoot = true
            case "testsuite":
                sawRoot = true
                suites.append(attributes["name"] ?? "")
            case "testcase" where sawRoot:
                let name = attributes["name"] ?? "unnamed"
                let fullName = attributes["classname"].map { $0.isEmpty ? name : "\($0).\(name)" } ?? name
                current = (fullName, .passed, nil, "")
            case "failure", "error":
                // A skipped test stays skipped (node marks a failing `todo` test with both).
                guard current != nil, current?.outcome != .skipped else { return }
                current?.outcome = .failed
                let message = attributes["message"] ?? attributes["type"]
                let earlier = current?.message
                current?.message = [earlier, message].compactMap { $0 }.joined(separator: "\n")
                collectingText = true
            case "skipped":
                guard current != nil else { return }
                current?.outcome = .skipped
                current?.message = attributes["message"]
                current?.text = ""
                collectingText = false
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard collectingText, let text = current?.text, text.count < TestReport.maxTextLength else { return }
            current?.text = text + string
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            self.parser(parser, foundCharacters: String(decoding: CDATABlock, as: UTF8.self))
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            openElements -= 1
            switch elementName {
            case "failure", "error":
                collectingText = false
            case "testcase":
                guard let item = current else { return }
                var message = item.message
                let text = item.text.trimmingCharacters(in: .whitespacesAndNewlines)
                if item.outcome == .failed {
                    if message?.isEmpty ?? true { message = text.isEmpty ? "failed" : text }
                    else if !text.isEmpty, text != message { message = (message ?? "") + "\n" + text }
                }
                let suite = suites.last.flatMap { $0.isEmpty ? nil : $0 }
                report.record(item.name, item.outcome, message: message, suite: suite)
                current = nil
            case "testsuite":
                _ = suites.popLast()
            default:
                break
            }
        }
    }
}
