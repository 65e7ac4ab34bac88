import Dispatch
import Foundation
import Synchronization

/// Runs the built `lustores-mcp` for the data-tool end-to-end tests: the binary beside the test
/// bundle (`dirname(/proc/self/exe)/lustores-mcp`), fed stdin, with a deadline. Kept apart from
/// any other test helpers (names prefixed) so the files can live beside others.
enum DataToolsProcess {
    /// What a finished run left.
    struct Finished: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The server binary next to the test binary.
    static var binary: String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("lustores-mcp").path
    }

    /// Runs `binary arguments…` with `stdin` as its input and waits at most `timeout` seconds
    /// (then kills it and throws). The environment is this process's plus `environment`, with
    /// `XDG_DATA_HOME` pointed at `home` so no test touches the real default database.
    static func run(_ arguments: [String], stdin: Data = Data(), environment: [String: String] = [:], home: String,
                    timeout: Double = 120, executable: String? = nil) async throws -> Finished {
        let running = Running(try start(arguments, environment: environment, home: home, executable: executable))
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                let process = running.process
                let input = process.standardInput as! Pipe
                let output = process.standardOutput as! Pipe
                let errors = process.standardError as! Pipe
                let collected = Mutex<(out: Data, err: Data)>((Data(), Data()))
                let group = DispatchGroup()
                group.enter()
                DispatchQueue.global().async {
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    collected.withLock { $0.out = data }
                    group.leave()
                }
                group.enter()
                DispatchQueue.global().async {
                    let data = errors.fileHandleForReading.readDataToEndOfFile()
                    collected.withLock { $0.err = data }
                    group.leave()
                }
                try? input.fileHandleForWriting.write(contentsOf: stdin)
                try? input.fileHandleForWriting.close()
                if group.wait(timeout: .now() + timeout) == .timedOut {
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                    continuation.resume(throwing: Failure(description: "lustores-mcp \(arguments) did not finish in \(timeout) s"))
                    return
                }
                process.waitUntilExit()
                let (out, err) = collected.withLock { $0 }
                continuation.resume(returning: Finished(status: process.terminationStatus, stdout: out, stderr: err))
            }
        }
    }

    /// A started process handed to the thread that waits for it (Foundation's `Process` is not
    /// Sendable; only that thread touches it afterwards).
    final class Running: @unchecked Sendable {
        let process: Process
        init(_ process: Process) { self.process = process }
    }

    /// Starts `binary arguments…` (or `executable arguments…`) with piped stdin, stdout and stderr, and returns at once.
    static func start(_ arguments: [String], environment: [String: String] = [:], home: String,
                      executable: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        for key in variables.keys where key.hasPrefix("LUSTORES_") { variables[key] = nil }
        variables["XDG_DATA_HOME"] = home
        variables["LUSTORES_TIMEZONE"] = "UTC"
        for (key, value) in environment { variables[key] = value }
        process.environment = variables
        process.standardInput = Pipe()
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        return process
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
