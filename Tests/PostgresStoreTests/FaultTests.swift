import PostgresTesting
import Foundation
import PostgresStore
import Store
import Testing

/// Faults a live database brings: wrong password, a locked table, a server that stops and comes
/// back, nothing listening; and proof that the server never writes.
@Suite(requiresPostgreSQL)
struct FaultTests {
    @Test("a wrong password: a clear unavailable error that does not contain the password")
    func wrongPassword() async throws {
        let cluster = try sharedCluster()
        let password = "Wrong-pw-51z"
        let source = try PostgresDataSource(settings: PostgresSettings(conninfo: cluster.readerURL("lus_drizzle", password: password)))
        let error = await #expect(throws: PostgresError.self) { try await source.salesPage(SalesQuery(limit: 5)) }
        let schemaError = await #expect(throws: PostgresError.self) { try await source.checkSchema() }
        await source.close()
        #expect(error?.code == .authenticationFailed)
        #expect(error?.isUnavailable == true)
        #expect(error?.description.contains("password authentication failed") == true)
        #expect(error?.description.contains(password) == false)
        #expect(schemaError?.description.contains(password) == false)
        #expect(ConnectionString.masked(source.settings.conninfo).contains(password) == false)
        #expect(source.isConnected == false)
    }

    @Test("the password may come from PGPASSWORD, libpq's own rule, and never shows in an error")
    func passwordFromEnvironment() async throws {
        let cluster = try sharedCluster()
        let conninfo = "host=127.0.0.1 port=\(cluster.port) user=\(TestCluster.reader) dbname=lus_drizzle"
        // Only this test connects without a password of its own, so PGPASSWORD reaches no other.
        setenv("PGPASSWORD", TestCluster.readerPassword, 1)
        defer { unsetenv("PGPASSWORD") }
        let source = try PostgresDataSource(settings: PostgresSettings(conninfo: conninfo))
        let page = try await source.salesPage(SalesQuery(limit: 1))
        await source.close()
        #expect(page.total == 9)
        setenv("PGPASSWORD", "Env-wrong-8k2", 1)
        let refused = try PostgresDataSource(settings: PostgresSettings(conninfo: conninfo))
        let error = await #expect(throws: PostgresError.self) { try await refused.salesPage(SalesQuery(limit: 1)) }
        await refused.close()
        #expect(error?.code == .authenticationFailed)
        #expect(error?.description.contains("Env-wrong-8k2") == false)
    }

    @Test("nothing listening: connect_failed, unavailable, no hang")
    func nothingListening() async throws {
        let cluster = try sharedCluster()
        // The cluster's socket folder with a port nobody serves.
        let source = try PostgresDataSource(settings: PostgresSettings(
            conninfo: "host=\(cluster.directory) port=1 user=\(TestCluster.reader) dbname=lus_drizzle", connectTimeoutMilliseconds: 2000))
        let error = await #expect(throws: PostgresError.self) { try await source.inventoryPage(InventoryFilter(), offset: 0, limit: 5) }
        let pingError = await #expect(throws: PostgresError.self) { try await source.ping() }
        await source.close()
        #expect(error?.code == .connectFailed && error?.isUnavailable == true)
        #expect(pingError?.isUnavailable == true)
    }

    @Test("a table held by LOCK TABLE … ACCESS EXCLUSIVE: a timely unavailable error; pings and other tables still answer")
    func lockedTable() async throws {
        let cluster = try sharedCluster()
        let source = try readerSource("lus_lock", statementTimeoutMilliseconds: 300)
        let before = try await source.salesPage(SalesQuery(limit: 3))
        let admin = try AdminSession(cluster.adminConninfo("lus_lock"))
        try admin.execute("BEGIN")
        try admin.execute("LOCK TABLE sales IN ACCESS EXCLUSIVE MODE")
        let error = await #expect(throws: PostgresError.self) { try await source.salesPage(SalesQuery(limit: 3)) }
        _ = try await source.ping()
        let items = try await source.inventoryPage(InventoryFilter(), offset: 0, limit: 2)
        try admin.execute("ROLLBACK")
        let after = try await source.salesPage(SalesQuery(limit: 3))
        await source.close()
        #expect(error.map { [.statementTimeout, .lockTimeout].contains($0.code) } == true)
        #expect(error?.isUnavailable == true)
        #expect(items.total == 6)
        #expect(after == before)
    }

    @Test("PostgreSQL stopped mid-run and started again: unavailable meanwhile, then the same pool serves")
    func restart() async throws {
        let cluster = try TestCluster(label: "restart")
        defer { try? cluster.stop() }
        try cluster.psql("postgres", commands: ["CREATE ROLE \(TestCluster.reader) LOGIN PASSWORD '\(TestCluster.readerPassword)'",
                                                "CREATE DATABASE lus_restart"])
        try cluster.psql("lus_restart", files: ["schema-drizzle.sql", "fixtures.sql"])
        let source = try PostgresDataSource(settings: PostgresSettings(
            conninfo: cluster.readerURL("lus_restart"), poolSize: 2, connectTimeoutMilliseconds: 2000,
            statementTimeoutMilliseconds: 2000))
        let first = try await source.salesPage(SalesQuery(limit: 4))
        _ = try await source.ping()
        #expect(source.isConnected)

        try cluster.stop()
        let down = await #expect(throws: PostgresError.self) { try await source.salesPage(SalesQuery(limit: 4)) }
        await #expect(throws: PostgresError.self) { try await source.ping() }
        #expect(down?.isUnavailable == true)
        #expect(source.isConnected == false)

        try cluster.start()
        let again = try await source.salesPage(SalesQuery(limit: 4))
        _ = try await source.ping()
        await source.close()
        #expect(again == first)
        #expect(source.isConnected)
    }

    @Test("many calls at once on a small pool all get the same answer")
    func concurrentCalls() async throws {
        let source = try readerSource("lus_drizzle", poolSize: 2)
        let expected = try await source.salesPage(SalesQuery(chargeCode: "dept002", limit: 10))
        let pages = try await withThrowingTaskGroup(of: SalesPage.self) { group in
            for _ in 0..<16 { group.addTask { try await source.salesPage(SalesQuery(chargeCode: "dept002", limit: 10)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        await source.close()
        #expect(pages.count == 16 && pages.allSatisfy { $0 == expected })
    }

    @Test("after every kind of call, pg_stat_user_tables shows no write by the server")
    func noWrites() async throws {
        let cluster = try sharedCluster()
        let admin = try AdminSession(cluster.adminConninfo("lus_quiet"))
        let statistics = "SELECT sum(n_tup_ins + n_tup_upd + n_tup_del + n_tup_hot_upd)::text FROM pg_stat_user_tables"
        let before = try admin.execute(statistics)
        let source = try readerSource("lus_quiet")
        _ = try await source.salesPage(SalesQuery(limit: 50))
        _ = try await source.salesPage(SalesQuery(chargeCode: "dept001", status: .paid, from: 0, to: midnight(2027, 1, 1), limit: 5))
        _ = try await source.inventoryPage(InventoryFilter(search: "a", lowStockOnly: true, includeInactive: true), offset: 0, limit: 5)
        _ = try await source.checkSchema()
        _ = try await source.doctor()
        _ = await source.runSalesChecks()
        _ = await source.runSystemChecks()
        _ = try await source.ping()
        await source.close()
        // A backend reports its statistics when it exits: wait for the server's sessions to end.
        let sessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lustores-mcp' AND datname = 'lus_quiet'"
        while try admin.execute(sessions).first?.first == "0" ? false : true {
            try await Task.sleep(for: .milliseconds(50))
        }
        try admin.execute("SELECT pg_stat_clear_snapshot()")
        let after = try admin.execute(statistics)
        #expect(before == after)
    }
}
