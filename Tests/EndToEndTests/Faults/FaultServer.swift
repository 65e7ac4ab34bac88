import Foundation
import JSONRPC
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

// Helpers of the fault suite: a server on a database of demo data, called tool by tool, and the
// faults themselves (immutable flags, mounts, other processes holding the file).

/// `lustores-mcp serve` on one database, initialised, answering one tool call at a time.
final class FaultServer: Sendable {
    let process: Subprocess
    private let nextID = Mutex(1)

    /// Starts the server on `database` (`prefix`, e.g. `setpriv …`, runs it under another user;
    /// `arguments` follow the database, e.g. `--config`).
    init(in directory: String, database: String, prefix: [String] = [], arguments: [String] = []) async throws {
        try Paths.requireServer()
        let command = prefix + [Paths.server, "serve", "--database", database] + arguments
        process = try Subprocess(command[0], Array(command.dropFirst()), environment: childEnvironment(directory))
        _ = try await send(initializeRequest(0, version: "2025-06-18"))
        _ = await process.send(initializedNotification.line + "\n")
    }

    /// What a tool call gave: whether it is an error and its structured content.
    struct Answer {
        let isError: Bool
        let content: JSONValue
        var errorCode: String? { content["error"]?["code"]?.stringValue }
        var errorMessage: String { content["error"]?["message"]?.stringValue ?? "" }
    }

    /// Calls `tool`; throws when no answer comes within 60 s or the server is gone.
    func call(_ tool: String, _ arguments: JSONValue = [:]) async throws -> Answer {
        let id = nextID.withLock { id in defer { id += 1 }; return id }
        let response = try await send(callRequest(.integer(Int64(id)), tool, arguments))
        let result = try #require(response.result, "\(response.line)")
        return Answer(isError: result["isError"] == true, content: result["structuredContent"] ?? .null)
    }

    /// The `get_status` result.
    func status() async throws -> JSONValue {
        try await call("get_status").content
    }

    /// Runs the built-in `sales` suite (it writes its execution to the database twice) and returns
    /// the answer of `run_tests`, or of `get_test_result` once the run has ended.
    func runSalesSuite() async throws -> Answer {
        let started = try await call("run_tests", ["test_type": "sales"])
        guard !started.isError, let id = started.content["execution_id"] else { return started }
        return try await call("get_test_result", ["execution_id": id, "wait_seconds": 60])
    }

    private func send(_ message: JSONValue) async throws -> JSONValue {
        let id = try #require(message["id"])
        let written = await process.send(message.line + "\n")
        try #require(written, "the server stopped reading; stderr:\n\(String(decoding: process.stderr.bytes.suffix(2000), as: UTF8.self))")
        var found: JSONValue?
        let answered = await process.stdout?.wait(within: .seconds(60)) { bytes in
            found = parsedLines(bytes).lazy.compactMap { $0 }.first { $0["id"] == id && $0["method"] == nil }
            return found != nil
        } ?? false
        try #require(answered, "no answer to \(message.line); stderr:\n\(String(decoding: process.stderr.bytes.suffix(2000), as: UTF8.self))")
        return try #require(found)
    }

    /// Whether the server process is still running (not killed by a signal, e.g. SIGBUS).
    func isRunning() async -> Bool {
        await process.waitForExit(within: .zero) == nil
    }

    /// Ends the server (end of input) and expects a clean exit.
    func stop(sourceLocation: SourceLocation = #_sourceLocation) async {
        process.closeInput()
        let exit = await process.waitForExit(within: .seconds(60))
        #expect(exit?.termination == .exited(0), "\(String(describing: exit)); stderr:\n\(String(decoding: process.stderr.bytes.suffix(2000), as: UTF8.self))",
                sourceLocation: sourceLocation)
        if exit == nil { await process.kill() }
    }
}

/// Faults that need privileges: the immutable flag, mounts.
enum Privileges {
    static var isRoot: Bool { geteuid() == 0 }
    static let rootReason = "needs root (chattr, mount): run as root, as CI does"
}

/// Runs a command to its end and returns its status and output (for chattr, mount, python3).
@discardableResult
func shell(_ arguments: [String], in directory: String) async throws -> Completed {
    try await Subprocess.run(arguments[0], Array(arguments.dropFirst()), environment: childEnvironment(directory),
                             timeout: .seconds(60))
}

/// A database of demo data at `directory/name` (300 sales), made through the binary.
func demoDatabase(in directory: String, name: String = "store.sqlite") async throws -> String {
    let path = directory + "/" + name
    let made = try await runCommand(in: directory, ["demo-data", "--sales", "300", "--items", "40", "--database", path])
    try #require(made.exit.termination == .exited(0), "\(made.stderr)")
    return path
}

/// Bytes `count` at `offset` of the file at `path`.
func readBytes(_ path: String, at offset: UInt64, count: Int) throws -> Data {
    let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    defer { try? file.close() }
    try file.seek(toOffset: offset)
    return try file.read(upToCount: count) ?? Data()
}

/// Overwrites the file at `path` with `bytes` at `offset`.
func writeBytes(_ path: String, _ bytes: Data, at offset: UInt64) throws {
    let file = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    defer { try? file.close() }
    try file.seek(toOffset: offset)
    try file.write(contentsOf: bytes)
}
