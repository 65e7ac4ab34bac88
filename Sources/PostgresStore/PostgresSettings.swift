import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to reach a LUStores PostgreSQL database and how patiently.
///
/// Guarantees: no error describing these settings repeats the password (the connection string's
/// or `PGPASSWORD`); to print the settings, mask them with `ConnectionString.masked`, the one
/// masking rule. The password may also come from `~/.pgpass`, which libpq reads by its own rules
/// when it connects.
public struct PostgresSettings: Sendable, Equatable {
    /// The pool size used when none is configured.
    public static let defaultPoolSize = 4
    /// The connect timeout used when none is configured, milliseconds.
    public static let defaultConnectTimeoutMilliseconds = 5000
    /// The statement timeout used when none is configured, milliseconds.
    public static let defaultStatementTimeoutMilliseconds = 5000
    /// `application_name` of every connection, as `pg_stat_activity` shows it.
    public static let applicationName = "lustores-mcp"

    /// A `postgresql://` or `postgres://` URI, or a libpq `key=value` connection string.
    public var conninfo: String
    /// Connections kept open for the tools (at least 1).
    public var poolSize: Int
    /// How long one connection attempt may take, milliseconds (at least 1).
    public var connectTimeoutMilliseconds: Int
    /// `statement_timeout` (and `lock_timeout`) of every connection, milliseconds (at least 1).
    public var statementTimeoutMilliseconds: Int

    /// Settings for `conninfo`; out-of-range numbers are raised to their minimum.
    public init(conninfo: String, poolSize: Int = defaultPoolSize,
                connectTimeoutMilliseconds: Int = defaultConnectTimeoutMilliseconds,
                statementTimeoutMilliseconds: Int = defaultStatementTimeoutMilliseconds) {
        self.conninfo = conninfo
        self.poolSize = max(1, poolSize)
        self.connectTimeoutMilliseconds = max(1, connectTimeoutMilliseconds)
        self.statementTimeoutMilliseconds = max(1, statementTimeoutMilliseconds)
    }

    /// Checks that libpq is installed and can parse the connection string.
    public func validate() throws(PostgresError) {
        if let problem = LibPQ.loadProblem { throw PostgresError(.clientLibraryMissing, problem) }
        guard parsedOptions() != nil else {
            throw PostgresError(.invalidSettings, "the database URL is not a valid postgresql:// URI or libpq connection string")
        }
    }

    /// The passwords an error message must not repeat: the one in the connection string and
    /// `PGPASSWORD`. (A password libpq reads from `~/.pgpass` never reaches a message.)
    var secrets: [String] {
        var found: [String] = []
        if let password = parsedOptions()?.first(where: { $0.key == "password" })?.value, !password.isEmpty {
            found.append(password)
        }
        if let environment = getenv("PGPASSWORD"), case let password = String(cString: environment), !password.isEmpty {
            found.append(password)
        }
        return found
    }

    /// The options set in the connection string, in libpq's order, or nil when it does not parse.
    func parsedOptions() -> [(key: String, value: String)]? {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            if let errorMessage { PQfreemem(errorMessage) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var result: [(key: String, value: String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                result.append((String(cString: keyword), String(cString: value)))
            }
            option += 1
        }
        return result
    }
}
