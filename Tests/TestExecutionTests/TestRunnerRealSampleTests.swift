import Testing
@testable import TestExecution

/// Reports produced by the real tools (node 20's test runner, `swift test` 6.3 with XCTest and
/// Swift Testing), captured verbatim, read with the counts the tools themselves print.
@Suite struct TestRunnerRealSampleTests {
    /// `node --test --test-reporter=tap`: nested subtests, YAML with block scalars, SKIP and TODO.
    /// node's own summary: tests 5, pass 2, fail 1, skipped 1, todo 1.
    static let nodeTAP = #"""
        TAP version 13
        # Subtest: sales
            # Subtest: totals add up
            ok 1 - totals add up
              ---
              duration_ms: 0.452134
              ...
            # Subtest: VAT is 20%
            not ok 2 - VAT is 20%
              ---
              duration_ms: 0.83181
              location: '/tmp/issue4-node/sales.test.mjs:6:3'
              failureType: 'testCodeFailure'
              error: |-
                Expected values to be strictly equal:
                
                251 !== 250
                
              code: 'ERR_ASSERTION'
              name: 'AssertionError'
              expected: 250
              actual: 251
              operator: 'strictEqual'
              stack: |-
                TestContext.<anonymous> (file:///tmp/issue4-node/sales.test.mjs:6:37)
                Test.runInAsyncScope (node:async_hooks:206:9)
                Test.run (node:internal/test_runner/test:796:25)
                Suite.processPendingSubtests (node:internal/test_runner/test:526:18)
                Test.postRun (node:internal/test_runner/test:889:19)
                Test.run (node:internal/test_runner/test:835:12)
                async Promise.all (index 0)
                async Suite.run (node:internal/test_runner/test:1135:7)
                async Test.processPendingSubtests (node:internal/test_runner/test:526:7)
              ...
            # Subtest: refunds
            ok 3 - refunds # SKIP not in fixture
              ---
              duration_ms: 0.081862
              ...
            # Subtest: future feature
            not ok 4 - future feature # TODO later
              ---
              duration_ms: 0.124336
              location: '/tmp/issue4-node/sales.test.mjs:8:3'
              failureType: 'testCodeFailure'
              error: 'nope'
              code: 'ERR_ASSERTION'
              name: 'AssertionError'
              operator: 'fail'
              stack: |-
                TestContext.<anonymous> (file:///tmp/issue4-node/sales.test.mjs:8:60)
                Test.runInAsyncScope (node:async_hooks:206:9)
                Test.run (node:internal/test_runner/test:796:25)
                Suite.processPendingSubtests (node:internal/test_runner/test:526:18)
                Test.postRun (node:internal/test_runner/test:889:19)
                Test.run (node:internal/test_runner/test:835:12)
                async Suite.processPendingSubtests (node:internal/test_runner/test:526:7)
              ...
            1..4
        not ok 1 - sales
          ---
          duration_ms: 2.248103
          type: 'suite'
          location: '/tmp/issue4-node/sales.test.mjs:4:1'
          failureType: 'subtestsFailed'
          error: '1 subtest failed'
          code: 'ERR_TEST_FAILURE'
          ...
        # Subtest: stock is never negative
        ok 2 - stock is never negative
          ---
          duration_ms: 0.098437
          ...
        1..2
        # tests 5
        # suites 1
        # pass 2
        # fail 1
        # cancelled 0
        # skipped 1
        # todo 1
        # duration_ms 82.108734
        """#

    /// `node --test --test-reporter=junit` on the same file (a todo test carries both skipped and failure).
    static let nodeJUnit = #"""
        <?xml version="1.0" encoding="utf-8"?>
        <testsuites>
        	<testsuite name="sales" time="0.003910" disabled="0" errors="0" tests="4" failures="2" skipped="2" hostname="vm">
        		<testcase name="totals add up" time="0.000856" classname="test"/>
        		<testcase name="VAT is 20%" time="0.001282" classname="test" failure="Expected values to be strictly equal:251 !== 250">
        			<failure type="testCodeFailure" message="Expected values to be strictly equal:251 !== 250">
        Error [ERR_TEST_FAILURE]: Expected values to be strictly equal:

        251 !== 250

            at async Promise.all (index 0) {
          code: 'ERR_TEST_FAILURE',
          failureType: 'testCodeFailure',
          cause: AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:
          
          251 !== 250
          
              at TestContext.&lt;anonymous> (file:///tmp/issue4-node/sales.test.mjs:6:37)
              at Test.runInAsyncScope (node:async_hooks:206:9)
              at Test.run (node:internal/test_runner/test:796:25)
              at Suite.processPendingSubtests (node:internal/test_runner/test:526:18)
              at Test.postRun (node:internal/test_runner/test:889:19)
              at Test.run (node:internal/test_runner/test:835:12)
              at async Promise.all (index 0)
              at async Suite.run (node:internal/test_runner/test:1135:7)
              at async Test.processPendingSubtests (node:internal/test_runner/test:526:7) {
            generatedMessage: true,
            code: 'ERR_ASSERTION',
            actual: 251,
            expected: 250,
            operator: 'strictEqual'
          }
        }
        			</failure>
        		</testcase>
        		<testcase name="refunds" time="0.000291" classname="test">
        			<skipped type="skipped" message="not in fixture"/>
        		</testcase>
        		<testcase name="future feature" time="0.000284" classname="test" failure="nope">
        			<skipped type="todo" message="later"/>
        			<failure type="testCodeFailure" message="nope">
        [Error [ERR_TEST_FAILURE]: nope] {
          code: 'ERR_TEST_FAILURE',
          failureType: 'testCodeFailure',
          cause: AssertionError [ERR_ASSERTION]: nope
              at TestContext.&lt;anonymous> (file:///tmp/issue4-node/sales.test.mjs:8:60)
              at Test.runInAsyncScope (node:async_hooks:206:9)
              at Test.run (node:internal/test_runner/test:796:25)
              at Suite.processPendingSubtests (node:internal/test_runner/test:526:18)
              at Test.postRun (node:internal/test_runner/test:889:19)
              at Test.run (node:internal/test_runner/test:835:12)
              at async Suite.processPendingSubtests (node:internal/test_runner/test:526:7) {
            generatedMessage: false,
            code: 'ERR_ASSERTION',
            actual: undefined,
            expected: undefined,
            operator: 'fail'
          }
        }
        			</failure>
        		</testcase>
        	</testsuite>
        	<testcase name="stock is never negative" time="0.000104" classname="test"/>
        	<!-- tests 5 -->
        	<!-- suites 1 -->
        	<!-- pass 2 -->
        	<!-- fail 1 -->
        	<!-- cancelled 0 -->
        	<!-- skipped 1 -->
        	<!-- todo 1 -->
        	<!-- duration_ms 128.564753 -->
        </testsuites>
        """#

    /// `node --test --experimental-test-coverage --test-reporter=lcov`.
    static let nodeLcov = #"""
        TN:
        SF:sales.test.mjs
        FN:3,vat
        FN:4,anonymous_1
        FN:5,anonymous_2
        FN:6,anonymous_3
        FN:7,anonymous_4
        FN:8,anonymous_5
        FN:10,anonymous_6
        FNDA:2,vat
        FNDA:1,anonymous_1
        FNDA:1,anonymous_2
        FNDA:1,anonymous_3
        FNDA:0,anonymous_4
        FNDA:1,anonymous_5
        FNDA:1,anonymous_6
        FNF:7
        FNH:6
        BRDA:1,0,0,1
        BRDA:3,1,0,2
        BRDA:4,2,0,1
        BRDA:5,3,0,1
        BRDA:6,4,0,1
        BRDA:8,5,0,1
        BRDA:10,6,0,1
        BRF:7
        BRH:7
        DA:1,1
        DA:2,1
        DA:3,1
        DA:4,1
        DA:5,1
        DA:6,1
        DA:7,1
        DA:8,1
        DA:9,1
        DA:10,1
        LH:10
        LF:10
        end_of_record
        """#

    /// `swift test` console output of a package with three XCTest and three Swift Testing tests.
    static let swiftTest = #"""
        [0/1] Planning build
        Test Suite 'All tests' started at 2026-11-25 00:35:21.468
        Test Suite 'debug.xctest' started at 2026-11-25 00:35:21.479
        Test Suite 'VATXCTests' started at 2026-11-25 00:35:21.479
        Test Case 'VATXCTests.testRoundsHalfUp' started at 2026-11-25 00:35:21.479
        Test Case 'VATXCTests.testRoundsHalfUp' passed (0.008 seconds)
        Test Case 'VATXCTests.testSkipped' started at 2026-11-25 00:35:21.488
        /tmp/issue4-swiftpkg/Tests/LibTests/XCTests.swift:6: VATXCTests.testSkipped : Test skipped - not on Linux
        Test Case 'VATXCTests.testSkipped' skipped (0.001 seconds)
        Test Case 'VATXCTests.testWrongOnPurpose' started at 2026-11-25 00:35:21.488
        /tmp/issue4-swiftpkg/Tests/LibTests/XCTests.swift:5: error: VATXCTests.testWrongOnPurpose : XCTAssertEqual failed: ("250") is not equal to ("251") - off by a penny
        Test Case 'VATXCTests.testWrongOnPurpose' failed (0.0 seconds)
        Test Suite 'VATXCTests' failed at 2026-11-25 00:35:21.489
        	 Executed 3 tests, with 1 test skipped and 1 failure (0 unexpected) in 0.009 (0.009) seconds
        Test Suite 'debug.xctest' failed at 2026-11-25 00:35:21.489
        	 Executed 3 tests, with 1 test skipped and 1 failure (0 unexpected) in 0.009 (0.009) seconds
        Test Suite 'All tests' failed at 2026-11-25 00:35:21.489
        	 Executed 3 tests, with 1 test skipped and 1 failure (0 unexpected) in 0.009 (0.009) seconds
        ◇ Test run started.
        ↳ Testing Library Version: 6.3.1 (937120cbc281cf2)
        ↳ Target Platform: x86_64-unknown-linux-gnu
        ◇ Suite VATTests started.
        ◇ Test "Low rate fails" started.
        ➜ Test disabled() skipped: "later"
        ◇ Test zero() started.
        ✘ Test "Low rate fails" recorded an issue at SwiftTests.swift:5:46: Expectation failed: (vat(100) → 20) == 21
        ✘ Test "Low rate fails" failed after 0.001 seconds with 1 issue.
        ✔ Test zero() passed after 0.001 seconds.
        ✘ Suite VATTests failed after 0.001 seconds with 1 issue.
        ✘ Test run with 3 tests in 1 suite failed after 0.001 seconds with 1 issue.
        """#

    /// `swift test --xunit-output x.xml`: the Swift Testing report (x-swift-testing.xml).
    static let swiftTestingXUnit = #"""
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites>
          <testsuite name="TestResults" errors="0" tests="2" failures="1" skipped="1" time="0.018184617">
            <testcase classname="LibTests.VATTests" name="zero()" time="0.002760777" />
            <testcase classname="LibTests.VATTests" name="lowRate()" time="0.006194599" >
              <failure message="Expectation failed: (vat(100) &#8594; 20) == 21 (error)" />
            </testcase>
            <testcase classname="LibTests.VATTests" name="disabled()" >
              <skipped>later</skipped>
            </testcase>
          </testsuite>
        </testsuites>
        """#

    @Test func nodeTAPCountsLeavesAndReadsBlockScalarErrors() throws {
        let report = try ReportFormat.tap.parse(Array(Self.nodeTAP.utf8))
        #expect((report.total, report.passed, report.failed, report.skipped) == (5, 2, 1, 2))
        #expect(report.failures.map(\.name) == ["VAT is 20%"])
        #expect(report.failures.first?.message?.contains("251 !== 250") == true)
    }

    @Test func nodeJUnitSkippedWinsOverFailure() throws {
        let report = try ReportFormat.junit.parse(Array(Self.nodeJUnit.utf8))
        #expect((report.total, report.passed, report.failed, report.skipped) == (5, 2, 1, 2))
        #expect(report.failures.first?.name == "test.VAT is 20%")
        #expect(report.failures.first?.message?.hasPrefix("Expected values to be strictly equal") == true)
    }

    @Test func nodeLcovMatchesItsSummary() throws {
        #expect(try CoverageFormat.lcov.parse(Array(Self.nodeLcov.utf8)) == Coverage(lines: 100, functions: 85.71, branches: 100))
    }

    @Test func swiftTestOutputOfBothLibraries() throws {
        let report = try ReportFormat.swiftTest.parse(Array(Self.swiftTest.utf8))
        #expect((report.total, report.passed, report.failed, report.skipped) == (6, 2, 2, 2))
        #expect(report.failures.map(\.name) == ["VATXCTests.testWrongOnPurpose", "\"Low rate fails\""])
        #expect(report.failures[0].message?.hasSuffix("off by a penny") == true)
        #expect(report.failures[1].message?.contains("(vat(100) → 20) == 21") == true)
        #expect(report.cases.first { $0.name == "VATXCTests.testSkipped" }?.message == "not on Linux")
    }

    @Test func swiftTestingXUnitReport() throws {
        let report = try ReportFormat.junit.parse(Array(Self.swiftTestingXUnit.utf8))
        #expect((report.total, report.passed, report.failed, report.skipped) == (3, 1, 1, 1))
        #expect(report.failures.first?.message?.contains("→ 20) == 21") == true)
    }
}
