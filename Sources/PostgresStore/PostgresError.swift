import Store

/// A failure of the PostgreSQL store.
///
/// Guarantees: ``description`` is for an operator and never holds a password, SQL text or a bound
/// value (server messages are kept only for the classes that cannot quote a value: connection,
/// authentication, timeouts, privileges); ``code`` is stable across releases.
public struct PostgresError: DataSourceFailure, Equatable {
    /// What went wrong, as a stable name (`Code.rawValue`) a caller may branch on or log.
    public enum Code: String, Sendable, CaseIterable {
        /// The connection string cannot be parsed.
        case invalidSettings = "invalid_settings"
        /// The PostgreSQL client library (libpq) is not installed on this machine.
        case clientLibraryMissing = "client_library_missing"
        /// The server could not be reached or refused the connection.
        case connectFailed = "connect_failed"
        /// The server rejected the role or its password.
        case authenticationFailed = "authentication_failed"
        /// Connecting took longer than the connect timeout.
        case connectTimeout = "connect_timeout"
        /// The connection broke, or the server stopped answering, during a call.
        case connectionLost = "connection_lost"
        /// A statement ran into `statement_timeout` (SQLSTATE 57014).
        case statementTimeout = "statement_timeout"
        /// A statement waited for a lock longer than `lock_timeout` (SQLSTATE 55P03).
        case lockTimeout = "lock_timeout"
        /// The server is shutting down, starting up, out of resources or failing I/O (57P, 53, 58).
        case serverUnavailable = "server_unavailable"
        /// The role lacks a privilege a statement needs (SQLSTATE 42501).
        case permissionDenied = "permission_denied"
        /// The database lacks a table or column the server reads.
        case schemaMismatch = "schema_mismatch"
        /// A statement failed for another reason.
        case queryFailed = "query_failed"
        /// A result had a shape or value the server cannot map.
        case unexpectedResult = "unexpected_result"
        /// The data source was closed.
        case closed = "closed"
    }

    /// What went wrong.
    public let code: Code
    /// The server's SQLSTATE, when the server sent one.
    public let sqlState: String?
    /// What happened, for an operator.
    public let detail: String

    /// An error with this code and operator text.
    public init(_ code: Code, _ detail: String, sqlState: String? = nil) {
        self.code = code
        self.detail = detail
        self.sqlState = sqlState
    }

    /// Whether the database cannot be reached or used right now: every connection failure,
    /// timeout, lock wait, shutdown and resource error.
    public var isUnavailable: Bool {
        switch code {
        case .connectFailed, .authenticationFailed, .connectTimeout, .connectionLost, .statementTimeout, .lockTimeout,
             .serverUnavailable, .closed:
            return true
        case .invalidSettings, .clientLibraryMissing, .permissionDenied, .schemaMismatch, .queryFailed, .unexpectedResult:
            return false
        }
    }

    /// What failed in product terms, for a client: no host, role, SQL or password.
    public var clientReason: String {
        switch code {
        case .invalidSettings: return "the PostgreSQL connection settings are not valid"
        case .clientLibraryMissing: return "the PostgreSQL client library is not installed"
        case .connectFailed, .serverUnavailable, .closed: return "the PostgreSQL server cannot be reached"
        case .authenticationFailed: return "the PostgreSQL server refused the configured credentials"
        case .connectTimeout: return "connecting to the PostgreSQL server timed out"
        case .connectionLost: return "the connection to the PostgreSQL server was lost"
        case .statementTimeout: return "the PostgreSQL server took longer than the statement timeout"
        case .lockTimeout: return "a table is locked by another session of the PostgreSQL server"
        case .permissionDenied: return "the configured role may not read a table it needs"
        case .schemaMismatch: return "the PostgreSQL database lacks a table or column the server reads"
        case .queryFailed, .unexpectedResult: return "a PostgreSQL query failed"
        }
    }

    /// The operator's one-line description, e.g. `statement_timeout: … (SQLSTATE 57014)`; for a
    /// schema mismatch just the line naming what is missing (`database: table … has no column …`).
    public var description: String {
        code == .schemaMismatch ? detail : "\(code.rawValue): \(detail)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
    }

    /// The error a failed statement's SQLSTATE and primary message stand for. The message is kept
    /// only for classes whose messages name objects and roles rather than values.
    static func fromServer(sqlState: String?, message: String) -> PostgresError {
        let state = sqlState ?? ""
        let quotable = state.hasPrefix("08") || state.hasPrefix("28") || state.hasPrefix("57") || state.hasPrefix("53")
            || state.hasPrefix("55") || state == "42501" || state == "42P01" || state == "42703" || state == "3D000"
        let text = quotable && !message.isEmpty ? message : "the server rejected a statement"
        switch state {
        case "57014": return PostgresError(.statementTimeout, "a statement ran longer than statement_timeout", sqlState: state)
        case "55P03": return PostgresError(.lockTimeout, "a table is locked by another session", sqlState: state)
        case "42501": return PostgresError(.permissionDenied, text, sqlState: state)
        case "42P01", "42703": return PostgresError(.schemaMismatch, "database: " + text, sqlState: state)
        case _ where state.hasPrefix("08"): return PostgresError(.connectionLost, text, sqlState: state)
        case _ where state.hasPrefix("28"): return PostgresError(.authenticationFailed, text, sqlState: state)
        case _ where state.hasPrefix("57") || state.hasPrefix("53") || state.hasPrefix("58") || state == "40001" || state == "40P01":
            return PostgresError(.serverUnavailable, text, sqlState: state)
        default: return PostgresError(.queryFailed, text, sqlState: sqlState)
        }
    }

    /// A connection-time failure from libpq's message (which carries no SQLSTATE), with every
    /// secret removed and its lines joined.
    static func connecting(_ message: String, secrets: [String]) -> PostgresError {
        let text = scrub(message, secrets: secrets)
        let lowered = text.lowercased()
        if lowered.contains("password authentication failed") || lowered.contains("no password supplied")
            || lowered.contains("authentication failed") || lowered.contains("password is required") {
            return PostgresError(.authenticationFailed, text)
        }
        return PostgresError(.connectFailed, text.isEmpty ? "cannot connect" : text)
    }

    /// `message` on one line, each secret replaced by `***`.
    static func scrub(_ message: String, secrets: [String]) -> String {
        var text = message
        for secret in secrets where !secret.isEmpty { text = text.replacing(secret, with: "***") }
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingPrefix(while: \.isWhitespace) }
            .joined(separator: "; ")
    }
}
