import Foundation
import JSONRPC
import Testing
#if canImport(Glibc)
import Glibc
#endif

// Helpers shared by the end-to-end suites: where the built server is, a private temporary
// directory per test, the requests of each protocol revision, and checks that apply to every run.

enum Paths {
    /// The package's root directory (this file is Tests/EndToEndTests/TestSupport.swift).
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The `lustores-mcp` executable built beside the running test binary (`swift test` builds it
    /// because EndToEndTests depends on it).
    static let server: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("lustores-mcp").path
    }()

    /// Fails the calling test unless the server binary exists.
    static func requireServer(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try #require(FileManager.default.isExecutableFile(atPath: server),
                     "no lustores-mcp executable at \(server) (beside the test binary)", sourceLocation: sourceLocation)
    }
}

/// Runs `body` with a new, empty directory of its own under the system temporary directory,
/// removed afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("lustores-e2e-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url.path)
}

/// The environment a child gets: this process's, without any `LUSTORES_*` setting of the person
/// running the tests, with `XDG_DATA_HOME` inside the test's directory (so even a run that names
/// no database never touches the user's default one), plus `extra`.
func childEnvironment(_ directory: String, _ extra: [String: String] = [:]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("LUSTORES_") }
    environment["XDG_DATA_HOME"] = directory + "/xdg-data"
    for (key, value) in extra { environment[key] = value }
    return environment
}

/// Starts `lustores-mcp serve` with `--database DIRECTORY/store.sqlite` (unless `databaseFlag`
/// is false) and `arguments`.
func startServer(in directory: String, arguments: [String] = [], environment: [String: String] = [:],
                 databaseFlag: Bool = true, stdout: Subprocess.Output = .collect()) throws -> Subprocess {
    try Paths.requireServer()
    let database = databaseFlag ? ["--database", directory + "/store.sqlite"] : []
    return try Subprocess(Paths.server, ["serve"] + database + arguments,
                          environment: childEnvironment(directory, environment), stdout: stdout)
}

/// Runs the server with `input` on stdin (then end of input) and returns everything it wrote.
func runServer(in directory: String, input: [UInt8], arguments: [String] = [], environment: [String: String] = [:],
               databaseFlag: Bool = true, timeout: Duration = .seconds(120)) async throws -> Completed {
    let server = try startServer(in: directory, arguments: arguments, environment: environment, databaseFlag: databaseFlag)
    await server.send(input, close: true)
    return try await server.finish(within: timeout)
}

func runServer(in directory: String, lines: [String], arguments: [String] = [], environment: [String: String] = [:],
               databaseFlag: Bool = true, timeout: Duration = .seconds(120)) async throws -> Completed {
    try await runServer(in: directory, input: Array(lines.map { $0 + "\n" }.joined().utf8), arguments: arguments,
                        environment: environment, databaseFlag: databaseFlag, timeout: timeout)
}

/// Runs `lustores-mcp ARGUMENTS` (no `--database` added) to its end.
func runCommand(in directory: String, _ arguments: [String], environment: [String: String] = [:],
                timeout: Duration = .seconds(60)) async throws -> Completed {
    try Paths.requireServer()
    return try await Subprocess.run(Paths.server, arguments, environment: childEnvironment(directory, environment),
                                    timeout: timeout)
}

// MARK: - Messages

enum Revision: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case v2024_11_05 = "2024-11-05"
    case v2025_03_26 = "2025-03-26"
    case v2025_06_18 = "2025-06-18"
    case v2025_11_25 = "2025-11-25"
    case v2026_07_28 = "2026-07-28"

    static let handshake: [Revision] = [.v2024_11_05, .v2025_03_26, .v2025_06_18, .v2025_11_25]

    var isStateless: Bool { self == .v2026_07_28 }
    var hasAnnotations: Bool { self != .v2024_11_05 }
    var hasStructuredOutput: Bool { self >= .v2025_06_18 }
    var testDescription: String { rawValue }

    static func >= (lhs: Revision, rhs: Revision) -> Bool {
        allCases.firstIndex(of: lhs)! >= allCases.firstIndex(of: rhs)!
    }
}

/// A request as a JSON value.
func request(_ id: JSONValue, _ method: String, _ params: JSONValue? = nil) -> JSONValue {
    var object = JSONObject([("jsonrpc", "2.0"), ("id", id), ("method", .string(method))])
    if let params { object.append("params", params) }
    return .object(object)
}

/// A notification as a JSON value.
func notification(_ method: String, _ params: JSONValue? = nil) -> JSONValue {
    var object = JSONObject([("jsonrpc", "2.0"), ("method", .string(method))])
    if let params { object.append("params", params) }
    return .object(object)
}

/// `initialize` asking for `version`.
func initializeRequest(_ id: JSONValue = 0, version: String) -> JSONValue {
    request(id, "initialize", ["protocolVersion": .string(version), "capabilities": [:],
                               "clientInfo": ["name": "e2e-tests", "version": "1.0"]])
}

let initializedNotification = notification("notifications/initialized")

/// `tools/call` of `name` with `arguments`.
func callRequest(_ id: JSONValue, _ name: String, _ arguments: JSONValue = [:]) -> JSONValue {
    request(id, "tools/call", ["name": .string(name), "arguments": arguments])
}

/// A 2026-07-28 request: `params` plus the per-request `_meta` envelope.
func statelessRequest(_ id: JSONValue, _ method: String, _ params: JSONValue = [:],
                      version: String = "2026-07-28") -> JSONValue {
    var full = params.objectValue ?? JSONObject()
    full["_meta"] = ["io.modelcontextprotocol/protocolVersion": .string(version),
                     "io.modelcontextprotocol/clientCapabilities": [:],
                     "io.modelcontextprotocol/clientInfo": ["name": "e2e-tests", "version": "1.0"]]
    return request(id, method, .object(full))
}

extension JSONValue {
    /// The compact JSON text, one line.
    var line: String { JSONWriter.string(self) }
    var errorCode: Int64? { self["error"]?["code"]?.integerValue }
    var result: JSONValue? { self["result"] }
    /// The parsed text of the first content block of a `CallToolResult`.
    var firstTextBlockJSON: JSONValue? {
        guard let text = self["content"]?.arrayValue?.first?["text"]?.stringValue else { return nil }
        return try? JSONParser.parse(text)
    }
}

// MARK: - Output

/// The lines of `bytes` (without the terminating newline of the last), each parsed as JSON
/// (nil when a line is not JSON).
func parsedLines(_ bytes: [UInt8]) -> [JSONValue?] {
    rawLines(bytes).map { try? JSONParser.parse($0) }
}

func rawLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    if lines.last?.isEmpty == true { lines.removeLast() }
    return lines
}

/// The responses among `messages`, by the JSON text of their id.
func responsesByID(_ messages: [JSONValue]) -> [String: [JSONValue]] {
    var answers: [String: [JSONValue]] = [:]
    for message in messages {
        guard let id = message["id"], message["method"] == nil else { continue }
        answers[id.line, default: []].append(message)
    }
    return answers
}

/// The checks every run of the server must pass, whatever it was sent: it exits with status 0
/// (after end of input), and every byte on stdout belongs to a line that is a JSON-RPC 2.0
/// message object, the last line included. Returns the parsed messages.
@discardableResult
func expectWellBehaved(_ run: Completed, sourceLocation: SourceLocation = #_sourceLocation) -> [JSONValue] {
    #expect(run.exit.termination == .exited(0), "the server must exit 0; stderr:\n\(run.stderr.suffix(3000))",
            sourceLocation: sourceLocation)
    return expectJSONLines(run.stdout, sourceLocation: sourceLocation)
}

/// Every line of `stdout` is a JSON object with `"jsonrpc":"2.0"`, and the output ends with a
/// newline. Returns the parsed objects.
@discardableResult
func expectJSONLines(_ stdout: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> [JSONValue] {
    if let last = stdout.last {
        #expect(last == 0x0A, "stdout must end with a newline", sourceLocation: sourceLocation)
    }
    var messages: [JSONValue] = []
    var bad: [String] = []
    var badCount = 0
    for (number, line) in rawLines(stdout).enumerated() {
        if let value = try? JSONParser.parse(line), value.objectValue != nil, value["jsonrpc"] == "2.0" {
            messages.append(value)
            continue
        }
        badCount += 1
        if bad.count < 5 { bad.append("line \(number + 1): \(String(decoding: line.prefix(200), as: UTF8.self))") }
    }
    #expect(badCount == 0, "\(badCount) stdout lines are not JSON-RPC objects, e.g.:\n\(bad.joined(separator: "\n"))",
            sourceLocation: sourceLocation)
    return messages
}

/// The tools `tools/list` must show, in order: one list for every test that checks it.
let expectedToolNames = ["get_status", "get_sales", "analyze_sales", "get_inventory", "run_tests", "get_test_result",
                         "analyze_inventory", "get_charge_codes"]
