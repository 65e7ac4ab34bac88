"""Reads a JUnit XML file with junitparser and prints what a CI server would see, as JSON.

Usage: read_junit.py FILE

Checks the structure the JUnit schema gives (testsuites > testsuite > testcase > failure | error |
skipped, the counts as whole numbers) and exits 1 with the reason on stderr when the file breaks it.
Prints {"root", "tests", "failures", "errors", "skipped", "suites": [{"name", "tests", "failures",
"errors", "skipped", "cases": [{"name", "classname", "results": [{"kind", "message", "type",
"text"}]}]}]}.
"""
import json
import sys

from junitparser import Error, Failure, JUnitXml, Skipped, TestSuite


def fail(reason):
    print(f"not valid JUnit: {reason}", file=sys.stderr)
    sys.exit(1)


def main():
    document = JUnitXml.fromfile(sys.argv[1])
    if isinstance(document, TestSuite):
        fail("the root element is testsuite, not testsuites")
    allowed = {"testcase", "properties", "system-out", "system-err", "testsuite"}
    suites = []
    for suite in document:
        if suite.name is None:
            fail("a testsuite has no name")
        for child in suite._elem:
            if child.tag not in allowed:
                fail(f"unexpected element {child.tag} in testsuite {suite.name}")
        cases = []
        for case in suite:
            if case.name is None:
                fail(f"a testcase of {suite.name} has no name")
            results = []
            for result in case.result:
                if not isinstance(result, (Failure, Error, Skipped)):
                    fail(f"unexpected result {result!r} in {case.name}")
                results.append({"kind": result._tag, "message": result.message, "type": result.type, "text": result.text})
            cases.append({"name": case.name, "classname": case.classname, "results": results})
        suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures,
                       "errors": suite.errors, "skipped": suite.skipped, "cases": cases})
    print(json.dumps({"root": document._elem.tag, "tests": document.tests, "failures": document.failures,
                      "errors": document.errors, "skipped": document.skipped, "suites": suites}))


if __name__ == "__main__":
    main()
