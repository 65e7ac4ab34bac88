import Foundation
import Testing
@testable import Store

@Suite("Store internals and error messages")
struct InternalsTests {
    @Test("the statement cache never holds more than its bound, and evicted SQL still runs")
    func statementCacheIsBounded() async throws {
        try await withTemporaryDirectory { dir in
            let db = try SQLiteConnection(path: dir + "/store.sqlite", readOnly: false)
            let distinct = StatementCache.capacity + 36
            for n in 0..<distinct {
                #expect(try await db.query("SELECT \(n)") == [[.integer(Int64(n))]])
            }
            #expect(await db.cachedStatementCount == StatementCache.capacity)
            #expect(try await db.query("SELECT 0") == [[.integer(0)]])
            #expect(await db.cachedStatementCount == StatementCache.capacity)
        }
    }

    @Test("every error has a distinct stable code and a description naming what failed")
    func errorDescriptions() {
        let errors: [(StoreError, String, [String])] = [
            (.cannotCreateDirectory(path: "/x/y", message: "Permission denied"), "cannot_create_directory",
             ["/x/y", "Permission denied"]),
            (.cannotOpen(path: "/x/store.sqlite", message: "file is not a database"), "cannot_open",
             ["/x/store.sqlite", "file is not a database"]),
            (.sqlite(code: 275, message: "CHECK constraint failed", sql: "INSERT INTO sales"), "sqlite_error",
             ["275", "CHECK constraint failed", "INSERT INTO sales"]),
            (.busy(message: "database is locked", sql: "BEGIN IMMEDIATE"), "busy",
             ["5000 ms", "database is locked", "BEGIN IMMEDIATE"]),
            (.migrationFailed(version: 2, message: "no such table: x"), "migration_failed",
             ["migration 2", "rolled back", "no such table: x"]),
            (.schemaTooNew(found: 99, supported: 1), "schema_too_new", ["99", "(1)", "upgrade"]),
        ]
        for (error, code, fragments) in errors {
            #expect(error.code == code)
            for fragment in fragments {
                #expect(error.description.contains(fragment), "\(error.description) lacks \(fragment)")
            }
            #expect(!error.description.contains("\n"))
        }
        #expect(Set(errors.map(\.0.code)).count == errors.count)
    }

    @Test("SQL in messages is cut to its first words, on one line")
    func sqlSummary() {
        #expect(StoreError.summarize("  SELECT\n  1 ") == "SELECT 1")
        let long = "SELECT a, b, c, d, e, f, g, h, i FROM t WHERE x = ?"
        #expect(StoreError.summarize(long) == "SELECT a, b, c, d, e, f, g, …")
        let wide = String(repeating: "x", count: 200)
        #expect(StoreError.summarize(wide).count == StoreError.sqlSummaryCharacterLimit + 2)
    }

    @Test("the parent directory of a path")
    func parentDirectory() {
        #expect(Store.parentDirectory(of: "/a/b/store.sqlite") == "/a/b")
        #expect(Store.parentDirectory(of: "/store.sqlite") == "/")
        #expect(Store.parentDirectory(of: "store.sqlite") == "")
        #expect(Store.parentDirectory(of: "data/store.sqlite") == "data")
    }

    @Test("an open store names the folder that holds its file")
    func storeDirectory() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await Store.open(path: dir + "/sub/store.sqlite")
            #expect(store.directory == dir + "/sub")
        }
    }
}
