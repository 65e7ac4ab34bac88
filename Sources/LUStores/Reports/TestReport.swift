/// The outcome of a test suite in one shape, whatever format the suite reported in: counts, the
/// first failures with their messages, and the cases themselves for re-rendering as JUnit or TAP.
///
/// Guarantees: `total == passed + failed + skipped` at all times; at most ``maxFailures`` failures
/// and ``maxKeptCases`` cases are kept (the counts keep counting past them); no name or message is
/// longer than ``maxTextLength`` characters. A test that *errored* counts as failed.
public struct TestReport: Sendable, Equatable {
    /// How one test case ended.
    public enum Outcome: String, Sendable {
        case passed, failed, skipped
    }

    /// One test case.
    public struct Case: Sendable, Equatable {
        public var name: String
        public var outcome: Outcome
        /// Why it failed or was skipped, when the report says.
        public var message: String?
        /// The suite it belongs to, when the report says (JUnit `testsuite`, jest test file).
        public var suite: String?
    }

    /// Failures kept with their names and messages (`get_test_result` shows up to 50).
    public static let maxFailures = 50
    /// Cases kept for rendering a normalised report; counting goes on past it.
    public static let maxKeptCases = 10_000
    /// Longest name or message kept, in characters; longer ones are cut with `…`.
    public static let maxTextLength = 2_000

    /// Tests counted, kept or not.
    public private(set) var total = 0
    public private(set) var passed = 0
    public private(set) var failed = 0
    public private(set) var skipped = 0
    /// The first ``maxKeptCases`` cases, in report order.
    public private(set) var cases: [Case] = []
    /// The first ``maxFailures`` failed cases, in report order.
    public private(set) var failures: [Case] = []

    public init() {}

    /// Counts one case, keeping it while within the limits.
    public mutating func record(_ name: String, _ outcome: Outcome, message: String? = nil, suite: String? = nil) {
        total += 1
        switch outcome {
        case .passed: passed += 1
        case .failed: failed += 1
        case .skipped: skipped += 1
        }
        let item = Case(name: Self.bounded(name), outcome: outcome, message: message.map(Self.bounded),
                        suite: suite.map(Self.bounded))
        if cases.count < Self.maxKeptCases { cases.append(item) }
        if outcome == .failed, failures.count < Self.maxFailures { failures.append(item) }
    }

    /// Counts `count` tests that should have run but did not as failed, with one failure entry
    /// carrying `message` (no loop: a plan of a billion costs nothing).
    public mutating func recordUnrun(_ count: Int, message: String) {
        guard count > 0 else { return }
        record("tests not run", .failed, message: message)
        total += count - 1
        failed += count - 1
    }

    /// Adds `extra` to the message of the latest failure (TAP YAML diagnostics follow their test
    /// line). Does nothing unless the latest case is a kept failure.
    public mutating func amendLastFailure(message extra: String) {
        guard let last = cases.last, last.outcome == .failed, total == cases.count,
              let index = failures.indices.last, failures[index] == last else { return }
        let message = Self.bounded(last.message.map { $0 + "\n" + extra } ?? extra)
        failures[index].message = message
        cases[cases.count - 1].message = message
    }

    /// Counts obtained from a summary line when a format printed no per-case lines.
    mutating func setSummary(passed: Int, failed: Int, skipped: Int) {
        self.passed = passed
        self.failed = failed
        self.skipped = skipped
        total = passed + failed + skipped
    }

    /// `text` cut to ``maxTextLength`` characters.
    static func bounded(_ text: String) -> String {
        guard text.count > maxTextLength else { return text }
        return String(text.prefix(maxTextLength - 1)) + "…"
    }
}

/// A report or coverage file that cannot be read: missing, too large, or not in its format. The
/// description says which, for `get_test_result`'s `output_tail` and failure message.
public struct ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

/// The report formats a suite's `results.format` names (`schemas/config.schema.json`).
public enum ReportFormat: String, Sendable, CaseIterable {
    case junit
    case tap
    case swiftTest = "swift-test"
    case jest

    /// Whether the format is read line by line as the command prints it (so progress can be
    /// reported while it runs and a report of any size costs bounded memory).
    public var isLineOriented: Bool { self == .tap || self == .swiftTest }

    /// Parses a whole report.
    public func parse(_ bytes: [UInt8]) throws(ReportError) -> TestReport {
        switch self {
        case .junit: return try JUnitReport.parse(bytes)
        case .jest: return try JestReport.parse(bytes)
        case .tap, .swiftTest:
            var parser = LineReportParser(format: self)
            var start = 0
            for index in bytes.indices where bytes[index] == 0x0A {
                parser.consume(line: bytes[start..<index])
                start = index + 1
            }
            if start < bytes.count { parser.consume(line: bytes[start...]) }
            return try parser.finish()
        }
    }
}

/// A streaming parser of a line-oriented format (TAP, `swift test` output), fed line by line.
public struct LineReportParser: Sendable {
    private var tap = TAPParser()
    private var swiftTest = SwiftTestParser()
    public let format: ReportFormat

    /// A parser of `format`, which must be line-oriented.
    public init(format: ReportFormat) {
        precondition(format.isLineOriented, "\(format) is not line-oriented")
        self.format = format
    }

    /// Feeds one line, without its newline (a trailing `\r` is ignored).
    public mutating func consume(line bytes: ArraySlice<UInt8>) {
        var slice = bytes
        if slice.last == 0x0D { slice = slice.dropLast() }
        let line = String(decoding: slice, as: UTF8.self)
        if format == .tap { tap.consume(line) } else { swiftTest.consume(line) }
    }

    /// Tests finished so far.
    public var finishedCount: Int { format == .tap ? tap.report.total : swiftTest.report.total }

    /// The cases read so far, without the end-of-report checks of ``finish()`` (for a run still going).
    public var partialReport: TestReport { format == .tap ? tap.report : swiftTest.report }

    /// The report, or why there is none.
    public func finish() throws(ReportError) -> TestReport {
        format == .tap ? try tap.finish() : try swiftTest.finish()
    }
}
