import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to reach a LUStores PostgreSQL database and how patiently.
///
/// Guarantees: ``maskedDescription`` never contains the password, whichever way the connection
/// string spells it (URI user info, a `password` query parameter or a `password=` keyword); the
/// password itself may also come from `PGPASSWORD` or `~/.pgpass`, which libpq reads by its own
/// rules when it connects.
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

    /// Whether the string is a URI rather than `key=value` pairs.
    var isURI: Bool { conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://") }

    /// The connection string with its password replaced by `***`: a URI stays a URI, `key=value`
    /// pairs are listed as libpq parsed them. A string libpq cannot parse is described as such,
    /// without any of its text.
    public var maskedDescription: String {
        guard let options = parsedOptions() else { return "(a connection string libpq cannot parse)" }
        if isURI { return Self.maskURI(conninfo) }
        return options.map { "\($0.key)=\($0.key == "password" ? "***" : Self.quoted($0.value))" }
            .joined(separator: " ")
    }

    /// Checks that libpq can parse the connection string.
    public func validate() throws(PostgresError) {
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

    private static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" }) else { return value }
        return "'" + value.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }

    /// `scheme://user:secret@host/db?password=secret` → `scheme://user:***@host/db?password=***`.
    static func maskURI(_ uri: String) -> String {
        guard let schemeEnd = uri.firstRange(of: "://") else { return uri }
        let afterScheme = uri[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
        let authority = afterScheme[..<authorityEnd]
        var masked = String(uri[..<schemeEnd.upperBound])
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                masked += userInfo[..<colon] + ":***"
            } else {
                masked += userInfo
            }
            masked += authority[at...]
        } else {
            masked += authority
        }
        let rest = afterScheme[authorityEnd...]
        guard let question = rest.firstIndex(of: "?") else { return masked + rest }
        masked += rest[...question]
        let parameters = rest[rest.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false)
        masked += parameters.map { parameter in
            parameter.hasPrefix("password=") ? "password=***" : String(parameter)
        }.joined(separator: "&")
        return masked
    }
}
