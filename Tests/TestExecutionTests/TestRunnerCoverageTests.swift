import Testing
@testable import TestExecution

/// Coverage parsers on samples shaped like the real tools' output, and on broken ones.
@Suite struct TestRunnerCoverageTests {
    func parse(_ format: CoverageFormat, _ text: String) throws -> Coverage {
        try format.parse(Array(text.utf8))
    }

    @Test func lcovSumsRecordSummaries() throws {
        // genhtml / c8 style: two files with summaries.
        let text = """
            TN:
            SF:/src/sales.js
            FN:1,total
            FNDA:3,total
            FNF:2
            FNH:1
            DA:1,3
            DA:2,0
            LF:4
            LH:3
            BRDA:2,0,0,1
            BRDA:2,0,1,-
            BRF:2
            BRH:1
            end_of_record
            SF:/src/stock.js
            FNF:2
            FNH:2
            LF:6
            LH:6
            BRF:2
            BRH:2
            end_of_record
            """
        let coverage = try parse(.lcov, text)
        #expect(coverage == Coverage(lines: 90, functions: 75, branches: 75))
    }

    @Test func lcovCountsEntriesWhenSummariesAreMissing() throws {
        let text = "SF:a.c\nFNDA:0,f\nFNDA:2,g\nDA:1,1\nDA:2,0\nDA:3,5\nBRDA:1,0,0,-\nBRDA:1,0,1,4\nend_of_record\n"
        let coverage = try parse(.lcov, text)
        #expect(coverage == Coverage(lines: 66.67, functions: 50, branches: 50))
        #expect(throws: ReportError.self) { try parse(.lcov, "hello\n") }
        #expect(throws: ReportError.self) { try parse(.lcov, "SF:a\nLF:many\nend_of_record\n") }
    }

    @Test func llvmCovExportTotals() throws {
        let text = """
            {"data":[{"files":[],"totals":{"branches":{"count":10,"covered":4,"notcovered":6,"percent":40},
             "functions":{"count":8,"covered":6,"percent":75},"instantiations":{"count":8,"covered":6,"percent":75},
             "lines":{"count":200,"covered":150,"percent":75},"regions":{"count":50,"covered":40,"percent":80}}}],
             "type":"llvm.coverage.json.export","version":"2.0.1"}
            """
        #expect(try parse(.llvmCov, text) == Coverage(lines: 75, functions: 75, branches: 40))
        #expect(throws: ReportError.self) { try parse(.llvmCov, #"{"type":"llvm.coverage.json.export"}"#) }
        #expect(throws: ReportError.self) { try parse(.llvmCov, #"{"data":[{"totals""#) }
    }

    @Test func coberturaRootCountsAndMethods() throws {
        // coverage.py / gcovr style.
        let text = """
            <?xml version="1.0" ?>
            <!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">
            <coverage branch-rate="0.5" branches-covered="2" branches-valid="4" line-rate="0.8" lines-covered="8"
                      lines-valid="10" timestamp="1749465000" version="7.2">
              <packages><package name="sales"><classes><class name="totals.py" filename="totals.py">
                <methods>
                  <method name="add" signature="()"><lines><line number="1" hits="3"/></lines></method>
                  <method name="unused" signature="()"><lines><line number="5" hits="0"/></lines></method>
                  <method name="rated" signature="()" line-rate="1.0"/>
                </methods>
                <lines><line number="1" hits="3"/></lines>
              </class></classes></package></packages>
            </coverage>
            """
        #expect(try parse(.cobertura, text) == Coverage(lines: 80, functions: 66.67, branches: 50))
        let ratesOnly = try parse(.cobertura, #"<coverage line-rate="0.123" branch-rate="1"></coverage>"#)
        #expect(ratesOnly == Coverage(lines: 12.3, functions: 100, branches: 100))
        #expect(throws: ReportError.self) { try parse(.cobertura, "<coverage line-rate=\"0.5\"><packages>") }
        #expect(throws: ReportError.self) { try parse(.cobertura, "<report/>") }
    }

    @Test func istanbulSummaryTotal() throws {
        let text = """
            {"total": {"lines":{"total":120,"covered":90,"skipped":0,"pct":75},
                       "statements":{"total":130,"covered":95,"skipped":0,"pct":73.07},
                       "functions":{"total":0,"covered":0,"skipped":0,"pct":100},
                       "branches":{"total":40,"covered":10,"skipped":0,"pct":25}},
             "/app/sales.js": {"lines":{"total":120,"covered":90,"skipped":0,"pct":75}}}
            """
        #expect(try parse(.istanbul, text) == Coverage(lines: 75, functions: 100, branches: 25))
        #expect(throws: ReportError.self) { try parse(.istanbul, "{}") }
        #expect(throws: ReportError.self) { try parse(.istanbul, "{\"total\":") }
    }
}
