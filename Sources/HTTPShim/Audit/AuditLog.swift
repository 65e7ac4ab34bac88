import JSONRPC
import MCP
import ServerSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One line of the audit log: who called what, from where, and how it ended. Holds a key's
/// name, never the key.
public struct AuditEntry: Sendable {
    /// `call` (a REST request, an `/mcp` `tools/call`, a stdio `run_tests`) or `auth_failed`.
    public var event: String
    /// The API key's name; nil when none was accepted (or over stdio).
    public var key: String?
    /// The client's address (`HTTPRequest.clientAddress`); nil over stdio.
    public var address: String?
    /// `rest`, `mcp` or `stdio`.
    public var transport: String
    /// The tool called, when the request reached one.
    public var tool: String?
    /// `METHOD /path` of an HTTP request.
    public var route: String?
    /// The tool arguments (written capped at ``AuditLog/argumentsLimit`` bytes).
    public var arguments: JSONObject?
    /// `ok`, or the error code (`MCP_FORBIDDEN`, `MCP_AUTH_REQUIRED`, …).
    public var outcome: String
    /// The HTTP status answered, for HTTP.
    public var status: Int?
    /// From the start of the call to its answer.
    public var duration: Duration?

    /// An entry; unknown parts stay nil.
    public init(event: String = "call", key: String?, address: String?, transport: String, tool: String? = nil,
                route: String? = nil, arguments: JSONObject? = nil, outcome: String, status: Int? = nil, duration: Duration? = nil) {
        self.event = event
        self.key = key
        self.address = address
        self.transport = transport
        self.tool = tool
        self.route = route
        self.arguments = arguments
        self.outcome = outcome
        self.status = status
        self.duration = duration
    }

    /// The outcome word of a tool outcome: `ok` or its error code.
    public static func outcome(of toolOutcome: ToolOutcome) -> String {
        if case .failure(let error) = toolOutcome { return error.code.rawValue }
        return "ok"
    }
}

/// The audit log (`audit_log`, `LUSTORES_AUDIT_LOG`): one JSON object per line, appended.
///
/// Guarantees: each entry is one `write(2)` of one whole line to a file opened `O_APPEND` (mode
/// 0600 when created), so lines from concurrent calls never interleave; arguments longer than
/// ``argumentsLimit`` bytes of JSON are written as a truncated string with `arguments_truncated`;
/// ``reopen()`` (on SIGHUP, after logrotate moved the file) sends later lines to a new file at the
/// same path. Write failures never fail a call: they are reported on stderr once per reopen.
public final class AuditLog: Sendable {
    /// Why the file cannot be opened.
    public struct OpenError: Error, Sendable, CustomStringConvertible {
        /// One line naming the path and the system's reason.
        public let description: String
    }

    /// The most bytes of argument JSON one line carries.
    public static let argumentsLimit = 1024

    /// The path opened (and reopened).
    public let path: String
    private let state: Mutex<(descriptor: Int32, reportedFailure: Bool)>
    private let logger: Logger?

    /// Opens (creating, mode 0600) `path` for appending; failures are logged through `logger`.
    public init(path: String, logger: Logger? = nil) throws(OpenError) {
        self.path = path
        self.logger = logger
        state = Mutex((try Self.open(path), false))
    }

    deinit {
        state.withLock { _ = close($0.descriptor) }
    }

    private static func open(_ path: String) throws(OpenError) -> Int32 {
        let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw OpenError(description: "audit_log \(path) cannot be opened: \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    /// Closes the file and opens `path` again, so that later lines go to whatever file is there
    /// now. On failure the old file keeps receiving lines and the error is thrown.
    public func reopen() throws(OpenError) {
        let fresh = try Self.open(path)
        state.withLock { current in
            close(current.descriptor)
            current = (fresh, false)
        }
    }

    /// Appends `entry` as one line.
    public func record(_ entry: AuditEntry) {
        var line = JSONWriter.bytes(.object(Self.json(entry)))
        line.append(0x0A)
        let failure: String? = state.withLock { current in
            let written = line.withUnsafeBytes { write(current.descriptor, $0.baseAddress, $0.count) }
            guard written != line.count, !current.reportedFailure else { return nil }
            current.reportedFailure = true
            return written < 0 ? String(cString: strerror(errno)) : "short write"
        }
        if let failure { logger?.error("audit_log \(path): \(failure); audit lines are being lost") }
    }

    /// The JSON object of one line, in a fixed key order.
    static func json(_ entry: AuditEntry) -> JSONObject {
        var object = JSONObject([("time", .string(Timestamp.now())), ("event", .string(entry.event)),
                                 ("key", entry.key.map(JSONValue.string) ?? .null),
                                 ("address", entry.address.map(JSONValue.string) ?? .null),
                                 ("transport", .string(entry.transport))])
        if let tool = entry.tool { object.append("tool", .string(tool)) }
        if let route = entry.route { object.append("route", .string(route)) }
        if let arguments = entry.arguments {
            let text = JSONWriter.bytes(.object(arguments))
            if text.count <= argumentsLimit {
                object.append("arguments", .object(arguments))
            } else {
                var cut = argumentsLimit
                while cut > 0 && text[cut] & 0xC0 == 0x80 { cut -= 1 }  // never split a UTF-8 character
                object.append("arguments", .string(String(decoding: text[..<cut], as: UTF8.self)))
                object.append("arguments_truncated", .bool(true))
            }
        }
        object.append("outcome", .string(entry.outcome))
        if let status = entry.status { object.append("status", .integer(Int64(status))) }
        if let duration = entry.duration {
            let milliseconds = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
            object.append("duration_ms", .double((milliseconds * 1000).rounded() / 1000))
        }
        return object
    }
}

extension AuditLog {
    /// An engine observer writing one line per finished `tools/call` over `transport`, with the
    /// bound `ToolCaller`'s name and address and no HTTP status (a tool error travels in a
    /// 200 answer); with `tools`, only calls of those tools (stdio records `run_tests` only).
    public func toolCallObserver(transport: String, only tools: Set<String>? = nil) -> ToolCallObserver {
        { [self] report in
            if let tools, !tools.contains(report.tool) { return }
            record(AuditEntry(key: report.caller?.name, address: report.caller?.address, transport: transport, tool: report.tool,
                              route: transport == "mcp" ? "POST /mcp" : nil, arguments: report.arguments,
                              outcome: AuditEntry.outcome(of: report.outcome), duration: report.duration))
        }
    }
}
