import Testing
@testable import TestExecution

/// Report parsers on samples shaped like the real tools' output, and on broken ones.
@Suite struct TestRunnerReportTests {
    func parse(_ format: ReportFormat, _ text: String) throws -> TestReport {
        try format.parse(Array(text.utf8))
    }

    // MARK: JUnit

    /// Maven Surefire / pytest style: nested suites, a failure with text, an error, a skip.
    static let junit = """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites name="all" tests="6" failures="1" errors="1" skipped="1" time="1.2">
          <testsuite name="outer" tests="6">
            <testsuite name="inner.SalesTests" tests="3" failures="1">
              <testcase classname="inner.SalesTests" name="testTotals" time="0.01"/>
              <testcase classname="inner.SalesTests" name="testVAT" time="0.02">
                <failure message="expected 240 but was 241" type="AssertionError"><![CDATA[at SalesTests.java:42
        expected 240 but was 241]]></failure>
              </testcase>
              <testcase classname="inner.SalesTests" name="testRefund"><skipped message="not yet"/></testcase>
            </testsuite>
            <testcase classname="outer" name="testBoot"><error message="NullPointerException" type="java.lang.NPE">trace</error></testcase>
            <testcase name="test &amp; escape"/>
            <testcase classname="" name="plain"><system-out>ok</system-out></testcase>
          </testsuite>
        </testsuites>
        """

    @Test func junitCountsNestedSuitesFailuresErrorsAndSkips() throws {
        let report = try parse(.junit, Self.junit)
        #expect((report.total, report.passed, report.failed, report.skipped) == (6, 3, 2, 1))
        #expect(report.failures.map(\.name) == ["inner.SalesTests.testVAT", "outer.testBoot"])
        #expect(report.failures[0].message?.contains("expected 240 but was 241") == true)
        #expect(report.failures[0].message?.contains("SalesTests.java:42") == true)
        #expect(report.failures[0].suite == "inner.SalesTests")
        #expect(report.failures[1].message?.hasPrefix("NullPointerException") == true)
        #expect(report.cases.contains { $0.name == "test & escape" && $0.outcome == .passed })
        #expect(report.cases.first { $0.name.hasSuffix("testRefund") }?.message == "not yet")
    }

    @Test func junitLoneTestsuiteRoot() throws {
        let report = try parse(.junit, #"<testsuite name="x"><testcase name="a"/><testcase name="b"><failure/></testcase></testsuite>"#)
        #expect((report.total, report.failed) == (2, 1))
        #expect(report.failures.first?.message == "failed")
    }

    @Test(arguments: [
        "<testsuites><testsuite name=\"x\"><testcase name=\"a\">",          // cut off
        "<testsuites><testcase name=\"a\"></testsuite></testsuites>",       // mismatched
        "not xml at all",
        "<html><body>500 Internal Server Error</body></html>",             // XML, not JUnit
        "",
    ])
    func junitMalformedIsAnErrorNotACrash(_ text: String) {
        #expect(throws: ReportError.self) { try parse(.junit, text) }
    }

    @Test func junitRendersAndReadsBack() throws {
        let report = try parse(.junit, Self.junit)
        let xml = JUnitReport.render(report, name: "unit")
        #expect(xml.contains("<testsuites"))
        let again = try parse(.junit, xml)
        #expect((again.total, again.passed, again.failed, again.skipped) == (6, 3, 2, 1))
        #expect(again.failures.map(\.name) == report.failures.map(\.name))
    }

    // MARK: TAP

    /// node-tap / prove style TAP 13 with YAML diagnostics, directives and a trailing plan.
    static let tap13 = """
        TAP version 13
        # Subtest: totals
        ok 1 - sale totals equal lines
        not ok 2 - VAT is 20%
          ---
          message: 'expected 240, got 241'
          severity: fail
          at:
            file: test/vat.js
          ...
        ok 3 - refunds # SKIP no refunds in fixture
        not ok 4 - unicode £ names # TODO not implemented
        ok 5 # skip
        ok - unnumbered
        # tests 6
        1..6
        """

    @Test func tap13CountsDirectivesAndYAML() throws {
        let report = try parse(.tap, Self.tap13)
        #expect((report.total, report.passed, report.failed, report.skipped) == (6, 2, 1, 3))
        #expect(report.failures.first?.name == "VAT is 20%")
        #expect(report.failures.first?.message == "expected 240, got 241")
        #expect(report.cases[2].message == "SKIP: no refunds in fixture")
        #expect(report.cases[3].message == "TODO: not implemented")
    }

    @Test func tap14SubtestsCountOnlyTheirSummaryLine() throws {
        let text = """
            TAP version 14
            1..2
            # Subtest: group
                1..2
                ok 1 - inner a
                not ok 2 - inner b
            not ok 1 - group
            ok 2 - other
            """
        let report = try parse(.tap, text)
        #expect((report.total, report.passed, report.failed) == (3, 2, 1))
        #expect(report.failures.map(\.name) == ["inner b"])

        // A subtest that fails although all its children passed (a failing hook) is a failure.
        let hook = try parse(.tap, "1..1\n    ok 1 - a\n    ok 2 - b\nnot ok 1 - group\n  ---\n  message: after hook threw\n  ...\n")
        #expect((hook.total, hook.passed, hook.failed) == (3, 2, 1))
        #expect(hook.failures.first?.message == "after hook threw")
    }

    @Test func tapMissingPlannedTestsAndBailOutAreFailures() throws {
        let short = try parse(.tap, "1..5\nok 1\nok 2\n")
        #expect((short.total, short.passed, short.failed) == (5, 2, 3))
        #expect(short.failures.first?.message == "planned 5 tests but 2 ran")

        let bailed = try parse(.tap, "TAP version 13\n1..3\nok 1 - a\nBail out! database gone\nok 2 - ignored\n")
        #expect((bailed.total, bailed.passed, bailed.failed) == (2, 1, 1))
        #expect(bailed.failures.first?.message == "database gone")

        let huge = try parse(.tap, "1..1000000000000\n")
        #expect(huge.total == 1_000_000_000_000 && huge.failures.count == 1)
    }

    @Test func tapSkippedFileAndGarbage() throws {
        let skipped = try parse(.tap, "1..0 # SKIP no database\n")
        #expect(skipped.total == 0)
        #expect(throws: ReportError.self) { try parse(.tap, "okay then\nnothing here\n") }
        #expect(throws: ReportError.self) { try parse(.tap, "") }
    }

    @Test func tapRendersAndReadsBack() throws {
        let report = try parse(.tap, Self.tap13)
        let again = try parse(.tap, TAPReport.render(report))
        #expect((again.total, again.passed, again.failed, again.skipped) == (6, 2, 1, 3))
        #expect(again.failures.first?.message == "expected 240, got 241")
    }

    // MARK: swift test

    static let swiftTest = """
        [1/1] Planning build
        Test Suite 'All tests' started at 2025-06-09 10:30:00.000
        Test Suite 'SalesTests' started at 2025-06-09 10:30:00.001
        Test Case 'SalesTests.testTotals' started at 2025-06-09 10:30:00.002
        Test Case 'SalesTests.testTotals' passed (0.001 seconds)
        Test Case 'SalesTests.testVAT' started at 2025-06-09 10:30:00.003
        /src/Tests/SalesTests.swift:12: error: SalesTests.testVAT : XCTAssertEqual failed: ("240") is not equal to ("241")
        Test Case 'SalesTests.testVAT' failed (0.002 seconds)
        Test Case '-[AppTests.Legacy testOld]' started.
        /src/Tests/Legacy.swift:3: error: -[AppTests.Legacy testOld] : failed - boom
        Test Case '-[AppTests.Legacy testOld]' failed (0.001 seconds).
        Test Case 'SalesTests.testLater' skipped (0.000 seconds)
        \t Executed 4 tests, with 2 failures (0 unexpected) in 0.004 (0.004) seconds
        ◇ Test run started.
        ↳ Testing Library Version: 6.3.1
        ◇ Suite InventoryTests started.
        ◇ Test stockIsNeverNegative() started.
        ✔ Test stockIsNeverNegative() passed after 0.001 seconds.
        ✘ Test "Low stock flag" recorded an issue at InventoryTests.swift:20:9: Expectation failed: (item.lowStock → false) == true
        ✘ Test "Low stock flag" failed after 0.002 seconds with 1 issue.
        ➜ Test importsLargeFiles() skipped: "slow"
        ✘ Suite InventoryTests failed after 0.003 seconds with 1 issue.
        ✘ Test run with 3 tests in 1 suite failed after 0.003 seconds with 1 issue.
        """

    @Test func swiftTestReadsXCTestAndSwiftTesting() throws {
        let report = try parse(.swiftTest, Self.swiftTest)
        #expect((report.total, report.passed, report.failed, report.skipped) == (7, 2, 3, 2))
        #expect(report.failures.map(\.name) == ["SalesTests.testVAT", "AppTests.Legacy.testOld", "\"Low stock flag\""])
        #expect(report.failures[0].message?.contains("XCTAssertEqual failed") == true)
        #expect(report.failures[1].message == "failed - boom")
        #expect(report.failures[2].message?.contains("Expectation failed") == true)
        #expect(report.cases.last?.message == "\"slow\"")
    }

    @Test func swiftTestFallsBackToSummariesAndStripsColour() throws {
        let summary = try parse(.swiftTest, "\t Executed 10 tests, with 3 failures (0 unexpected) in 1.0 (1.0) seconds\n")
        #expect((summary.total, summary.failed) == (10, 3))
        let coloured = try parse(.swiftTest, "\u{1B}[1;32m✔\u{1B}[0m Test ok() passed after 0.001 seconds.\n")
        #expect(coloured.passed == 1 && coloured.cases.first?.name == "ok()")
        #expect(throws: ReportError.self) { try parse(.swiftTest, "error: compile failed\n") }
    }

    // MARK: jest

    static let jest = """
        {"numFailedTestSuites":1,"numFailedTests":1,"numPassedTests":2,"numPendingTests":1,"numTodoTests":1,
         "numTotalTests":5,"success":false,"testResults":[
          {"name":"/app/sales.test.js","status":"failed","message":"","assertionResults":[
            {"ancestorTitles":["sales"],"fullName":"sales totals add up","status":"passed","title":"totals add up","failureMessages":[]},
            {"ancestorTitles":["sales"],"fullName":"sales VAT","status":"failed","title":"VAT","failureMessages":["Error: expect(received).toBe(expected)\\n\\nExpected: 240\\nReceived: 241"]},
            {"fullName":"sales refund","status":"pending","title":"refund","failureMessages":[]},
            {"fullName":"sales later","status":"todo","title":"later","failureMessages":[]}]},
          {"name":"/app/stock.test.js","status":"passed","assertionResults":[
            {"fullName":"stock ok","status":"passed","title":"ok","failureMessages":[]}]},
          {"name":"/app/broken.test.js","status":"failed","message":"SyntaxError: Unexpected token","assertionResults":[]}
        ]}
        """

    @Test func jestReadsAssertionsAndFilesThatFailedToRun() throws {
        let report = try parse(.jest, Self.jest)
        #expect((report.total, report.passed, report.failed, report.skipped) == (6, 2, 2, 2))
        #expect(report.failures.map(\.name) == ["sales VAT", "/app/broken.test.js"])
        #expect(report.failures[0].message?.contains("Received: 241") == true)
        #expect(report.failures[1].message == "SyntaxError: Unexpected token")
        #expect(throws: ReportError.self) { try parse(.jest, "{\"numTotalTests\": 3") }
        #expect(throws: ReportError.self) { try parse(.jest, "{\"results\": []}") }
    }

    // MARK: limits

    @Test func keepsFiftyFailuresAndBoundedMessages() throws {
        var text = "1..200\n"
        for index in 1...200 { text += "not ok \(index) - case \(index) " + String(repeating: "x", count: 5000) + "\n" }
        let report = try parse(.tap, text)
        #expect(report.failed == 200 && report.failures.count == TestReport.maxFailures)
        #expect(report.failures.allSatisfy { $0.name.count <= TestReport.maxTextLength })
    }
}
