import CLibPQ
import Foundation

/// A throwaway PostgreSQL cluster (`Tests/Postgres/cluster.sh`) holding the LUStores fixture
/// databases, started once per test process and stopped by the script's watchdog when the process
/// exits, however it exits.
///
/// Databases: `lus_drizzle` (Drizzle schema, fixtures, the three recommended indexes), `lus_init`
/// (init.sql schema, fixtures, LUStores' own indexes only), `lus_broken` (chargecodes without
/// `on_hold`), `lus_lock` and `lus_quiet` (copies of `lus_drizzle` for tests that lock or count).
/// The role `lus_reader` has SELECT on the five tables and nothing else.
public final class TestCluster: Sendable {
    /// The SELECT-only role and its password.
    public static let reader = "lus_reader"
    public static let readerPassword = "Rdr-secret-9f4q"

    /// The folder of the harness (`cluster.sh`, the SQL files).
    static let harness = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Postgres")

    /// Whether PostgreSQL's server programs are installed (the only reason to skip these tests).
    public static let serverProgramsInstalled: Bool = (try? run(harness.appendingPathComponent("cluster.sh").path, ["bindir"])) != nil

    /// The cluster of this test process, started (with its databases) on first use.
    public static let shared: Result<TestCluster, ClusterFailure> = Result { () throws(ClusterFailure) in
        let cluster = try TestCluster(label: "shared")
        try cluster.loadFixtures()
        return cluster
    }

    public let directory: String
    public let port: Int

    /// Starts a new cluster in a new temporary folder, watched by this process.
    public init(label: String) throws(ClusterFailure) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("lustores-pg-\(label)-\(UUID().uuidString.prefix(8))")
        directory = base.path
        let output = try Self.run(Self.harness.appendingPathComponent("cluster.sh").path,
                                  ["start", directory, "--watch", String(ProcessInfo.processInfo.processIdentifier)])
        guard let port = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ClusterFailure(message: "cluster.sh start printed no port")
        }
        self.port = port
    }

    /// Starts the cluster again after ``stop()``, on the same port.
    public func start() throws(ClusterFailure) {
        _ = try Self.run(Self.harness.appendingPathComponent("cluster.sh").path,
                         ["start", directory, "--watch", String(ProcessInfo.processInfo.processIdentifier)])
    }

    /// Stops the cluster (fast shutdown: sessions are cut).
    public func stop() throws(ClusterFailure) {
        _ = try Self.run(Self.harness.appendingPathComponent("cluster.sh").path, ["stop", directory])
    }

    /// The SELECT-only role's URL for `database`, over TCP.
    public func readerURL(_ database: String, password: String = TestCluster.readerPassword) -> String {
        "postgresql://\(Self.reader):\(password)@127.0.0.1:\(port)/\(database)"
    }

    /// The superuser's connection string (socket, trust).
    public func adminConninfo(_ database: String) -> String {
        "host=\(directory) port=\(port) user=postgres dbname=\(database)"
    }

    /// Runs SQL files, then commands, with psql as the superuser, stopping at the first error.
    public func psql(_ database: String, files: [String] = [], commands: [String] = []) throws(ClusterFailure) {
        var arguments = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", String(port), "-U", "postgres", "-d", database]
        // psql runs -f and -c in the order given: the files first, then the commands.
        for file in files { arguments += ["-f", Self.harness.appendingPathComponent(file).path] }
        for command in commands { arguments += ["-c", command] }
        _ = try Self.run(Self.psqlPath, arguments)
    }

    private func loadFixtures() throws(ClusterFailure) {
        try psql("postgres", commands: [
            "CREATE ROLE \(Self.reader) LOGIN PASSWORD '\(Self.readerPassword)'",
            "CREATE DATABASE lus_drizzle", "CREATE DATABASE lus_init", "CREATE DATABASE lus_broken",
        ])
        try psql("lus_drizzle", files: ["schema-drizzle.sql", "fixtures.sql"], commands: [
            "CREATE INDEX ON sale_items (sale_id)",
            "CREATE INDEX ON sales (created_at, id) INCLUDE (status, total_amount)",
            "CREATE INDEX ON sales (upper(charge_code), created_at, id) INCLUDE (charge_code, status, total_amount)",
        ])
        try psql("lus_init", files: ["schema-init.sql", "fixtures.sql"])
        try psql("lus_broken", files: ["schema-drizzle.sql", "fixtures.sql"],
                 commands: ["ALTER TABLE chargecodes DROP COLUMN on_hold"])
        try psql("postgres", commands: ["CREATE DATABASE lus_lock TEMPLATE lus_drizzle",
                                        "CREATE DATABASE lus_quiet TEMPLATE lus_drizzle"])
    }

    private static let psqlPath: String = {
        let bindir = (try? run(harness.appendingPathComponent("cluster.sh").path, ["bindir"]))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "/usr/bin"
        return FileManager.default.isExecutableFile(atPath: bindir + "/psql") ? bindir + "/psql" : "/usr/bin/psql"
    }()

    /// Runs a program to completion; its standard output, or a failure with its standard error.
    /// (posix_spawn and waitpid rather than Foundation's Process, whose waitUntilExit can miss a
    /// child's exit on Linux; output goes through files, so no pipe is held open by the cluster's
    /// own background processes.)
    @discardableResult
    public static func run(_ program: String, _ arguments: [String]) throws(ClusterFailure) -> String {
        let stem = FileManager.default.temporaryDirectory.appendingPathComponent("lustores-run-\(UUID().uuidString)").path
        let outputPath = stem + ".out"
        let errorPath = stem + ".err"
        defer {
            unlink(outputPath)
            unlink(errorPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, environ)
        guard spawned == 0 else { throw ClusterFailure(message: "cannot run \(program): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw ClusterFailure(message: "\(URL(fileURLWithPath: program).lastPathComponent) \(arguments.first ?? "") failed: \(errors)")
        }
        return output
    }
}

/// Why the test cluster could not be used.
public struct ClusterFailure: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// A superuser session on the test cluster, for what the tests do behind the server's back
/// (locking a table, reading statistics). Blocking libpq calls; each is short.
public final class AdminSession {
    private let handle: OpaquePointer

    public init(_ conninfo: String) throws(ClusterFailure) {
        guard let handle = PQconnectdb(conninfo) else { throw ClusterFailure(message: "PQconnectdb failed") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle))
            PQfinish(handle)
            throw ClusterFailure(message: "admin connection failed: \(message)")
        }
        self.handle = handle
    }

    deinit { PQfinish(handle) }

    /// Runs `sql` (simple protocol) and returns the rows of its last statement as text.
    @discardableResult
    public func execute(_ sql: String) throws(ClusterFailure) -> [[String?]] {
        guard let result = PQexec(handle, sql) else { throw ClusterFailure(message: "PQexec failed") }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            throw ClusterFailure(message: "admin statement failed: \(String(cString: PQresultErrorMessage(result)))")
        }
        return (0..<PQntuples(result)).map { row in
            (0..<PQnfields(result)).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }
}
