import Foundation
import JSONRPC
import LUStores
import MCP
import Store
import TestExecution

/// The settings the server runs with, merged from flags, then environment variables, then the
/// configuration file, then defaults (the first that says something wins).
struct Configuration {
    var environment = "development"
    var databasePath: String
    /// Whether `databasePath` is the default one (no flag, variable or file named a database).
    var databaseIsDefault = true
    var timezone: String?
    /// The zone sales dates are in: `timezone` when set, else the system's.
    var calendar = ZonedCalendar(timeZone: TimeZone.current)
    var logLevel: LogLevel = .info
    var thresholds = StatusMonitor.Thresholds()
    /// The suites `run_tests` can run (`test_suites` over the built-in ones).
    var testSuites: [String: TestSuite] = [:]
    /// Test executions at once (`max_concurrent_runs`, default 1).
    var maxConcurrentRuns = 1
    /// `http` only: API keys, rate limits, event loops.
    var http = HTTPSettings()
    /// LUStores' PostgreSQL database to read sales and items from, when one is named.
    var postgres: PostgresOptions?
    /// The server's home page for `serverInfo.websiteUrl` (`website_url`), when configured.
    var websiteURL: String?
    /// `--read-only` or `read_only`: no `run_tests` on any transport.
    var readOnly = false
    /// `LUSTORES_AUDIT_LOG` over `audit_log`: the audit log's path, when there is one.
    var auditLogPath: String?
    /// The configuration file as read (empty without one), for the settings of later features.
    var file = JSONObject()

    /// Bad configuration: one line naming the source and the key.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Log levels a person may choose for stderr.
    static let logLevels: [LogLevel] = [.debug, .info, .notice, .warning, .error]

    static func load(options: CommandLineOptions, environment variables: [String: String]) throws(Failure) -> Configuration {
        var file = JSONObject()
        if let path = options.config ?? variables["LUSTORES_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) {
            file = try readFile(path)
        }
        func pick(_ flag: String?, _ variable: String, _ key: String) -> String? {
            if let flag { return flag }
            if let value = variables[variable], !value.isEmpty { return value }
            return file[key]?.stringValue
        }
        var configuration = Configuration(databasePath: Store.defaultPath(environment: variables))
        configuration.file = file
        if let environment = pick(options.environment, "LUSTORES_ENVIRONMENT", "environment") {
            configuration.environment = environment
        }
        if let database = pick(options.database, "LUSTORES_DATABASE", "database") {
            configuration.databasePath = database
            configuration.databaseIsDefault = false
        }
        configuration.postgres = try PostgresOptions.load(flag: options.databaseURL, variables: variables, file: file)
        configuration.timezone = pick(nil, "LUSTORES_TIMEZONE", "timezone")
        if let zone = configuration.timezone {
            guard let calendar = ZonedCalendar(identifier: zone) else {
                let source = variables["LUSTORES_TIMEZONE"].map { !$0.isEmpty } == true ? "LUSTORES_TIMEZONE" : "timezone"
                throw Failure(description: "\(source) must be an IANA time zone such as Europe/London or UTC, not \(zone)")
            }
            configuration.calendar = calendar
        }
        if let url = pick(nil, "LUSTORES_WEBSITE_URL", "website_url") {
            guard url.hasPrefix("https://") || url.hasPrefix("http://"), url.count > 8 else {
                let source = variables["LUSTORES_WEBSITE_URL"].map { !$0.isEmpty } == true ? "LUSTORES_WEBSITE_URL" : "website_url"
                throw Failure(description: "\(source) must be an http:// or https:// URL, not \(url)")
            }
            configuration.websiteURL = url
        }
        if let name = pick(options.logLevel, "LUSTORES_LOG_LEVEL", "log_level") {
            guard let level = LogLevel(rawValue: name), logLevels.contains(level) else {
                let source = options.logLevel != nil ? "--log-level" : variables["LUSTORES_LOG_LEVEL"] != nil ? "LUSTORES_LOG_LEVEL" : "log_level"
                throw Failure(description: "\(source) must be one of \(logLevels.map(\.rawValue).joined(separator: ", ")), not \(name)")
            }
            configuration.logLevel = level
        }
        if let limits = file["thresholds"]?.objectValue {
            configuration.thresholds.memory = limits["memory"]?.doubleValue ?? configuration.thresholds.memory
            configuration.thresholds.cpu = limits["cpu"]?.doubleValue ?? configuration.thresholds.cpu
            configuration.thresholds.disk = limits["disk"]?.doubleValue ?? configuration.thresholds.disk
        }
        do {
            configuration.testSuites = try TestSuite.suites(from: file["test_suites"]?.objectValue)
        } catch {
            throw Failure(description: "configuration file: \(error.description)")
        }
        configuration.maxConcurrentRuns = Int(file["max_concurrent_runs"]?.integerValue ?? 1)
        configuration.readOnly = options.readOnly || file["read_only"]?.boolValue == true
        configuration.auditLogPath = pick(nil, "LUSTORES_AUDIT_LOG", "audit_log")
        if options.command == .http { configuration.http = try HTTPSettings.load(variables: variables, file: file) }
        return configuration
    }

    /// Reads and checks a configuration file against `schemas/config.schema.json`.
    static func readFile(_ path: String) throws(Failure) -> JSONObject {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "configuration file \(path) cannot be read")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(Array(data))
        } catch {
            throw Failure(description: "configuration file \(path) is not valid JSON: \(error)")
        }
        if let violation = SchemaValidator.validate(value, against: SchemaLibrary.configuration) {
            let key = violation.path.isEmpty ? "the file" : violation.path
            throw Failure(description: "configuration file \(path): \(key) \(violation.reason)")
        }
        return value.objectValue ?? JSONObject()
    }
}
