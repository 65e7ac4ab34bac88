/// The usage of each command, for `lustores-mcp help COMMAND` and `lustores-mcp COMMAND --help`;
/// without a command, the whole of ``CommandLineOptions/usage``.
enum CommandHelp {
    /// The text for `topic` (a name of ``CommandLineOptions/commandNames``), or the full usage.
    static func text(for topic: String?) -> String {
        guard let topic, let body = commands[topic] else { return CommandLineOptions.usage }
        return body + "\n" + common
    }

    static let common = """
        Options every command takes (lustores-mcp help explains each):
          --database PATH  --database-url URL  --config FILE  --environment NAME  --log-level LEVEL  --read-only

        """

    static let commands: [String: String] = [
        "serve": """
            Usage: lustores-mcp [serve]

            The MCP server on stdio (newline-delimited JSON-RPC 2.0): what an MCP client starts.
            Logs go to stderr. SIGTERM or SIGINT finish the requests in flight, then exit 0.

            """,
        "http": """
            Usage: lustores-mcp http [--host H] [--port P] [--insecure-no-auth]

            The REST shim and MCP Streamable HTTP at /mcp on one HTTP/1.1 server (default
            127.0.0.1:8080; port 0 picks a free one); prints "listening on http://H:P" on stderr.
            A port already in use is an error at once (exit 1, "address already in use").
            API keys: env LUSTORES_API_KEYS (comma-separated) or api_keys_file in the configuration;
            without keys it refuses to start unless --insecure-no-auth on a loopback address.
            SIGTERM or SIGINT drain the requests in flight, then exit 0.

            """,
        "call": """
            Usage: lustores-mcp call TOOL [JSON]

            Runs one tool in process and prints its result (or its error object) as one JSON line
            on stdout. Exit 0 success, 1 the tool reported an error, 2 an unknown tool or bad JSON.
            Tools: get_status, get_sales, get_inventory, run_tests, get_test_result.
            Example: lustores-mcp call get_sales '{"date":"today","limit":3}'

            """,
        "import": """
            Usage: lustores-mcp import FILE

            Loads a JSON file (schemas/import.schema.json) or an items CSV (sku,name,category,price,
            stock,minimum_stock,unit,location) in one transaction: all of it, or at the first bad
            record nothing (exit 1). Prints what it did.

            """,
        "demo-data": """
            Usage: lustores-mcp demo-data [--sales N] [--items N] [--seed S] [--end-date YYYY-MM-DD]

            Fills an empty database with deterministic demo data (default 5000 sales, 500 items,
            seed 42, up to now; sales on every day, weekends and today included).

            """,
        "doctor": """
            Usage: lustores-mcp doctor --database-url URL

            What LUStores' PostgreSQL database holds and lacks: the server's version, the role's
            rights (warns if it can write), each table's rows, and the recommended indexes missing
            with the CREATE INDEX statement for the owner.

            """,
        "keys": """
            Usage: lustores-mcp keys new --name NAME --scopes LIST

            Prints a new random API key once (lus_ + 32 random bytes, base64url) and the line to
            put in api_keys_file: name=NAME scopes=LIST sha256=HEX. Only the hash is stored.
            Scopes: status, data, tests:run, tests:read, metrics (comma-separated).

            """,
        "check": """
            Usage: lustores-mcp check [--url URL] [--token-file FILE] [-w MS] [-c MS]
                                      [--warn-on-failed-tests] [--timeout SECONDS]

            A monitoring plugin (Nagios, Icinga, Naemon; the Monitoring Plugins guidelines): asks
            get_status and prints one line with performance data, e.g.
              LUSTORES OK - healthy; database 1.2 ms; tests 65/66 passed | db_latency=1.2ms;100;500 ...
            Exit 0 OK, 1 WARNING (degraded, naming the resource over its threshold; database latency
            over -w; failed tests with --warn-on-failed-tests), 2 CRITICAL (unhealthy; latency over
            -c), 3 UNKNOWN (server unreachable, key refused, timeout, bad command line).

              --url URL             a running `lustores-mcp http` (http://HOST[:PORT][/PREFIX]; plain
                                    HTTP only: reach an https server through a local proxy);
                                    without it, the configured database is opened in process
              --token-file FILE     the API key is its first line; else env LUSTORES_TOKEN
                                    (never a flag value, which others could read in ps)
              -w, --warning MS      database latency for WARNING (default 100)
              -c, --critical MS     database latency for CRITICAL (default 500)
              --warn-on-failed-tests  failed tests in the latest run make the check WARNING
              --timeout SECONDS     give up (UNKNOWN) after this long (default 10)

            """,
        "test": """
            Usage: lustores-mcp test TYPE [--url URL] [--token-file FILE] [--junit FILE] [--json FILE]
                                     [--min-coverage KIND=PERCENT,...] [--timeout SECONDS]

            The CI client: starts suite TYPE (unit, integration, e2e, sales, system), shows its
            progress on stderr (a bar on a terminal, plain lines otherwise), waits for the end and
            prints a summary with the failures on stdout.
            Exit 0 all passed; 1 tests failed, the run failed or timed out, or coverage is below the
            minimum; 2 a usage or configuration error (a refused key included); 3 the server cannot
            be reached.

              --url URL             a running `lustores-mcp http` (plain HTTP only); without it the
                                    suite runs in this process, on the configured database
              --token-file FILE     the API key is its first line; else env LUSTORES_TOKEN
              --junit FILE          write the result as JUnit XML (each failure with its message)
              --json FILE           write the get_test_result answer
              --min-coverage KIND=PERCENT,...  e.g. lines=80,branches=70 (kinds: lines, functions,
                                    branches); asks for coverage and fails below it
              --timeout SECONDS     stop waiting after this long (default 1800); in process the
                                    suite is stopped too, on a server it runs on

            """,
        "help": """
            Usage: lustores-mcp help [COMMAND]

            Prints the usage of COMMAND, or of every command. `lustores-mcp COMMAND --help` is the same.

            """,
    ]
}
