import Foundation
import Store
import Testing

@Suite("SQLite connection")
struct SQLiteConnectionTests {
    /// SQLite result codes the tests expect (the test target does not import CSQLite).
    enum Code {
        static let constraint: Int32 = 19
        static let constraintCheck: Int32 = 275
        static let constraintForeignKey: Int32 = 787
        static let range: Int32 = 25
        static let misuse: Int32 = 21
    }

    @Test("a read-write connection runs the rollback journal, no memory mapping, synchronous=NORMAL, foreign keys and a 5 s busy timeout")
    func pragmas() async throws {
        try await withTemporaryDirectory { dir in
            let db = try SQLiteConnection(path: dir + "/store.sqlite", readOnly: false)
            #expect(try await db.query("PRAGMA journal_mode") == [[.text("delete")]])
            #expect(try await scalar(db, "PRAGMA mmap_size") == 0)
            #expect(try await scalar(db, "PRAGMA synchronous") == 1)
            #expect(try await scalar(db, "PRAGMA foreign_keys") == 1)
            #expect(try await scalar(db, "PRAGMA busy_timeout") == Int64(SQLiteConnection.busyTimeoutMilliseconds))
            try await db.execute("CREATE TABLE t (v)")
            // No write-ahead log, and above all no memory-mapped -shm index (SIGBUS on a bad volume).
            #expect(!FileManager.default.fileExists(atPath: dir + "/store.sqlite-wal"))
            #expect(!FileManager.default.fileExists(atPath: dir + "/store.sqlite-shm"))
        }
    }

    @Test("every SQLValue case binds and reads back unchanged, with its storage class")
    func valuesRoundTrip() async throws {
        try await withTemporaryDirectory { dir in
            let db = try SQLiteConnection(path: dir + "/store.sqlite", readOnly: false)
            try await db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, v)")
            let values: [SQLValue] = [
                .null, .integer(Int64.max), .integer(Int64.min), .integer(0), .real(0.1), .real(-2.75),
                .text("Ünïcødé ✓ 😀 中文 ﷽"), .text(""), .text("nul\u{0}inside"),
                .blob([0, 1, 127, 128, 255]), .blob([]),
            ]
            for value in values {
                try await db.run("INSERT INTO t (v) VALUES (?)", [value])
            }
            let rows = try await db.query("SELECT v, typeof(v) FROM t ORDER BY n")
            #expect(rows.map { $0[0] } == values)
            #expect(rows.map { $0[1] } == [
                "null", "integer", "integer", "integer", "real", "real", "text", "text", "text", "blob", "blob",
            ].map(SQLValue.text))
            for value in values {
                #expect(try await db.query("SELECT ?", [value]) == [[value]])
            }
        }
    }

    @Test("run reports the rows changed and the last rowid")
    func runReportsChanges() async throws {
        try await withTemporaryDirectory { dir in
            let db = try SQLiteConnection(path: dir + "/store.sqlite", readOnly: false)
            try await db.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, v INTEGER)")
            #expect(try await db.run("INSERT INTO t (v) VALUES (?), (?)", [.integer(5), .integer(6)]) == (2, 2))
            let update = try await db.run("UPDATE t SET v = v + 1 WHERE v > ?", [.integer(0)])
            #expect(update.changes == 2)
            #expect(try await db.run("CREATE TABLE u (x)").changes == 0)
            #expect(try await db.run("DELETE FROM t WHERE v = 99").changes == 0)
        }
    }

    @Test("a failing statement inside transaction rolls everything back and rethrows")
    func transactionRollsBack() async throws {
        try await withTemporaryDirectory { dir in
            let db = try SQLiteConnection(path: dir + "/store.sqlite", readOnly: false)
            try await db.execute("CREATE TABLE t (v INTEGER NOT NULL UNIQUE); INSERT INTO t VALUES (1);")
            let error = await #expect(throws: StoreError.self) {
                try await db.transaction { db in
                    try db.run("INSERT INTO t VALUES (?)", [.integer(2)])
                    try db.run("INSERT INTO t VALUES (?)", [.integer(1)])  // UNIQUE violation
                }
            }
            #expect(error?.code == "sqlite_error")
            #expect(try await scalar(db, "SELECT count(*) FROM t") == 1)
            #expect(await db.isInTransaction == false)

            struct Abort: Error {}
            await #expect(throws: Abort.self) {
                try await db.transaction { db in
                    try db.run("INSERT INTO t VALUES (3)")
                    throw Abort()
                }
            }
            #expect(try await scalar(db, "SELECT count(*) FROM t") == 1)
            let total = try await db.transaction { db in
                try db.run("INSERT INTO t VALUES (4)")
                return try db.query("SELECT sum(v) FROM t").first?.first?.intValue
            }
            #expect(total == 5)
            #expect(try await scalar(db, "SELECT count(*) FROM t") == 2)
        }
    }

    @Test("a transaction inside a transaction is a savepoint: only the inner work is undone")
    func nestedTransaction() async throws {
        try await withTemporaryDirectory { dir in
            let db = try SQLiteConnection(path: dir + "/store.sqlite", readOnly: false)
            try await db.execute("CREATE TABLE t (v INTEGER)")
            try await db.transaction { db in
                try db.run("INSERT INTO t VALUES (1)")
                _ = try? db.transaction { db in
                    try db.run("INSERT INTO t VALUES (2)")
                    try db.run("INSERT INTO nowhere VALUES (3)")
                }
                try db.run("INSERT INTO t VALUES (4)")
            }
            #expect(try await db.query("SELECT v FROM t ORDER BY v") == [[.integer(1)], [.integer(4)]])
        }
    }

    @Test("CHECK on sales.status rejects 'bogus' and accepts 'refunded'")
    func statusCheckConstraint() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await Store.open(path: dir + "/store.sqlite")
            try await insertChargeCode(store.writer)
            let error = await #expect(throws: StoreError.self) {
                try await store.writer.run(insertSale, saleRow(id: "S1", status: "bogus"))
            }
            guard case .sqlite(let code, let message, let sql)? = error else {
                Issue.record("expected .sqlite, got \(String(describing: error))")
                return
            }
            #expect(code == Code.constraintCheck && code & 0xff == Code.constraint)
            #expect(message.contains("CHECK constraint failed"))
            #expect(sql.hasPrefix("INSERT INTO sales") && !sql.contains("bogus"))
            #expect(try await store.writer.run(insertSale, saleRow(id: "S2", status: "refunded")).changes == 1)
        }
    }

    @Test("foreign keys are enforced")
    func foreignKeys() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await Store.open(path: dir + "/store.sqlite")
            let error = await #expect(throws: StoreError.self) {
                try await store.writer.run(insertSale, saleRow(id: "S1", chargeCode: "NOPE"))
            }
            guard case .sqlite(let code, _, _)? = error else {
                Issue.record("expected .sqlite, got \(String(describing: error))")
                return
            }
            #expect(code == Code.constraintForeignKey)
            #expect(try await scalar(store.writer, "SELECT count(*) FROM sales") == 0)
        }
    }

    @Test("wrong parameter counts, several statements and empty SQL are errors, not crashes")
    func misuse() async throws {
        try await withTemporaryDirectory { dir in
            let db = try SQLiteConnection(path: dir + "/store.sqlite", readOnly: false)
            await #expect(throws: StoreError.sqlite(
                code: Code.range, message: "statement has 2 parameter(s) but 1 value(s) were bound",
                sql: "SELECT ?, ?")) {
                _ = try await db.query("SELECT ?, ?", [.integer(1)])
            }
            let several = await #expect(throws: StoreError.self) { _ = try await db.query("SELECT 1; SELECT 2") }
            #expect(several?.description.contains("more than one statement") == true)
            #expect(try await db.query("SELECT 1; -- trailing comment") == [[.integer(1)]])
            let empty = await #expect(throws: StoreError.self) { _ = try await db.query("  ") }
            if case .sqlite(let code, _, _)? = empty { #expect(code == Code.misuse) } else { Issue.record("\(String(describing: empty))") }
            let syntax = await #expect(throws: StoreError.self) { _ = try await db.query("SELEKT 1") }
            #expect(syntax?.description.contains("syntax error") == true)
            try await db.ping()
        }
    }

    @Test("a lock held past the busy timeout is reported as busy")
    func busy() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/store.sqlite"
            let holder = try SQLiteConnection(path: path, readOnly: false)
            let waiter = try SQLiteConnection(path: path, readOnly: false)
            try await holder.execute("CREATE TABLE t (v); BEGIN IMMEDIATE; INSERT INTO t VALUES (1);")
            let started = ContinuousClock.now
            let error = await #expect(throws: StoreError.self) { try await waiter.run("INSERT INTO t VALUES (2)") }
            #expect(error?.code == "busy")
            #expect(ContinuousClock.now - started >= .milliseconds(Int(SQLiteConnection.busyTimeoutMilliseconds) - 500))
            try await holder.execute("COMMIT")
            #expect(try await waiter.run("INSERT INTO t VALUES (2)").changes == 1)
        }
    }
}
