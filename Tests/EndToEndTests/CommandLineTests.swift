import Foundation
import JSONRPC
import Testing

/// `get_status`'s structuredContent from a `serve` session (2025-11-25) of the binary.
func statusFromServer(in directory: String, arguments: [String] = [], environment: [String: String] = [:],
                      sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSONValue {
    let run = try await runServer(in: directory, lines: [initializeRequest(0, version: "2025-11-25").line,
                                                         initializedNotification.line, callRequest(1, "get_status").line],
                                  arguments: arguments, environment: environment)
    let answers = responsesByID(expectWellBehaved(run, sourceLocation: sourceLocation))
    let result = try #require(answers["1"]?.first?.result, "get_status failed:\n\(run.stdoutText)\n\(run.stderr)",
                              sourceLocation: sourceLocation)
    #expect(result["isError"] == false, sourceLocation: sourceLocation)
    return try #require(result["structuredContent"], sourceLocation: sourceLocation)
}

/// The version `--version` prints.
func versionFromCommandLine(in directory: String) async throws -> String {
    let run = try await runCommand(in: directory, ["--version"])
    #expect(run.exit.termination == .exited(0))
    let line = run.stdoutText.trimmingCharacters(in: .newlines)
    let parts = line.split(separator: " ")
    try #require(parts.count == 2 && parts[0] == "lustores-mcp", "--version printed \(line.debugDescription)")
    return String(parts[1])
}

/// Writes a configuration file and returns its path.
func writeConfiguration(_ text: String, in directory: String, name: String = "config.json") throws -> String {
    let path = directory + "/" + name
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

/// The command line: version, help, `call`, usage errors, configuration and its precedence.
@Suite struct CommandLineTests {
    @Test func versionMatchesServerInfoAndGetStatus() async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runCommand(in: directory, ["--version"])
            #expect(run.exit.termination == .exited(0))
            #expect(run.stderr.isEmpty)
            #expect(rawLines(run.stdout).count == 1, "one line: \(run.stdoutText.debugDescription)")
            let version = try await versionFromCommandLine(in: directory)
            #expect(version.range(of: #"^[0-9]+\.[0-9]+\.[0-9]+"#, options: .regularExpression) != nil, "\(version)")

            let session = try await runServer(in: directory, lines: [initializeRequest(0, version: "2025-11-25").line,
                                                                     callRequest(1, "get_status").line])
            let answers = responsesByID(expectWellBehaved(session))
            #expect(answers["0"]?.first?.result?["serverInfo"]?["version"] == .string(version))
            #expect(answers["1"]?.first?.result?["structuredContent"]?["system"]?["version"] == .string(version))

            let call = try await runCommand(in: directory, ["call", "get_status", "--database", directory + "/store.sqlite"])
            #expect((try? JSONParser.parse(call.stdoutText))?["system"]?["version"] == .string(version))
        }
    }

    @Test(arguments: [["--help"], ["-h"], ["serve", "--help"], ["call", "get_status", "--help"]])
    func helpExitsZero(_ arguments: [String]) async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runCommand(in: directory, arguments)
            #expect(run.exit.termination == .exited(0))
            #expect(run.stdoutText.contains("Usage"), "\(run.stdoutText)")
            #expect(run.stdoutText.contains("--database"))
            #expect(run.stderr.isEmpty, "\(run.stderr)")
        }
    }

    @Test func callGetStatusPrintsTheStructuredContentAsOneLine() async throws {
        try await withTemporaryDirectory { directory in
            let database = directory + "/store.sqlite"
            let run = try await runCommand(in: directory, ["call", "get_status", "--database", database])
            #expect(run.exit.termination == .exited(0), "\(run.stderr)")
            #expect(rawLines(run.stdout).count == 1, "exactly one line: \(run.stdoutText)")
            #expect(run.stdout.last == 0x0A)
            let printed = try #require(try? JSONParser.parse(run.stdoutText), "not JSON: \(run.stdoutText)")
            let served = try await statusFromServer(in: directory)
            #expect(shape(printed) == shape(served), "call prints what get_status returns:\n\(printed)\n\(served)")
            // An explicit empty object is the same call.
            let withBraces = try await runCommand(in: directory, ["call", "get_status", "{}", "--database", database])
            #expect(withBraces.exit.termination == .exited(0))
            #expect(shape((try? JSONParser.parse(withBraces.stdoutText)) ?? nil) == shape(served))
        }
    }

    @Test func callWithBadArgumentsExitsOneWithTheErrorObject() async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runCommand(in: directory, ["call", "get_status", #"{"x":1}"#, "--database", directory + "/db.sqlite"])
            #expect(run.exit.termination == .exited(1))
            #expect(rawLines(run.stdout).count == 1, "\(run.stdoutText)")
            let printed = try #require(try? JSONParser.parse(run.stdoutText), "not JSON: \(run.stdoutText)")
            let error = try #require(printed["error"], "\(printed)")
            #expect(printed.objectValue?.keys == ["error"])
            #expect(error["code"] == "MCP_INVALID_REQUEST")
            #expect(error["message"]?.stringValue?.contains("x") == true)
            #expect(error["details"]?["field"] == "x")
            #expect(error["timestamp"]?.stringValue?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#,
                                                            options: .regularExpression) != nil)
        }
    }

    @Test func callOfAnUnknownToolExitsTwo() async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runCommand(in: directory, ["call", "nope", "--database", directory + "/db.sqlite"])
            #expect(run.exit.termination == .exited(2))
            #expect(run.stdout.isEmpty, "\(run.stdoutText)")
            #expect(run.stderr.contains("nope"), "the message names the tool: \(run.stderr)")
        }
    }

    @Test(arguments: [
        (["call", "get_status", "{not json"], "JSON"),
        (["call", "get_status", "[1]"], "object"),
    ])
    func callWithUnreadableArgumentsExitsTwo(_ arguments: [String], _ mentioned: String) async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runCommand(in: directory, arguments + ["--database", directory + "/db.sqlite"])
            #expect(run.exit.termination == .exited(2))
            #expect(run.stdout.isEmpty)
            #expect(run.stderr.contains(mentioned), "\(run.stderr)")
        }
    }

    @Test(arguments: [
        (["--frobnicate"], "--frobnicate"),
        (["serve", "--frobnicate", "1"], "--frobnicate"),
        (["call", "get_status", "--verbose"], "--verbose"),
        (["serve", "--database"], "--database"),
        (["frobnicate"], "frobnicate"),
    ])
    func usageErrorsExitTwoWithAMessage(_ arguments: [String], _ mentioned: String) async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runCommand(in: directory, arguments, timeout: .seconds(30))
            #expect(run.exit.termination == .exited(2), "\(arguments) → \(run.exit.termination)")
            #expect(run.stdout.isEmpty, "nothing on stdout: \(run.stdoutText)")
            #expect(run.stderr.contains(mentioned), "stderr names \(mentioned): \(run.stderr)")
        }
    }

    @Test(arguments: [
        (#"{"thresholds":{"cpu":"high"}}"#, "thresholds.cpu"),
        (#"{"bogus":1}"#, "bogus"),
        (#"{"thresholds":{"memory":150}}"#, "thresholds.memory"),
        (#"{"environment":5}"#, "environment"),
        (#"{"log_level":"loud"}"#, "log_level"),
    ])
    func badConfigurationStopsStartUpWithOneLineNamingTheKey(_ text: String, _ key: String) async throws {
        try await withTemporaryDirectory { directory in
            let config = try writeConfiguration(text, in: directory)
            // stdin stays open: start-up itself must stop.
            let server = try startServer(in: directory, arguments: ["--config", config])
            let exit = await server.waitForExit(within: .seconds(20))
            server.closeInput()
            let run = try await server.finish(within: .seconds(20))
            #expect(exit?.termination == .exited(2), "\(text) → \(String(describing: exit))")
            #expect(run.stdout.isEmpty, "\(run.stdoutText)")
            #expect(run.stderrLines.count == 1, "one line on stderr, got:\n\(run.stderr)")
            #expect(run.stderr.contains(key), "the line names \(key): \(run.stderr)")
        }
    }

    struct EnvironmentCase: Sendable, CustomTestStringConvertible {
        var flag: String?
        var variable: String?
        var file: String?
        var expected: String
        var testDescription: String { "flag=\(flag ?? "-") env=\(variable ?? "-") file=\(file ?? "-") → \(expected)" }
    }

    @Test(arguments: [
        EnvironmentCase(flag: nil, variable: nil, file: nil, expected: "development"),
        EnvironmentCase(flag: nil, variable: nil, file: "from-file", expected: "from-file"),
        EnvironmentCase(flag: nil, variable: "from-env", file: "from-file", expected: "from-env"),
        EnvironmentCase(flag: "staging", variable: "from-env", file: "from-file", expected: "staging"),
        EnvironmentCase(flag: "staging", variable: nil, file: "from-file", expected: "staging"),
        EnvironmentCase(flag: "staging", variable: "from-env", file: nil, expected: "staging"),
        EnvironmentCase(flag: nil, variable: "from-env", file: nil, expected: "from-env"),
    ])
    func environmentPrecedenceIsFlagThenVariableThenFile(_ setting: EnvironmentCase) async throws {
        try await withTemporaryDirectory { directory in
            var arguments = ["--database", directory + "/store.sqlite"]
            var environment: [String: String] = [:]
            if let flag = setting.flag { arguments += ["--environment", flag] }
            if let variable = setting.variable { environment["LUSTORES_ENVIRONMENT"] = variable }
            if let file = setting.file {
                arguments += ["--config", try writeConfiguration(#"{"environment":"\#(file)"}"#, in: directory)]
            }
            let call = try await runCommand(in: directory, ["call", "get_status"] + arguments, environment: environment)
            #expect(call.exit.termination == .exited(0), "\(call.stderr)")
            #expect((try? JSONParser.parse(call.stdoutText))?["system"]?["environment"] == .string(setting.expected))
            // The same through the MCP server.
            let served = try await statusFromServer(in: directory, arguments: Array(arguments.dropFirst(2)),
                                                    environment: environment)
            #expect(served["system"]?["environment"] == .string(setting.expected))
        }
    }

    @Test func configurationFileNamedByTheVariableIsRead() async throws {
        try await withTemporaryDirectory { directory in
            let config = try writeConfiguration(#"{"environment":"via-LUSTORES_CONFIG"}"#, in: directory)
            let status = try await statusFromServer(in: directory, environment: ["LUSTORES_CONFIG": config])
            #expect(status["system"]?["environment"] == "via-LUSTORES_CONFIG")
        }
    }

    struct DatabaseCase: Sendable, CustomTestStringConvertible {
        var flag: Bool
        var variable: Bool
        var file: Bool
        /// Which of "flag", "variable", "file", "default" must be used.
        var expected: String
        var testDescription: String { "flag=\(flag) env=\(variable) file=\(file) → \(expected)" }
    }

    @Test(arguments: [
        DatabaseCase(flag: false, variable: true, file: false, expected: "variable"),
        DatabaseCase(flag: true, variable: true, file: true, expected: "flag"),
        DatabaseCase(flag: false, variable: true, file: true, expected: "variable"),
        DatabaseCase(flag: false, variable: false, file: true, expected: "file"),
        DatabaseCase(flag: false, variable: false, file: false, expected: "default"),
    ])
    func databaseLocationIsHonoured(_ setting: DatabaseCase) async throws {
        try await withTemporaryDirectory { directory in
            let paths = [
                "flag": directory + "/from-flag/store.sqlite",
                "variable": directory + "/from-variable/store.sqlite",
                "file": directory + "/from-file/store.sqlite",
                // childEnvironment sets XDG_DATA_HOME to directory/xdg-data.
                "default": directory + "/xdg-data/lustores-mcp/store.sqlite",
            ]
            // A named database's folder must exist; only the default one is created.
            for name in ["flag", "variable", "file"] {
                try FileManager.default.createDirectory(atPath: directory + "/from-\(name)", withIntermediateDirectories: true)
            }
            var arguments: [String] = []
            var environment: [String: String] = [:]
            if setting.flag { arguments += ["--database", paths["flag"]!] }
            if setting.variable { environment["LUSTORES_DATABASE"] = paths["variable"]! }
            if setting.file {
                arguments += ["--config", try writeConfiguration(#"{"database":"\#(paths["file"]!)"}"#, in: directory)]
            }
            let run = try await runServer(in: directory, lines: [initializeRequest(0, version: "2025-11-25").line,
                                                                 callRequest(1, "get_status").line],
                                          arguments: arguments, environment: environment, databaseFlag: false)
            let answers = responsesByID(expectWellBehaved(run))
            #expect(answers["1"]?.first?.result?["structuredContent"]?["database"]?["connected"] == true)
            for (name, path) in paths {
                #expect(FileManager.default.fileExists(atPath: path) == (name == setting.expected),
                        "\(name) database at \(path) should \(name == setting.expected ? "" : "not ")exist")
            }
            #expect(run.stderr.contains(paths[setting.expected]!), "the startup line names the database: \(run.stderr)")
        }
    }
}

/// The structure of a JSON value: objects by key, arrays by element, scalars by kind (every number
/// is "number", so 0.5 and 1 match).
func shape(_ value: JSONValue?) -> JSONValue {
    switch value {
    case nil: return "absent"
    case .object(let object)?:
        return .object(JSONObject(object.keys.sorted().map { ($0, shape(object[$0])) }))
    case .array(let elements)?: return .array(elements.map(shape))
    case .integer?, .double?: return "number"
    case .string?: return "string"
    case .bool?: return "boolean"
    case .null?: return "null"
    }
}
