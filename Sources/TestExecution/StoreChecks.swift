/// The outcome of one check of a built-in suite: its name, and what is wrong when it failed.
public struct CheckResult: Sendable, Equatable {
    /// The check's name, which becomes the test case's name.
    public let name: String
    /// nil when the check passed; else what is wrong, naming at most a few offending records.
    public let failure: String?

    /// A check that passed (`failure` nil) or failed with `failure`.
    public init(_ name: String, failure: String? = nil) {
        self.name = name
        self.failure = failure
    }

    /// Whether the check passed.
    public var passed: Bool { failure == nil }
}

/// How the built-in suites reach the store: the checks of its data (`sales`) and of the database
/// itself (`system`), supplied by whichever store is in use (SQLite today; a PostgreSQL store adds its
/// own conformance).
///
/// Conformers guarantee: each `run…` function returns one result per name of ``checkNames(of:)`` for
/// its suite, in that order, calls `progress` after each check with that check's result, and never
/// throws — a check that cannot run is a failed result saying why. Checks only read.
public protocol StoreChecks: Sendable {
    /// The names of `suite`'s checks, in the order they run (known before any runs, so progress can
    /// report a total).
    func checkNames(of suite: BuiltInSuite) -> [String]

    /// The checks of the sales data; `now` (ISO 8601 UTC) is the instant after which a sale is in the
    /// future.
    func runSalesChecks(now: String, progress: @Sendable (CheckResult) async -> Void) async -> [CheckResult]

    /// The checks of the database, its schema and its volume.
    func runSystemChecks(progress: @Sendable (CheckResult) async -> Void) async -> [CheckResult]
}
