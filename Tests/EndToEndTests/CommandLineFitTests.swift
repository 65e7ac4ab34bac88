import Foundation
import JSONRPC
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The command line's fit and finish: each command's own usage, a port already in use, databases
/// named wrongly, SIGINT on the HTTP server, and every example of the README against a fresh
/// default database.
@Suite struct CommandLineFitTests {
    static let commands = ["serve", "http", "call", "import", "demo-data", "doctor", "check", "test", "help"]

    @Test(arguments: commands)
    func eachCommandPrintsItsOwnUsage(_ command: String) async throws {
        try await withTemporaryDirectory { directory in
            let help = try await runCommand(in: directory, ["help", command])
            let flag = try await runCommand(in: directory, [command, "--help"])
            #expect(help.exit.termination == .exited(0) && flag.exit.termination == .exited(0))
            #expect(help.stdoutText == flag.stdoutText)
            let first = help.stdoutText.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.hasPrefix("Usage: lustores-mcp \(command == "serve" ? "[serve]" : command)"), "\(first)")
            for other in Self.commands where other != command && other != "help" {
                #expect(!help.stdoutText.contains("Usage: lustores-mcp \(other)"), "\(command)'s help shows \(other)'s usage")
            }
            #expect(help.stderr.isEmpty)
        }
    }

    @Test func helpAloneShowsEveryCommandAndAnUnknownTopicIsAUsageError() async throws {
        try await withTemporaryDirectory { directory in
            let all = try await runCommand(in: directory, ["help"])
            #expect(all.exit.termination == .exited(0))
            for command in Self.commands {
                #expect(all.stdoutText.contains("lustores-mcp \(command == "serve" ? "[serve]" : command)"), "\(command) missing")
            }
            let unknown = try await runCommand(in: directory, ["help", "frobnicate"])
            #expect(unknown.exit.termination == .exited(2) && unknown.stderr.contains("frobnicate"))
        }
    }

    @Test func aPortInUseFailsAtOnceAndIsNeverShared() async throws {
        try await withTemporaryDirectory { directory in
            let first = try await startHTTP(["--insecure-no-auth"])
            defer { first.terminate() }
            let second = try await runCommand(in: directory, ["http", "--port", "\(first.port)", "--insecure-no-auth",
                                                              "--database", directory + "/store.sqlite"], timeout: .seconds(60))
            #expect(second.exit.termination == .exited(1), "\(second.exit.termination): \(second.stderr)")
            #expect(second.stderr.lowercased().contains("address already in use"), "\(second.stderr)")
            // Not even a socket that asks to share the port (SO_REUSEPORT) may bind it.
            #expect(bindErrno(port: first.port, reusePort: true) == EADDRINUSE)
        }
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func theHTTPServerStopsOnSIGINTAsOnSIGTERM(_ signalNumber: Int32) async throws {
        let server = try await startHTTP(["--insecure-no-auth"])
        server.child.signal(signalNumber)
        let (status, stderr) = try await server.finish(within: .seconds(30))
        #expect(status == 0, "signal \(signalNumber) → \(status): \(stderr)")
    }

    @Test func aNamedDatabaseInAMissingFolderIsAnErrorNamingItAndCreatesNothing() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/no-such-folder/store.sqlite"
            for arguments in [["call", "get_status"], ["demo-data"], ["serve"], ["check"]] {
                let run = try await runCommand(in: directory, arguments + ["--database", path])
                #expect(run.exit.termination != .exited(0), "\(arguments)")
                #expect((run.stderr + run.stdoutText).contains(path), "\(arguments) names the path: \(run.stderr)")
            }
            let variable = try await runCommand(in: directory, ["call", "get_status"], environment: ["LUSTORES_DATABASE": path])
            #expect(variable.exit.termination == .exited(2) && variable.stderr.contains(path), "\(variable.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory + "/no-such-folder"))
        }
    }

    @Test func aNamedFileThatIsNotSQLiteIsAnErrorAndIsLeftAlone() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/notes.txt"
            let text = "not a database, just notes\n"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            for arguments in [["call", "get_sales"], ["demo-data"], ["import", path]] {
                let run = try await runCommand(in: directory, arguments + ["--database", path])
                #expect(run.exit.termination == .exited(2), "\(arguments) → \(run.exit.termination)")
                #expect(run.stderr.contains("\(path) is not a SQLite database"), "\(run.stderr)")
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
        }
    }

    /// Every `lustores-mcp call TOOL ['JSON']` and every `curl …/api/mcp/…` of README.md, run as
    /// written (the curl host and port replaced by the test server's) against a fresh default
    /// database, in UTC; each must answer with data.
    @Test func everyReadmeExampleReturnsDataOnAFreshDefaultDatabase() async throws {
        let readme = try String(contentsOfFile: Paths.repositoryRoot + "/README.md", encoding: .utf8)
        let calls = Self.matches(of: #"lustores-mcp call ([a-z_]+)(?: '([^']*)')?"#, in: readme)
        let curls = Self.matches(of: #"curl [^`\n]*/api/mcp/[^`\n]*"#, in: readme).map { $0[0] }
        try #require(calls.count >= 3 && !curls.isEmpty, "the README's examples were not found")
        try await withTemporaryDirectory { directory in
            let utc = ["LUSTORES_TIMEZONE": "UTC"]
            for call in calls {
                let arguments = ["call", call[1]] + (call[2].isEmpty ? [] : [call[2]])
                let run = try await runCommand(in: directory, arguments, environment: utc)
                #expect(run.exit.termination == .exited(0), "\(call[0]): \(run.stdoutText) \(run.stderr)")
                Self.expectData(try JSONParser.parse(run.stdout), example: call[0])
            }
            let server = try Subprocess(Paths.server, ["http", "--port", "0", "--insecure-no-auth", "--log-level", "warning"],
                                        environment: childEnvironment(directory, utc))
            defer { server.signal(SIGTERM) }
            var port = ""
            _ = await server.stderr.wait(within: .seconds(60)) { bytes in
                let text = String(decoding: bytes, as: UTF8.self)
                guard let range = text.range(of: #"listening on http://127\.0\.0\.1:[0-9]+\n"#, options: .regularExpression) else { return false }
                port = String(text[range].dropFirst("listening on http://127.0.0.1:".count).dropLast())
                return true
            }
            try #require(!port.isEmpty, "the HTTP shim did not start: \(String(decoding: server.stderr.bytes, as: UTF8.self))")
            for curl in curls {
                let command = curl.replacingOccurrences(of: "localhost:8080", with: "127.0.0.1:\(port)")
                    .replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(port)")
                let run = try await Subprocess.run("/bin/sh", ["-c", command + " --silent --show-error"],
                                                   environment: childEnvironment(directory, utc))
                #expect(run.exit.termination == .exited(0), "\(curl): \(run.stderr)")
                Self.expectData(try JSONParser.parse(run.stdout), example: curl)
            }
        }
    }

    /// An answer with data: no error object, and the sales or items it lists not empty.
    static func expectData(_ answer: JSONValue, example: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(answer["error"] == nil, "\(example) failed: \(answer)", sourceLocation: sourceLocation)
        for key in ["sales", "items"] {
            if let list = answer[key]?.arrayValue {
                #expect(!list.isEmpty, "\(example) returned no \(key)", sourceLocation: sourceLocation)
            }
        }
    }

    /// The capture groups ("" when a group did not take part) of every match of `pattern`.
    static func matches(of pattern: String, in text: String) -> [[String]] {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        let whole = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: whole).map { match in
            (0..<match.numberOfRanges).map { group in
                Range(match.range(at: group), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }
}

/// The errno of binding 127.0.0.1:`port` (0 when it bound), with `SO_REUSEPORT` if asked.
private func bindErrno(port: Int, reusePort: Bool) -> Int32 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var one: Int32 = 1
    if reusePort { setsockopt(descriptor, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size)) }
    setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    return result == 0 ? 0 : errno
}
