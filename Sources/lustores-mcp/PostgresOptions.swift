import JSONRPC
import Store

/// Where and how to read LUStores' PostgreSQL database, when the configuration names one
/// (`--database-url`, `LUSTORES_DATABASE_URL` or `database_url`, in that order of precedence).
///
/// Guarantees: `url` has the form libpq reads (checked, not connected); the numbers are in range
/// (the configuration schema checks the file's). Its `description` masks the password, so
/// interpolating it into a log line or an error is safe; `url` itself must never be printed.
struct PostgresOptions: Equatable, CustomStringConvertible {
    /// The connection string as given, password included: for libpq only.
    var url: String
    /// `statement_timeout` of each connection (`statement_timeout_ms`, default 5000).
    var statementTimeoutMilliseconds = 5000
    /// Connections kept open (`database_pool_size`, default 4).
    var poolSize = 4
    /// Longest wait for a connection to open (`connect_timeout_ms`, default 5000).
    var connectTimeoutMilliseconds = 5000

    /// The connection string with its password masked.
    var description: String { ConnectionString.masked(url) }

    /// The options the flag, the environment and the configuration file give, or nil when none of
    /// them names a database URL (the numeric settings then have nothing to apply to).
    static func load(flag: String?, variables: [String: String],
                     file: JSONObject) throws(Configuration.Failure) -> PostgresOptions? {
        let source: String
        let url: String
        if let flag {
            (source, url) = ("--database-url", flag)
        } else if let variable = variables["LUSTORES_DATABASE_URL"], !variable.isEmpty {
            (source, url) = ("LUSTORES_DATABASE_URL", variable)
        } else if let key = file["database_url"]?.stringValue {
            (source, url) = ("database_url", key)
        } else {
            return nil
        }
        if let problem = ConnectionString.problem(url) {
            throw Configuration.Failure(description: "\(source) \(problem)")
        }
        var options = PostgresOptions(url: url)
        options.statementTimeoutMilliseconds = try number(file, "statement_timeout_ms", 1...3_600_000)
            ?? options.statementTimeoutMilliseconds
        options.poolSize = try number(file, "database_pool_size", 1...64) ?? options.poolSize
        options.connectTimeoutMilliseconds = try number(file, "connect_timeout_ms", 1...600_000)
            ?? options.connectTimeoutMilliseconds
        return options
    }

    private static func number(_ file: JSONObject, _ key: String,
                               _ range: ClosedRange<Int>) throws(Configuration.Failure) -> Int? {
        guard let value = file[key] else { return nil }
        guard let number = value.integerValue, range.contains(Int(number)) else {
            throw Configuration.Failure(description: "configuration file: \(key) must be a whole number from "
                + "\(range.lowerBound) to \(range.upperBound)")
        }
        return Int(number)
    }
}
