import Foundation
import Testing
@testable import Store
#if canImport(Glibc)
import Glibc
#endif

/// What the store does when its file misbehaves underneath it: a WAL file left by another
/// program, a damaged page that is repaired, a file deleted and restored.
@Suite("Store file faults")
struct FileFaultTests {
    @Test("a file left in WAL mode is converted to the rollback journal at open, and no -shm index is mapped")
    func walFileIsConverted() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/store.sqlite"
            do {
                let old = try SQLiteConnection(path: path, readOnly: false)
                #expect(try await old.query("PRAGMA journal_mode = WAL") == [[.text("wal")]])
                try await old.execute("CREATE TABLE t (v); INSERT INTO t VALUES (1)")
            }
            let store = try await Store.open(path: path)
            #expect(try await store.writer.query("PRAGMA journal_mode") == [[.text("delete")]])
            #expect(try await scalar(store.reader(), "SELECT count(*) FROM t") == 1)
            try await store.writer.run("INSERT INTO t VALUES (2)")
            #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test("a reader that met a damaged page reads the repaired file afresh, with no write in between")
    func repairedPageIsReadAfresh() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/store.sqlite"
            let store = try await Store.open(path: path, readerCount: 1)
            try await store.writer.transaction { db in
                for index in 0..<300 {
                    try db.run("INSERT INTO categories (name, description) VALUES (?, ?)",
                               [.text("Category \(index)"), .text(String(repeating: "x", count: 100))])
                }
            }
            let root = try #require(try await scalar(store.writer, "SELECT rootpage FROM sqlite_schema WHERE name = 'categories'"))
            let pageSize = try #require(try await scalar(store.writer, "PRAGMA page_size"))
            let file = try FileHandle(forUpdating: URL(fileURLWithPath: path))
            defer { try? file.close() }
            let offset = UInt64((root - 1) * pageSize)
            try file.seek(toOffset: offset)
            let original = try #require(try file.read(upToCount: Int(pageSize)))
            try file.seek(toOffset: offset)
            try file.write(contentsOf: Data(repeating: 0xA5, count: Int(pageSize)))

            let reader = store.reader()
            let sql = "SELECT count(*) FROM categories WHERE description IS NOT NULL"
            let error = await #expect(throws: StoreError.self) { _ = try await reader.query(sql) }
            guard case .sqlite(let code, _, _)? = error else {
                Issue.record("expected an SQLite error, got \(String(describing: error))")
                return
            }
            #expect(code & 0xff == 11)  // SQLITE_CORRUPT
            #expect(error?.clientReason == "the database file is damaged")

            try file.seek(toOffset: offset)
            try file.write(contentsOf: original)
            #expect(try await scalar(reader, sql) == 300)
        }
    }

    @Test("a deleted file is a fault that refuses writes; the file restored at its path is reopened")
    func deletedFileIsReportedAndReopened() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/store.sqlite"
            let store = try await Store.open(path: path)
            try await insertChargeCode(store.writer, "DEPT001")
            #expect(await store.fileFault() == nil)
            try FileManager.default.copyItem(atPath: path, toPath: dir + "/backup.sqlite")

            try FileManager.default.removeItem(atPath: path)
            let fault = await store.fileFault()
            #expect(fault?.contains("deleted") == true, "\(String(describing: fault))")
            let refused = await #expect(throws: StoreError.self) { try await insertChargeCode(store.writer, "DEPT002") }
            #expect(refused?.clientReason == "the database file has been deleted or moved")

            try FileManager.default.copyItem(atPath: dir + "/backup.sqlite", toPath: path)
            #expect(await store.fileFault() == nil)
            #expect(store.fileGeneration == 1)
            try await insertChargeCode(store.writer, "DEPT003")
            #expect(try await store.reader().query("SELECT code FROM charge_codes ORDER BY code")
                == [[.text("DEPT001")], [.text("DEPT003")]])
            #expect(try await store.probe("SELECT count(*) FROM charge_codes").rows == [[.integer(2)]])
        }
    }

    @Test("the inventory's own connection follows a file renamed over the path or deleted and recreated there")
    func inventoryFollowsAReplacedFile() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir + "/store.sqlite"
            let store = try await Store.open(path: path)
            try await insertItem(store.writer, name: "First widget")
            let source = try SQLiteDataSource(store: store)
            #expect(try await source.inventoryPage(InventoryFilter(), offset: 0, limit: 10).items.map(\.name) == ["First widget"])

            try await makeStore(at: dir + "/second.sqlite", itemName: "Second widget")
            #expect(rename(dir + "/second.sqlite", path) == 0)
            #expect(await store.fileFault() == nil)
            #expect(store.fileGeneration == 1)
            #expect(try await source.inventoryPage(InventoryFilter(), offset: 0, limit: 10).items.map(\.name) == ["Second widget"])

            try await makeStore(at: dir + "/third.sqlite", itemName: "Third widget")
            try FileManager.default.removeItem(atPath: path)
            #expect(await store.fileFault()?.contains("deleted") == true)
            try FileManager.default.copyItem(atPath: dir + "/third.sqlite", toPath: path)
            #expect(await store.fileFault() == nil)
            #expect(store.fileGeneration == 2)
            #expect(try await source.inventoryPage(InventoryFilter(), offset: 0, limit: 10).items.map(\.name) == ["Third widget"])
        }
    }

    /// A store at `path` holding one item named `itemName`, closed again.
    private func makeStore(at path: String, itemName: String) async throws {
        let other = try await Store.open(path: path)
        try await insertItem(other.writer, name: itemName)
    }

    private func insertItem(_ writer: SQLiteConnection, name: String) async throws {
        try await writer.run("INSERT INTO categories (name) VALUES ('Tools')")
        try await writer.run("""
            INSERT INTO items (sku, name, category_id, price, current_stock, minimum_stock, unit, updated_at)
            VALUES ('SKU-1', ?, (SELECT id FROM categories WHERE name = 'Tools'), 100, 5, 1, 'each', '2025-01-01T00:00:00Z')
            """, [.text(name)])
    }
}
