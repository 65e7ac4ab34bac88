/// What the command line asked for. Flags follow the subcommand (`lustores-mcp call get_status
/// --database PATH`); `--name value` and `--name=value` are both accepted.
struct CommandLineOptions: Equatable {
    enum Command: Equatable {
        case serve
        case call(tool: String, arguments: String?)
        case importFile(path: String)
        case demoData(DemoDataRequest)
        case http
        /// `doctor`: what the configured PostgreSQL database holds and lacks.
        case doctor
        /// `keys new`: a new random API key and its keys-file line.
        case newKey(name: String, scopes: String)
        /// `check`: the monitoring plugin (``ClientOptions``).
        case check
        /// `test TYPE`: the CI client (``ClientOptions``).
        case test(type: String)
        /// `help [COMMAND]`, or `--help` anywhere: the usage of one command, or of all.
        case help(topic: String?)
        case version
    }

    var command: Command = .serve
    var database: String?
    /// `--database-url`: LUStores' PostgreSQL database (never printed: it may hold a password).
    var databaseURL: String?
    var config: String?
    var environment: String?
    var logLevel: String?
    /// `http` only: address and port to listen on, and whether to run without API keys.
    var host = "127.0.0.1"
    var port = 8080
    var insecureNoAuth = false
    /// `--read-only`: no `run_tests` on any transport.
    var readOnly = false
    /// `check` and `test` only.
    var client = ClientOptions()

    /// What `demo-data` was asked for; nil means the default.
    struct DemoDataRequest: Equatable {
        var sales: Int?
        var items: Int?
        var seed: UInt64?
        /// `--end-date YYYY-MM-DD`: the last trading day (the whole day); default now.
        var endDate: String?
    }

    /// A command line that cannot be understood; the message names what is wrong.
    struct UsageError: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    static let valueFlags: Set<String> = ["--database", "--database-url", "--config", "--environment", "--log-level"]
    /// Flags only `demo-data` takes.
    static let demoDataFlags: Set<String> = ["--sales", "--items", "--seed", "--end-date"]
    /// Flags only `http` takes (`--insecure-no-auth` takes no value).
    static let httpFlags: Set<String> = ["--host", "--port"]
    static let httpSwitches: Set<String> = ["--insecure-no-auth"]
    /// Flags only `keys new` takes.
    static let keysFlags: Set<String> = ["--name", "--scopes"]

    /// Every command, as typed.
    static let commandNames = ["serve", "http", "call", "import", "demo-data", "doctor", "check", "test", "keys", "help"]

    /// Parses `arguments` (without the program name).
    static func parse(_ arguments: [String]) throws(UsageError) -> CommandLineOptions {
        if arguments.contains("--help") || arguments.contains("-h") {
            return CommandLineOptions(command: .help(topic: arguments.first { commandNames.contains($0) }))
        }
        var options = CommandLineOptions()
        var clientFlagsSeen: [(flag: String, commands: Set<String>)] = []
        var positional: [String] = []
        var demo = DemoDataRequest()
        var demoFlagsSeen: [String] = []
        var httpFlagsSeen: [String] = []
        var keysValues: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--version" { return CommandLineOptions(command: .version) }
            guard (argument.hasPrefix("--") && argument.count > 2) || ClientOptions.shortFlags.contains(argument) else {
                positional.append(argument)
                continue
            }
            if argument == "--read-only" {
                options.readOnly = true
                continue
            }
            if httpSwitches.contains(argument) {
                httpFlagsSeen.append(argument)
                options.insecureNoAuth = true
                continue
            }
            if ClientOptions.checkSwitches.contains(argument) {
                clientFlagsSeen.append((argument, ["check"]))
                options.client.warnOnFailedTests = true
                continue
            }
            var name = argument
            var value: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                value = String(argument[argument.index(after: equals)...])
            }
            let clientCommands: Set<String> = ClientOptions.sharedFlags.contains(name) ? ["check", "test"]
                : ClientOptions.checkFlags.contains(name) ? ["check"] : ClientOptions.testFlags.contains(name) ? ["test"] : []
            guard valueFlags.contains(name) || demoDataFlags.contains(name) || httpFlags.contains(name)
                    || keysFlags.contains(name) || !clientCommands.isEmpty else {
                throw UsageError(description: "unknown option \(name)")
            }
            if value == nil {
                guard index < arguments.count else { throw UsageError(description: "\(name) needs a value") }
                value = arguments[index]
                index += 1
            }
            guard let value, !value.isEmpty else { throw UsageError(description: "\(name) needs a value") }
            switch name {
            case "--database": options.database = value
            case "--database-url": options.databaseURL = value
            case "--config": options.config = value
            case "--environment": options.environment = value
            case "--log-level": options.logLevel = value
            case "--host":
                httpFlagsSeen.append(name)
                options.host = value
            case "--name", "--scopes":
                keysValues[name] = value
            case "--port":
                httpFlagsSeen.append(name)
                guard let port = Int(value), (0...65535).contains(port) else {
                    throw UsageError(description: "--port must be a number from 0 to 65535")
                }
                options.port = port
            case _ where !clientCommands.isEmpty:
                clientFlagsSeen.append((name, clientCommands))
                try options.client.set(name, value)
            default:
                demoFlagsSeen.append(name)
                try demo.set(name, value)
            }
        }
        switch positional.first {
        case nil, "serve"?:
            guard positional.count <= 1 else { throw UsageError(description: "serve takes no arguments") }
            options.command = .serve
        case "http"?:
            guard positional.count == 1 else { throw UsageError(description: "http takes no arguments") }
            options.command = .http
        case "doctor"?:
            guard positional.count == 1 else { throw UsageError(description: "doctor takes no arguments") }
            options.command = .doctor
        case "call"?:
            guard positional.count >= 2 else { throw UsageError(description: "call needs a tool name") }
            guard positional.count <= 3 else { throw UsageError(description: "call takes a tool name and one JSON argument") }
            options.command = .call(tool: positional[1], arguments: positional.count == 3 ? positional[2] : nil)
        case "import"?:
            guard positional.count == 2 else { throw UsageError(description: "import needs exactly one FILE (JSON or CSV)") }
            options.command = .importFile(path: positional[1])
        case "keys"?:
            guard positional.count == 2, positional[1] == "new" else { throw UsageError(description: "keys takes one subcommand: keys new") }
            guard let name = keysValues["--name"], let scopes = keysValues["--scopes"] else {
                throw UsageError(description: "keys new needs --name NAME and --scopes SCOPE[,SCOPE…]")
            }
            options.command = .newKey(name: name, scopes: scopes)
        case "demo-data"?:
            guard positional.count == 1 else { throw UsageError(description: "demo-data takes no arguments, only flags") }
            options.command = .demoData(demo)
        case "check"?:
            guard positional.count == 1 else { throw UsageError(description: "check takes no arguments, only flags") }
            options.command = .check
        case "test"?:
            guard positional.count == 2 else { throw UsageError(description: "test needs exactly one test type (unit, integration, e2e, sales, system)") }
            options.command = .test(type: positional[1])
        case "help"?:
            guard positional.count <= 2 else { throw UsageError(description: "help takes at most one command name") }
            if positional.count == 2, !commandNames.contains(positional[1]) {
                throw UsageError(description: "no command \(positional[1]) (commands: \(commandNames.joined(separator: ", ")))")
            }
            options.command = .help(topic: positional.count == 2 ? positional[1] : nil)
        case let other?:
            throw UsageError(description: "unknown command \(other)")
        }
        if let flag = demoFlagsSeen.first, options.command != .demoData(demo) {
            throw UsageError(description: "\(flag) is an option of demo-data only")
        }
        if let flag = keysValues.keys.sorted().first, !options.command.isNewKey {
            throw UsageError(description: "\(flag) is an option of keys new only")
        }
        if let flag = httpFlagsSeen.first, options.command != .http {
            throw UsageError(description: "\(flag) is an option of http only")
        }
        let commandName = positional.first ?? "serve"
        if let seen = clientFlagsSeen.first(where: { !$0.commands.contains(commandName) }) {
            throw UsageError(description: "\(seen.flag) is an option of \(seen.commands.sorted().joined(separator: " and ")) only")
        }
        return options
    }

    static let usage = """
        lustores-mcp — the Model Context Protocol server of LUStores

        Usage:
          lustores-mcp [serve]              stdio MCP server (the default)
          lustores-mcp call TOOL [JSON]     run one tool; its result JSON on stdout
                                            (exit 1 when the tool reports an error)
          lustores-mcp import FILE          load a JSON file (schemas/import.schema.json) or an items
                                            CSV (sku,name,category,price,stock,minimum_stock,unit,
                                            location) in one transaction: all of it, or at the first
                                            bad record nothing (exit 1); prints what it did
          lustores-mcp demo-data [--sales N] [--items N] [--seed S] [--end-date YYYY-MM-DD]
                                            fill an empty database with deterministic demo data
                                            (default 5000 sales, 500 items, seed 42, up to now)
          lustores-mcp http [--host H] [--port P] [--insecure-no-auth]
                                            REST shim and MCP Streamable HTTP at /mcp
                                            (default 127.0.0.1:8080; port 0 picks a free one);
                                            prints "listening on http://H:P" on stderr.
                                            API keys: env LUSTORES_API_KEYS (comma-separated)
                                            or api_keys_file; without keys it refuses to
                                            start unless --insecure-no-auth on loopback
          lustores-mcp keys new --name NAME --scopes SCOPE[,SCOPE…]
                                            print a new random API key (once: it is stored
                                            nowhere) and its line for api_keys_file,
                                            name=NAME scopes=… sha256=HEX; scopes: status, data,
                                            tests:run, tests:read, metrics
          lustores-mcp doctor               with --database-url: the PostgreSQL server's version,
                                            the role's rights (warns if it can write), each
                                            table's rows, and the recommended indexes missing
                                            with the CREATE INDEX statement for the owner
          lustores-mcp check [--url URL] [-w MS] [-c MS] [--warn-on-failed-tests] [--timeout S]
                                            monitoring plugin (Nagios, Icinga): one status line
                                            with perfdata; exit 0 OK, 1 WARNING, 2 CRITICAL,
                                            3 UNKNOWN
          lustores-mcp test TYPE [--url URL] [--junit FILE] [--json FILE]
                            [--min-coverage lines=80,branches=70] [--timeout S]
                                            CI client: run a suite, wait, print a summary; exit 0
                                            all passed, 1 failed, 2 usage, 3 server unreachable
          lustores-mcp help [COMMAND]       this help, or one command's (also COMMAND --help)

        Options (after the command):
          --database PATH       SQLite database (env LUSTORES_DATABASE; default
                                $XDG_DATA_HOME/lustores-mcp/store.sqlite, created with
                                demo data the first time serve or call uses it)
          --database-url URL    read sales and items live from LUStores' PostgreSQL database
                                (env LUSTORES_DATABASE_URL; a postgresql:// URI or libpq
                                key=value settings; the SQLite database then keeps only the
                                server's own state); config statement_timeout_ms (5000),
                                database_pool_size (4), connect_timeout_ms (5000)
          --config FILE         JSON configuration file (env LUSTORES_CONFIG)
          --environment NAME    environment name shown by get_status (env LUSTORES_ENVIRONMENT;
                                default development)
          --log-level LEVEL     debug, info, notice, warning or error (env LUSTORES_LOG_LEVEL;
                                default info); logs go to stderr
          --read-only           serve no run_tests on any transport (config read_only)
          --version             print the version
          --help                print this help

        Audit: LUSTORES_AUDIT_LOG (or "audit_log") names a file receiving one JSON line per HTTP
        call, failed authentication and stdio run_tests; SIGHUP reopens it (logrotate).

        Environment: LUSTORES_TIMEZONE (or "timezone" in the configuration file) is the IANA
        time zone of sales dates (today, yesterday, YYYY-MM-DD); default the system's.

        """
}

extension CommandLineOptions.Command {
    var isNewKey: Bool {
        if case .newKey = self { return true }
        return false
    }
}

extension CommandLineOptions.DemoDataRequest {
    /// Sets the value of one of `CommandLineOptions.demoDataFlags`, checking its form.
    mutating func set(_ flag: String, _ value: String) throws(CommandLineOptions.UsageError) {
        switch flag {
        case "--sales", "--items":
            guard let number = Int(value), number >= 0 else {
                throw CommandLineOptions.UsageError(description: "\(flag) needs a whole number, not \(value)")
            }
            if flag == "--sales" { sales = number } else { items = number }
        case "--seed":
            guard let number = UInt64(value) else {
                throw CommandLineOptions.UsageError(description: "--seed needs a whole number from 0, not \(value)")
            }
            seed = number
        default:
            endDate = value
        }
    }
}
