import Foundation
import Store
import Testing

@Suite("Schema migrations")
struct MigrationTests {
    /// Tables migrations 2 and 3 add.
    static let totalsTables = ["analysis_category_days", "analysis_category_months", "analysis_code_days",
                               "analysis_code_months", "analysis_days", "analysis_dirty_days", "analysis_hours",
                               "analysis_item_days", "analysis_item_months", "analysis_months", "analysis_state",
                               "sales_code_day_totals", "sales_day_totals"]
    /// Indexes migrations 2 and 3 add.
    static let totalsIndexes = ["idx_analysis_code_days_code", "idx_items_name_id", "idx_sales_code_created_totals",
                                "idx_sales_created_totals"]
    /// Triggers migrations 2 and 3 add.
    static let totalsTriggers = ["analysis_items_delete", "analysis_items_insert", "analysis_items_move",
                                 "analysis_lines_delete", "analysis_lines_insert", "analysis_lines_update",
                                 "analysis_sales_delete", "analysis_sales_insert", "analysis_sales_update",
                                 "sales_totals_after_delete", "sales_totals_after_insert", "sales_totals_after_update"]

    @Test("a fresh file gets every version, the benchmark harness's tables and indexes and the sales totals")
    func freshDatabase() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await Store.open(path: dir + "/store.sqlite")
            #expect(try await store.schemaVersion() == 3)
            #expect(try await objectNames(store.writer, type: "table") == (BenchmarkKitSchema.tables + Self.totalsTables).sorted())
            #expect(try await objectNames(store.writer, type: "index")
                == (BenchmarkKitSchema.indexNames + Self.totalsIndexes).sorted())
            #expect(try await objectNames(store.writer, type: "trigger") == Self.totalsTriggers)
            let rows = try await store.writer.query("SELECT version, applied_at FROM schema_version")
            #expect(rows.count == 3)
            #expect(rows.first?.first == .integer(1))
            let appliedAt = try #require(rows.first?.last?.stringValue)
            #expect(appliedAt.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/) != nil)
        }
    }

    @Test("migration 1 creates exactly the benchmark kit's schema")
    func matchesBenchmarkKit() async throws {
        try await withTemporaryDirectory { dir in
            try await makeKitDatabase(at: dir + "/kit.sqlite")
            let kit = try SQLiteConnection(path: dir + "/kit.sqlite", readOnly: true)
            let db = try SQLiteConnection(path: dir + "/ours.sqlite", readOnly: false)
            try await Migrator.migrate(db, migrations: Array(Migrations.all.prefix(1)))
            let ours = try await schemaObjects(db)
            #expect(ours.count == 7 + 10 + 5)  // tables, named indexes, UNIQUE/TEXT-key autoindexes
            #expect(try await schemaObjects(kit) == ours)
        }
    }

    @Test("a database made by the benchmark kit keeps its schema and rows and gains migration 2")
    func kitDatabaseIsUpgraded() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/kit.sqlite"
            try await makeKitDatabase(at: path)
            let objects = try await schemaObjects(SQLiteConnection(path: path, readOnly: true))

            let store = try await Store.open(path: path)
            #expect(try await Migrator.migrate(store.writer).isEmpty)
            let upgraded = try await schemaObjects(store.writer)
            #expect(objects.allSatisfy { upgraded.contains($0) })
            #expect(upgraded.count == objects.count + Self.totalsTables.count + Self.totalsIndexes.count
                + Self.totalsTriggers.count)
            let versions = try await store.writer.query("SELECT version, applied_at FROM schema_version ORDER BY version")
            #expect(versions.first == [.integer(1), .text(kitAppliedAt)])
            #expect(versions.map { $0[0] } == [.integer(1), .integer(2), .integer(3)])
            #expect(try await scalar(store.reader(), "SELECT count(*) FROM categories") == 1)
        }
    }

    @Test("reopening is idempotent: same versions, same rows, same applied_at")
    func reopenIsIdempotent() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/store.sqlite"
            let first = try await Store.open(path: path).writer.query("SELECT * FROM schema_version")
            let store = try await Store.open(path: path)
            let second = try await store.writer.query("SELECT * FROM schema_version")
            #expect(second == first)
            #expect(second.count == Migrations.latestVersion)
            #expect(try await store.schemaVersion() == Migrations.latestVersion)
            #expect(try await Migrator.migrate(store.writer) == [])
        }
    }

    @Test("a schema newer than this build is refused and left untouched")
    func newerSchemaIsRefused() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/future.sqlite"
            try await makeKitDatabase(at: path, version: 99)
            await #expect(throws: StoreError.schemaTooNew(found: 99, supported: Migrations.latestVersion)) {
                _ = try await Store.open(path: path)
            }
            let db = try SQLiteConnection(path: path, readOnly: true)
            #expect(try await db.query("SELECT version FROM schema_version") == [[.integer(99)]])
        }
    }

    @Test("a failing migration is rolled back completely and reported with its version")
    func failedMigrationRollsBack() async throws {
        try await withTemporaryDirectory { dir in
            let db = try SQLiteConnection(path: dir + "/store.sqlite", readOnly: false)
            let broken = Migrations.all + [
                Migration(version: Migrations.latestVersion + 1, description: "add widgets", sql: """
                    CREATE TABLE widgets (id INTEGER PRIMARY KEY);
                    INSERT INTO no_such_table VALUES (1);
                    """),
            ]
            let error = await #expect(throws: StoreError.self) {
                try await Migrator.migrate(db, migrations: broken)
            }
            guard case .migrationFailed(let version, let message)? = error else {
                Issue.record("expected migrationFailed, got \(String(describing: error))")
                return
            }
            #expect(version == Migrations.latestVersion + 1)
            #expect(message.contains("add widgets") && message.contains("no such table"))
            #expect(try await Migrator.currentVersion(db) == Migrations.latestVersion)
            #expect(try await objectNames(db, type: "table").contains("widgets") == false)
            #expect(await db.isInTransaction == false)
        }
    }

    @Test("the migration list runs 1, 2, 3, … and a list out of order is refused")
    func migrationListIsWellFormed() async throws {
        #expect(Migrations.all.map(\.version) == Array(1...Migrations.latestVersion))
        #expect(Migrations.latestVersion == 3)
        try await withTemporaryDirectory { dir in
            let db = try SQLiteConnection(path: dir + "/store.sqlite", readOnly: false)
            let skipping = [Migration(version: 2, description: "skips 1", sql: "SELECT 1")]
            await #expect(throws: StoreError.self) { try await Migrator.migrate(db, migrations: skipping) }
            #expect(try await objectNames(db, type: "table").isEmpty)
        }
    }

    /// Set LUSTORES_BENCH_DB to a file made by the benchmark harness's make_db.py to check a real database of its.
    @Test("a real benchmark-kit database opens as current",
          .enabled(if: ProcessInfo.processInfo.environment["LUSTORES_BENCH_DB"] != nil))
    func realBenchmarkDatabase() async throws {
        let source = try #require(ProcessInfo.processInfo.environment["LUSTORES_BENCH_DB"])
        try await withTemporaryDirectory { dir in
            let path = dir + "/bench.sqlite"
            try FileManager.default.copyItem(atPath: source, toPath: path)
            let before = try await SQLiteConnection(path: path, readOnly: true).query("SELECT * FROM schema_version")
            let store = try await Store.open(path: path)
            #expect(try await store.writer.query("SELECT * FROM schema_version WHERE version = 1") == before)
            #expect(try await store.schemaVersion() == Migrations.latestVersion)
            #expect(try await objectNames(store.writer, type: "index")
                == (BenchmarkKitSchema.indexNames + Self.totalsIndexes).sorted())
            let fresh = try await Store.open(path: dir + "/fresh.sqlite")
            let userObjects = { (rows: [[SQLValue]]) in rows.filter { $0[1].stringValue?.hasPrefix("sqlite_stat") == false } }
            #expect(userObjects(try await schemaObjects(store.writer)) == userObjects(try await schemaObjects(fresh.writer)))
        }
    }
}
