import Foundation

/// Runs the built `lustores-mcp` for the data-tool end-to-end tests: the binary beside the test
/// bundle (`dirname(/proc/self/exe)/lustores-mcp`), fed stdin, with a deadline, as a ``Subprocess``.
enum DataToolsProcess {
    /// What a finished run left.
    struct Finished: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// The server binary next to the test binary.
    static var binary: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("lustores-mcp").path
    }

    /// Runs `binary arguments…` (or `executable arguments…`) with `stdin` as its input, then end of
    /// input, and waits at most `timeout` seconds for it to exit and close stdout and stderr; on
    /// timeout it is killed and `SubprocessFailure.timedOut` thrown with what it wrote. The status
    /// is the exit status, or 128 + N when a signal N ended it. All blocking reads, writes and waits
    /// happen on threads of their own (``Subprocess``), never on the cooperative pool.
    static func run(_ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:], home: String,
                    timeout: Double = 120, executable: String? = nil) async throws -> Finished {
        let child = try start(arguments, environment: environment, home: home, executable: executable)
        await child.send(Array(stdin), close: true)
        let completed = try await child.finish(within: .seconds(timeout))
        return Finished(status: completed.exit.termination.status, stdout: Data(completed.stdout),
                        stderr: Data(completed.stderr.utf8))
    }

    /// Starts `binary arguments…` (or `executable arguments…`) with its stdin open, its stdout and
    /// stderr read by ``OutputCollector``s, and returns at once; the child is killed if the caller
    /// lets go of it still running. The environment is this process's without any `LUSTORES_*`
    /// setting, with `XDG_DATA_HOME` = `home` (so no test touches the real default database) and
    /// `LUSTORES_TIMEZONE=UTC`, then `environment` over them.
    static func start(_ arguments: [String], environment: [String: String] = [:], home: String,
                      executable: String? = nil) throws -> Subprocess {
        let fixed = ["XDG_DATA_HOME": home, "LUSTORES_TIMEZONE": "UTC"]
        return try Subprocess(executable ?? binary, arguments,
                              environment: childEnvironment(home, fixed.merging(environment) { $1 }))
    }

    /// Runs `body` with a new temporary directory, removed afterwards.
    static func withDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("lustores-data-e2e-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url.path)
    }

    /// Whether the server binary exists (the tests say so clearly when it does not).
    static var binaryExists: Bool { FileManager.default.isExecutableFile(atPath: binary) }
}
