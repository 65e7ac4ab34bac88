import Foundation
import PostgresTesting
import Testing

/// The binary reading a live LUStores PostgreSQL database (the shared throwaway cluster, the
/// SELECT-only role): answers through `call`, start-up refusals with one line and exit 1, and the
/// password never printed.
@Suite(.enabled(if: TestCluster.serverProgramsInstalled, "PostgreSQL's server programs (initdb) are not installed"))
struct PostgresEndToEndTests {
    @Test("call reads sales, items and status from PostgreSQL: paid earns, NULL created_at is left out, VAT per item")
    func callReadsTheLiveDatabase() async throws {
        let cluster = try TestCluster.shared.get()
        try await withTemporaryDirectory { directory in
            let url = ["--database", directory + "/state.sqlite", "--database-url", cluster.readerURL("lus_drizzle")]
            let sales = try await runCommand(in: directory, ["call", "get_sales", #"{"status":"paid"}"#] + url)
            #expect(sales.exit.termination == .exited(0), "\(sales.stderr)")
            #expect(sales.stdoutText.contains(#""status":"paid""#), "\(sales.stdoutText)")
            #expect(!sales.stdoutText.contains(#""status":"completed""#))
            let items = try await runCommand(in: directory, ["call", "get_inventory"] + url)
            #expect(items.exit.termination == .exited(0), "\(items.stderr)")
            #expect(items.stdoutText.contains(#""vat_included":"#), "\(items.stdoutText)")
            let status = try await runCommand(in: directory, ["call", "get_status"] + url)
            #expect(status.stdoutText.contains(#""connected":true"#), "\(status.stdoutText)")
            for text in [sales.stderr, items.stderr, status.stderr] {
                #expect(!text.contains(TestCluster.readerPassword), "\(text)")
            }
        }
    }

    @Test("a wrong password and a missing column stop start-up: exit 1, one line naming what is wrong, no password")
    func startUpRefusals() async throws {
        let cluster = try TestCluster.shared.get()
        try await withTemporaryDirectory { directory in
            let wrong = "Wr0ng-pass-\(UUID().uuidString.prefix(6))"
            let refused = try await runCommand(in: directory, ["call", "get_sales", "--database", directory + "/s.sqlite",
                                                                "--database-url", cluster.readerURL("lus_drizzle", password: wrong)])
            #expect(refused.exit.termination == .exited(1), "\(refused.stderr)")
            #expect(refused.stderr.contains("refused the configured credentials"), "\(refused.stderr)")
            #expect(!refused.stderr.contains(wrong) && !refused.stdoutText.contains(wrong), "\(refused.stderr)")
            let broken = try await runCommand(in: directory, ["call", "get_sales", "--database", directory + "/s.sqlite",
                                                               "--database-url", cluster.readerURL("lus_broken")])
            #expect(broken.exit.termination == .exited(1), "\(broken.stderr)")
            #expect(broken.stderr.contains("database: table chargecodes has no column on_hold"), "\(broken.stderr)")
        }
    }

    @Test("doctor names the server, the role's rights and the missing recommended indexes")
    func doctorReports() async throws {
        let cluster = try TestCluster.shared.get()
        try await withTemporaryDirectory { directory in
            let run = try await runCommand(in: directory, ["doctor", "--database", directory + "/s.sqlite",
                                                           "--database-url", cluster.readerURL("lus_init")])
            #expect(run.exit.termination == .exited(0), "\(run.stderr)")
            #expect(run.stdoutText.contains("server: PostgreSQL"), "\(run.stdoutText)")
            #expect(run.stdoutText.contains("CREATE INDEX CONCURRENTLY ON sale_items (sale_id);"), "\(run.stdoutText)")
            #expect(!run.stdoutText.contains(TestCluster.readerPassword))
        }
    }

    @Test("the REST shim and /mcp read the same PostgreSQL database as stdio and call")
    func httpReadsTheLiveDatabase() async throws {
        let cluster = try TestCluster.shared.get()
        let server = try HTTPProcess(arguments: ["--database-url", cluster.readerURL("lus_drizzle")],
                                     environment: ["LUSTORES_API_KEYS": "pg-e2e-key-000001"])
        #expect(await server.waitForListening(), "\(server.stderrText)")
        let port = server.port
        let rest = await rawExchange(port: port, "GET /api/mcp/sales?status=paid HTTP/1.1\r\nHost: localhost\r\n"
            + "Authorization: Bearer pg-e2e-key-000001\r\nConnection: close\r\n\r\n")
        #expect(rest.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(rest)")
        #expect(rest.contains(#""status":"paid""#) && !rest.contains(#""status":"completed""#), "\(rest)")
        let call = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_inventory","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
        let mcp = await rawExchange(port: port, "POST /mcp HTTP/1.1\r\nHost: localhost:\(port)\r\nAuthorization: Bearer pg-e2e-key-000001\r\n"
            + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2026-07-28\r\n"
            + "Mcp-Method: tools/call\r\nMcp-Name: get_inventory\r\nContent-Length: \(call.utf8.count)\r\nConnection: close\r\n\r\n" + call)
        #expect(mcp.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(mcp)")
        #expect(mcp.contains(#"vat_included"#), "\(mcp)")
        #expect(!server.stderrText.contains(TestCluster.readerPassword))
        server.terminate()
        let (code, _) = try await server.finish()
        #expect(code == 0)
    }
}
