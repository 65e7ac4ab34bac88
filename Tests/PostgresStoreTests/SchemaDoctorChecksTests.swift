import PostgresTesting
import PostgresStore
import Store
import Testing

/// The start-up schema check, the doctor's facts and the built-in suites, on the fixtures.
@Suite(requiresPostgreSQL)
struct SchemaDoctorChecksTests {
    @Test("both schema variants pass the start-up check and are told apart")
    func variants() async throws {
        let drizzle = try readerSource("lus_drizzle")
        let initSQL = try readerSource("lus_init")
        #expect(try await drizzle.checkSchema() == .drizzle)
        #expect(try await initSQL.checkSchema() == .initSQL)
        await drizzle.close()
        await initSQL.close()
    }

    @Test("a missing column stops the check with one line naming it")
    func missingColumn() async throws {
        let source = try readerSource("lus_broken")
        let error = await #expect(throws: PostgresError.self) { try await source.checkSchema() }
        #expect(error?.code == .schemaMismatch)
        #expect(error?.isUnavailable == false)
        #expect(error?.description == "database: table chargecodes has no column on_hold")
        let report = try await source.doctor()
        await source.close()
        #expect(report.variant == nil)
        #expect(report.schemaProblem == "database: table chargecodes has no column on_hold")
        #expect(report.tables.map(\.rowCount) == [nil, nil, nil, nil, nil])
    }

    @Test("doctor, SELECT-only role: version, rights, row counts, no warning, indexes present")
    func doctorReader() async throws {
        let source = try readerSource("lus_drizzle")
        let report = try await source.doctor()
        await source.close()
        #expect(report.serverVersion.hasPrefix("1"))
        #expect(report.role == TestCluster.reader)
        #expect(report.variant == .drizzle && report.schemaProblem == nil)
        #expect(report.tables.map(\.name) == ["categories", "items", "chargecodes", "sales", "sale_items"])
        #expect(report.tables.map(\.rowCount) == [4, 7, 3, 10, 13])
        #expect(report.tables.allSatisfy { $0.privileges == ["SELECT"] })
        #expect(report.warnings.isEmpty)
        #expect(report.missingIndexes.isEmpty)
        #expect(report.text.contains("table sales: 10 rows; SELECT"))
        #expect(report.text.contains("the three recommended indexes are present"))
    }

    @Test("doctor, LUStores' own indexes only: each missing index with its CREATE INDEX CONCURRENTLY")
    func doctorMissingIndexes() async throws {
        let source = try readerSource("lus_init")
        let report = try await source.doctor()
        await source.close()
        #expect(report.variant == .initSQL)
        #expect(report.missingIndexes == RecommendedIndex.all)
        #expect(report.text.contains("  CREATE INDEX CONCURRENTLY ON sale_items (sale_id);"))
        #expect(report.text.contains("  CREATE INDEX CONCURRENTLY ON sales (upper(charge_code), created_at, id) INCLUDE (charge_code, status, total_amount);"))
    }

    @Test("doctor warns when the role could write")
    func doctorWriter() async throws {
        let cluster = try sharedCluster()
        let source = try PostgresDataSource(settings: PostgresSettings(conninfo: cluster.adminConninfo("lus_drizzle")))
        let report = try await source.doctor()
        await source.close()
        #expect(report.role == "postgres")
        #expect(report.warnings.count == 5)
        #expect(report.warnings.first == "warning: role postgres can INSERT, UPDATE, DELETE, TRUNCATE on categories; SELECT alone is enough")
    }

    @Test("the sales suite names the 5p sale, the unknown code and the undated sale; 1p passes")
    func salesSuite() async throws {
        let source = try readerSource("lus_init")
        let outcomes = await source.runSalesChecks()
        await source.close()
        #expect(outcomes.map(\.name) == PostgresChecks.salesCheckNames)
        #expect(outcomes.map(\.passed) == [false, true, false, true, false])
        #expect(outcomes[0].message == "1 sale whose total differs from the sum of its lines by more than 1p: S007")
        #expect(outcomes[2].message == "1 charge code(s) no chargecodes row knows (compared case-insensitively): unknown9")
        #expect(outcomes[4].message == "1 sale(s) without a created_at, left out of every answer: S005")
    }

    @Test("the system suite: answers, version, read-only transactions, indexes reported")
    func systemSuite() async throws {
        let drizzle = try readerSource("lus_drizzle")
        let initSQL = try readerSource("lus_init")
        let withIndexes = await drizzle.runSystemChecks()
        let without = await initSQL.runSystemChecks()
        await drizzle.close()
        await initSQL.close()
        #expect(withIndexes.map(\.name) == PostgresChecks.systemCheckNames)
        #expect(withIndexes.allSatisfy { $0.passed })
        #expect(withIndexes[2].message == "transaction_read_only on, isolation repeatable read")
        #expect(withIndexes[3].message == "all three present")
        #expect(without.allSatisfy { $0.passed })
        #expect(without[3].message.contains("CREATE INDEX CONCURRENTLY ON sales (created_at, id) INCLUDE (status, total_amount);"))
    }
}
