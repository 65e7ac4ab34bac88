import JSONRPC

/// One suite `run_tests` can run: a configured command, or a check of the store built into the
/// server. Built from the `test_suites` member of the configuration file (`schemas/config.schema.json`).
public struct TestSuite: Sendable, Equatable {
    /// The suite names `run_tests` accepts.
    public static let names = ["unit", "integration", "e2e", "sales", "system"]
    /// Time a command suite may run when its configuration gives no `timeout_ms`.
    public static let defaultCommandTimeout: Duration = .seconds(600)

    /// A configured command, or a check built into the server.
    public enum Kind: Sendable, Equatable {
        case command(CommandSuite)
        case builtIn(BuiltInSuite)
    }

    /// One of ``names``.
    public let name: String
    public let kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// A configured command and where its outcome is read.
    public struct CommandSuite: Sendable, Equatable {
        /// Program and arguments, passed as they are (no shell).
        public var command: [String]
        public var workingDirectory: String?
        /// Added to (or replacing) the server's environment for the command.
        public var environment: [String: String]
        /// Time before the run is stopped (its process group killed).
        public var timeout: Duration
        /// Report format, and its file (relative to the working directory); without a path the
        /// report is read from the command's output.
        public var results: (format: ReportFormat, path: String?)?
        public var coverage: (format: CoverageFormat, path: String)?

        public init(command: [String], workingDirectory: String? = nil, environment: [String: String] = [:],
                    timeout: Duration = TestSuite.defaultCommandTimeout, results: (format: ReportFormat, path: String?)? = nil,
                    coverage: (format: CoverageFormat, path: String)? = nil) {
            self.command = command
            self.workingDirectory = workingDirectory
            self.environment = environment
            self.timeout = timeout
            self.results = results
            self.coverage = coverage
        }

        public static func == (left: CommandSuite, right: CommandSuite) -> Bool {
            left.command == right.command && left.workingDirectory == right.workingDirectory
                && left.environment == right.environment && left.timeout == right.timeout
                && left.results?.format == right.results?.format && left.results?.path == right.results?.path
                && left.coverage?.format == right.coverage?.format && left.coverage?.path == right.coverage?.path
        }
    }

    /// A configuration the server cannot use; the description names the key.
    public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The suites of a configuration: `sales` and `system` built in, then every entry of
    /// `test_suites` (already checked against `config.schema.json`), which may replace a built-in.
    public static func suites(from testSuites: JSONObject?) throws(ConfigurationError) -> [String: TestSuite] {
        var suites: [String: TestSuite] = [
            "sales": TestSuite(name: "sales", kind: .builtIn(.sales)),
            "system": TestSuite(name: "system", kind: .builtIn(.system)),
        ]
        for (name, value) in testSuites?.members ?? [] {
            guard names.contains(name) else {
                throw ConfigurationError(description: "test_suites.\(name) is not a suite: the suites are \(names.joined(separator: ", "))")
            }
            let key = "test_suites.\(name)"
            guard let entry = value.objectValue,
                  let command = entry["command"]?.arrayValue?.compactMap(\.stringValue), !command.isEmpty else {
                throw ConfigurationError(description: "\(key).command must be a non-empty array of strings")
            }
            var suite = CommandSuite(command: command)
            suite.workingDirectory = entry["working_directory"]?.stringValue
            for (variable, text) in entry["environment"]?.objectValue?.members ?? [] {
                guard let text = text.stringValue, !variable.isEmpty, !variable.contains("=") else {
                    throw ConfigurationError(description: "\(key).environment.\(variable) must be a string under a name without '='")
                }
                suite.environment[variable] = text
            }
            if let milliseconds = entry["timeout_ms"]?.integerValue {
                suite.timeout = .milliseconds(milliseconds)
            }
            if let results = entry["results"] {
                guard let format = results["format"]?.stringValue.flatMap(ReportFormat.init) else {
                    throw ConfigurationError(description: "\(key).results.format must be one of \(ReportFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                suite.results = (format, results["path"]?.stringValue)
            }
            if let coverage = entry["coverage"] {
                guard let format = coverage["format"]?.stringValue.flatMap(CoverageFormat.init),
                      let path = coverage["path"]?.stringValue else {
                    throw ConfigurationError(description: "\(key).coverage needs a format (\(CoverageFormat.allCases.map(\.rawValue).joined(separator: ", "))) and a path")
                }
                suite.coverage = (format, path)
            }
            suites[name] = TestSuite(name: name, kind: .command(suite))
        }
        return suites
    }
}
