import Foundation
import Testing

/// `--database-url` / `LUSTORES_DATABASE_URL` / `database_url` and the PostgreSQL settings, as the
/// binary takes them: checked at start-up with one line naming the setting, never printing the
/// password, and served by the PostgreSQL engine even while its server is down.
@Suite struct DatabaseURLTests {
    static let password = "Sup3r-s3cret"

    /// How a database URL reaches the binary: a flag, the environment or the configuration file.
    enum Source: String, CaseIterable, Sendable {
        case flag, environment, file
    }

    /// Runs `ARGUMENTS` with `url` given through `source`.
    func run(_ arguments: [String], url: String, through source: Source, in directory: String) async throws -> Completed {
        let database = ["--database", directory + "/store.sqlite"]
        switch source {
        case .flag:
            return try await runCommand(in: directory, arguments + database + ["--database-url", url])
        case .environment:
            return try await runCommand(in: directory, arguments + database, environment: ["LUSTORES_DATABASE_URL": url])
        case .file:
            let escaped = url.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            let config = try writeConfiguration(#"{"database_url":"\#(escaped)"}"#, in: directory)
            return try await runCommand(in: directory, arguments + database + ["--config", config])
        }
    }

    @Test("a URL whose server is down: the process starts, get_status is unhealthy, data calls answer MCP_UNAVAILABLE, the password is never printed",
          arguments: Source.allCases, ["postgresql://reader:\(password)@127.0.0.1:1/lustores",
                                       "host=127.0.0.1 port=1 dbname=lustores password='\(password)'"])
    func serverDown(_ source: Source, _ url: String) async throws {
        try await withTemporaryDirectory { directory in
            let sales = try await run(["call", "get_sales"], url: url, through: source, in: directory)
            #expect(sales.exit.termination == .exited(1), "via \(source): \(sales.stderr)")
            #expect(sales.stdoutText.contains("MCP_UNAVAILABLE"), "\(sales.stdoutText)")
            #expect(sales.stderr.contains("***"), "the URL is shown masked: \(sales.stderr)")
            let status = try await run(["call", "get_status"], url: url, through: source, in: directory)
            #expect(status.exit.termination == .exited(0), "\(status.stderr)")
            #expect(status.stdoutText.contains(#""status":"unhealthy""#), "\(status.stdoutText)")
            #expect(status.stdoutText.contains(#""connected":false"#), "\(status.stdoutText)")
            for text in [sales.stdoutText, sales.stderr, status.stdoutText, status.stderr] {
                #expect(!text.contains(Self.password), "\(text)")
            }
        }
    }

    @Test("import and demo-data refuse a database URL (exit 2) and write nothing", arguments: Source.allCases)
    func writersRefuseAURL(_ source: Source) async throws {
        try await withTemporaryDirectory { directory in
            let file = directory + "/items.csv"
            try Data("sku,name,category,price\nX-1,Thing,Misc,1.00\n".utf8).write(to: URL(fileURLWithPath: file))
            for arguments in [["import", file], ["demo-data", "--sales", "10"]] {
                let run = try await run(arguments, url: "postgresql://reader:\(Self.password)@db/lustores",
                                        through: source, in: directory)
                #expect(run.exit.termination == .exited(2), "\(arguments): \(run.stderr)")
                #expect(run.stderrLines.count == 1 && !run.stderr.contains(Self.password), "\(run.stderr)")
                #expect(!FileManager.default.fileExists(atPath: directory + "/store.sqlite"))
            }
        }
    }

    @Test("a malformed URL stops start-up (exit 2) naming where it came from, without repeating it",
          arguments: [(Source.flag, "--database-url"), (.environment, "LUSTORES_DATABASE_URL"), (.file, "database_url")])
    func malformed(_ source: Source, _ name: String) async throws {
        try await withTemporaryDirectory { directory in
            let run = try await run(["call", "get_sales"], url: "host=db password='\(Self.password)", through: source,
                                    in: directory)
            #expect(run.exit.termination == .exited(2), "\(run.stderr)")
            #expect(run.stderrLines.count == 1 && run.stderr.contains(name), "\(run.stderr)")
            #expect(!run.stderr.contains(Self.password), "\(run.stderr)")
        }
    }

    @Test("the PostgreSQL numbers are checked, one line naming the key", arguments: [
        (#"{"statement_timeout_ms":0}"#, "statement_timeout_ms"), (#"{"database_pool_size":65}"#, "database_pool_size"),
        (#"{"connect_timeout_ms":"5s"}"#, "connect_timeout_ms"), (#"{"database_pool_size":2.5}"#, "database_pool_size"),
        (#"{"database_url":""}"#, "database_url"),
    ])
    func badNumbers(_ text: String, _ key: String) async throws {
        try await withTemporaryDirectory { directory in
            let config = try writeConfiguration(text, in: directory)
            let run = try await runCommand(in: directory, ["call", "get_status", "--config", config,
                                                           "--database", directory + "/store.sqlite"])
            #expect(run.exit.termination == .exited(2), "\(text): \(run.stderr)")
            #expect(run.stderrLines.count == 1 && run.stderr.contains(key), "\(run.stderr)")
        }
    }

    @Test("without a URL the PostgreSQL numbers change nothing, and --help documents the setting")
    func settingsWithoutURL() async throws {
        try await withTemporaryDirectory { directory in
            let config = try writeConfiguration(#"{"statement_timeout_ms":100,"database_pool_size":2,"connect_timeout_ms":50}"#,
                                                in: directory)
            let run = try await runCommand(in: directory, ["call", "get_sales", "{\"limit\":1}", "--config", config,
                                                           "--database", directory + "/store.sqlite"])
            #expect(run.exit.termination == .exited(0), "\(run.stderr)")
            let help = try await runCommand(in: directory, ["--help"])
            #expect(help.stdoutText.contains("--database-url") && help.stdoutText.contains("LUSTORES_DATABASE_URL"))
        }
    }
}
