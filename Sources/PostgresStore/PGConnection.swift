import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One statement of a transaction: SQL with `$n` placeholders, their types, and the values bound
/// (text form; never NULL, never spliced into the SQL).
struct BoundStatement {
    let sql: String
    let types: [Oid]
    let values: [String]
}

/// Parameter type OIDs (`pg_type`).
enum PGType {
    static let bool: Oid = 16
    static let int8: Oid = 20
    static let text: Oid = 25
    static let timestamp: Oid = 1114
}

/// One libpq connection in non-blocking pipeline mode.
///
/// Every wait is bounded: connecting by the connect timeout, each result by the statement timeout
/// plus a grace period (the server ends a statement at its `statement_timeout`, so a longer silence
/// means the network or the server is gone). Statements are prepared on first use and kept per
/// connection; a transaction is BEGIN + statements + COMMIT in one round trip.
///
/// Not thread-safe: a ``ConnectionSlot`` confines it to one serial queue.
final class PGConnection {
    /// How long past the statement timeout the client waits for a result before it gives up on
    /// the connection.
    static let resultGrace: Duration = .seconds(1)

    private let handle: OpaquePointer
    private let settings: PostgresSettings
    private var preparedNames: [String: String] = [:]
    /// Names are never reused, even for a statement whose preparation failed.
    private var preparedCount = 0
    /// The server's version as `PQserverVersion` gives it, e.g. 150020.
    let serverVersion: Int

    private init(handle: OpaquePointer, settings: PostgresSettings) {
        self.handle = handle
        self.settings = settings
        self.serverVersion = Int(PQserverVersion(handle))
    }

    deinit { PQfinish(handle) }

    /// Whether libpq still considers the connection usable.
    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Connects within the connect timeout and applies the session settings.
    static func connect(_ settings: PostgresSettings) throws(PostgresError) -> PGConnection {
        if let problem = LibPQ.loadProblem { throw PostgresError(.clientLibraryMissing, problem) }
        let deadline = ContinuousClock.now + .milliseconds(settings.connectTimeoutMilliseconds)
        let keys = ["dbname", "application_name", "client_encoding"]
        let values = [settings.conninfo, PostgresSettings.applicationName, "UTF8"]
        let started: OpaquePointer? = withCStrings(keys) { keyPointers in
            // libpq reads both arrays up to a NULL entry.
            withCStrings(values) { valuePointers in PQconnectStartParams(keyPointers + [nil], valuePointers + [nil], 1) }
        }
        guard let handle = started else { throw PostgresError(.connectFailed, "libpq could not allocate a connection") }
        if PQstatus(handle) == CONNECTION_BAD {
            let error = PostgresError.connecting(message(of: handle), secrets: settings.secrets)
            PQfinish(handle)
            throw error
        }
        var state = PGRES_POLLING_WRITING
        while state != PGRES_POLLING_OK {
            switch state {
            case PGRES_POLLING_FAILED:
                let error = PostgresError.connecting(message(of: handle), secrets: settings.secrets)
                PQfinish(handle)
                throw error
            case PGRES_POLLING_READING, PGRES_POLLING_WRITING:
                let events = Int16(state == PGRES_POLLING_READING ? POLLIN : POLLOUT)
                if !wait(for: events, on: PQsocket(handle), until: deadline) {
                    PQfinish(handle)
                    throw PostgresError(.connectTimeout,
                                        "no connection within \(settings.connectTimeoutMilliseconds) ms")
                }
            default:
                break
            }
            state = PQconnectPoll(handle)
        }
        let connection = PGConnection(handle: handle, settings: settings)
        try connection.configureSession()
        return connection
    }

    /// Non-blocking mode, the session settings in one round trip, then pipeline mode for good.
    private func configureSession() throws(PostgresError) {
        guard PQsetnonblocking(handle, 1) == 0 else { throw lost("cannot switch to non-blocking mode") }
        let timeout = settings.statementTimeoutMilliseconds
        // Integers only: nothing from outside is spliced into this SQL.
        let setup = "SET statement_timeout = \(timeout); SET lock_timeout = \(timeout); SET DateStyle = 'ISO, YMD'; "
            + "SET default_transaction_read_only = on; SET idle_in_transaction_session_timeout = \(max(timeout * 2, 10_000))"
        guard PQsendQuery(handle, setup) == 1 else { throw lost("cannot send the session settings") }
        try flush(until: resultDeadline())
        var failure: PostgresError?
        while let result = try nextResult(until: resultDeadline()) {
            if PQresultStatus(result) != PGRES_COMMAND_OK, failure == nil { failure = serverError(result) }
            PQclear(result)
        }
        if let failure { throw failure }
        guard PQenterPipelineMode(handle) == 1 else { throw lost("cannot enter pipeline mode") }
    }

    /// Runs `statements` in one `READ ONLY`, `REPEATABLE READ` transaction, in one round trip, and
    /// returns one result per statement (owned by the caller).
    func transaction(_ statements: [BoundStatement]) throws(PostgresError) -> [PGRows] {
        enum Step { case control, prepare(sql: String, name: String), query }
        var steps: [Step] = [.control]
        guard PQsendQueryParams(handle, "BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ", 0, nil, nil, nil, nil, 0) == 1
        else { throw lost("cannot send BEGIN") }
        for statement in statements {
            let name: String
            if let known = preparedNames[statement.sql] {
                name = known
            } else {
                preparedCount += 1
                name = "lus\(preparedCount)"
                let sent = statement.types.withUnsafeBufferPointer { types in
                    PQsendPrepare(handle, name, statement.sql, Int32(types.count), types.baseAddress)
                }
                guard sent == 1 else { throw lost("cannot send a statement") }
                steps.append(.prepare(sql: statement.sql, name: name))
            }
            guard Self.withCStrings(statement.values, { values in
                PQsendQueryPrepared(handle, name, Int32(statement.values.count), values, nil, nil, 0)
            }) == 1 else { throw lost("cannot send a statement") }
            steps.append(.query)
        }
        guard PQsendQueryParams(handle, "COMMIT", 0, nil, nil, nil, nil, 0) == 1 else { throw lost("cannot send COMMIT") }
        steps.append(.control)
        guard PQpipelineSync(handle) == 1 else { throw lost("cannot send a sync") }
        try flush(until: resultDeadline())

        var rows: [PGRows] = []
        rows.reserveCapacity(statements.count)
        var failure: PostgresError?
        for step in steps {
            guard let result = try nextResult(until: resultDeadline()) else { throw lost("a result is missing") }
            let status = PQresultStatus(result)
            switch step {
            case .query where status == PGRES_TUPLES_OK:
                rows.append(PGRows(result))
            case .prepare(let sql, let name) where status == PGRES_COMMAND_OK:
                preparedNames[sql] = name
                PQclear(result)
            case .control where status == PGRES_COMMAND_OK:
                PQclear(result)
            default:
                if failure == nil, status != PGRES_PIPELINE_ABORTED { failure = serverError(result) }
                PQclear(result)
            }
            // Each command's results end with a NULL.
            while let extra = try nextResult(until: resultDeadline()) { PQclear(extra) }
        }
        try awaitSync()
        if let failure {
            try rollBackIfNeeded()
            throw failure
        }
        return rows
    }

    /// A `SELECT 1` round trip, timed.
    func ping() throws(PostgresError) -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        guard PQsendQueryParams(handle, "SELECT 1", 0, nil, nil, nil, nil, 0) == 1, PQpipelineSync(handle) == 1 else {
            throw lost("cannot send a ping")
        }
        try flush(until: resultDeadline())
        guard let result = try nextResult(until: resultDeadline()) else { throw lost("the ping went unanswered") }
        let status = PQresultStatus(result)
        let failure = status == PGRES_TUPLES_OK ? nil : serverError(result)
        PQclear(result)
        while let extra = try nextResult(until: resultDeadline()) { PQclear(extra) }
        try awaitSync()
        if let failure { throw failure }
        return clock.now - start
    }

    // MARK: - Waiting on the socket

    private func resultDeadline() -> ContinuousClock.Instant {
        .now + .milliseconds(settings.statementTimeoutMilliseconds) + Self.resultGrace
    }

    /// Sends everything libpq has buffered, reading meanwhile so the server never blocks on us.
    private func flush(until deadline: ContinuousClock.Instant) throws(PostgresError) {
        while true {
            let pending = PQflush(handle)
            if pending == 0 { return }
            if pending < 0 { throw lost("the connection broke while sending") }
            guard Self.wait(for: Int16(POLLIN | POLLOUT), on: PQsocket(handle), until: deadline) else {
                throw lost("the server stopped accepting data")
            }
            guard PQconsumeInput(handle) == 1 else { throw lost("the connection broke") }
        }
    }

    /// The next result, or nil at the end of a command's results; waits at most until `deadline`.
    private func nextResult(until deadline: ContinuousClock.Instant) throws(PostgresError) -> OpaquePointer? {
        while PQisBusy(handle) == 1 {
            guard Self.wait(for: Int16(POLLIN), on: PQsocket(handle), until: deadline) else {
                throw lost("no answer within \(settings.statementTimeoutMilliseconds) ms plus grace")
            }
            guard PQconsumeInput(handle) == 1 else { throw lost("the connection broke") }
        }
        return PQgetResult(handle)
    }

    private func awaitSync() throws(PostgresError) {
        guard let sync = try nextResult(until: resultDeadline()) else { throw lost("the pipeline did not end") }
        let status = PQresultStatus(sync)
        PQclear(sync)
        guard status == PGRES_PIPELINE_SYNC else { throw lost("the pipeline ended out of order") }
    }

    /// After a failure inside BEGIN … COMMIT the session is left in an aborted transaction.
    private func rollBackIfNeeded() throws(PostgresError) {
        guard PQtransactionStatus(handle) != PQTRANS_IDLE else { return }
        guard PQsendQueryParams(handle, "ROLLBACK", 0, nil, nil, nil, nil, 0) == 1, PQpipelineSync(handle) == 1 else {
            throw lost("cannot send ROLLBACK")
        }
        try flush(until: resultDeadline())
        while let result = try nextResult(until: resultDeadline()) { PQclear(result) }
        try awaitSync()
    }

    /// Waits until `socket` is ready for `events` or `deadline` passes; false on timeout.
    static func wait(for events: Int16, on socket: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        guard socket >= 0 else { return true }  // let libpq report the problem
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        while true {
            let remaining = deadline - .now
            if remaining <= .zero { return false }
            let milliseconds = remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1
            let ready = poll(&descriptor, 1, Int32(clamping: milliseconds))
            if ready > 0 { return true }
            if ready < 0, errno != EINTR { return true }
        }
    }

    // MARK: - Errors

    private func lost(_ what: String) -> PostgresError {
        let libpq = PostgresError.scrub(Self.message(of: handle), secrets: settings.secrets)
        return PostgresError(.connectionLost, libpq.isEmpty ? what : "\(what): \(libpq)")
    }

    private func serverError(_ result: OpaquePointer) -> PostgresError {
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        let primary = PQresultErrorField(result, Int32(UInt8(ascii: "M"))).map { String(cString: $0) } ?? ""
        if state == nil, !isHealthy { return lost("the connection broke") }
        return PostgresError.fromServer(sqlState: state, message: PostgresError.scrub(primary, secrets: settings.secrets))
    }

    private static func message(of handle: OpaquePointer) -> String {
        PQerrorMessage(handle).map { String(cString: $0) } ?? ""
    }

    /// Calls `body` with NUL-terminated copies of `strings`, valid for the duration of the call.
    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        var buffer: [CChar] = []
        var offsets: [Int] = []
        offsets.reserveCapacity(strings.count)
        for string in strings {
            offsets.append(buffer.count)
            for byte in string.utf8 { buffer.append(CChar(bitPattern: byte)) }
            buffer.append(0)
        }
        guard !strings.isEmpty else { return body([]) }
        return buffer.withUnsafeBufferPointer { base in
            let start = base.baseAddress!
            return body(offsets.map { Optional(start + $0) })
        }
    }
}
