import Foundation
import JSONRPC
import Store
import Testing
@testable import LUStores
import TestExecution

/// The built-in `sales` and `system` suites on clean and on damaged data.
@Suite struct TestRunnerBuiltInTests {
    func run(_ suite: BuiltInSuite, _ store: Store, diskThreshold: Double = 100) async -> TestReport {
        await suite.run(with: SQLiteStoreChecks(store: store, diskThreshold: diskThreshold), now: "2025-06-10T00:00:00Z") { _ in }
    }

    /// Inserts a sale with lines `(subtotal pence, vat rate, vat pence)`; totals as given or the sums.
    func insertSale(_ db: SQLiteConnection, _ id: Int64, _ saleID: String, code: String = "DEPT001",
                    lines: [(Int64, Double, Int64)], totals: (Int64, Int64)? = nil, at time: String = "2025-06-09T09:00:00Z") async throws {
        let subtotal = totals?.0 ?? lines.reduce(0) { $0 + $1.0 }
        let vat = totals?.1 ?? lines.reduce(0) { $0 + $1.2 }
        try await db.run("""
            INSERT INTO sales (id, sale_id, charge_code, subtotal_amount, vat_amount, total_amount, status, is_paid, created_at)
            VALUES (?, ?, ?, ?, ?, ?, 'completed', 1, ?)
            """, [.integer(id), .text(saleID), .text(code), .integer(subtotal), .integer(vat), .integer(subtotal + vat), .text(time)])
        for line in lines {
            try await db.run("""
                INSERT INTO sale_items (sale_id, item_id, item_name, item_sku, unit_price, vat_rate, quantity, subtotal, vat_amount, total_with_vat)
                VALUES (?, 1, 'Resistor', 'R-1', ?, ?, 1, ?, ?, ?)
                """, [.integer(id), .integer(line.0), .real(line.1), .integer(line.0), .integer(line.2), .integer(line.0 + line.2)])
        }
    }

    func seeded(_ directory: String) async throws -> (Store, SQLiteConnection) {
        let store = try await Store.open(path: "\(directory)/store.sqlite")
        let db = try SQLiteConnection(path: store.path, readOnly: false)
        try await db.execute("""
            INSERT INTO categories (id, name) VALUES (1, 'Electronics');
            INSERT INTO items (id, sku, name, category_id, price, current_stock, minimum_stock, unit, updated_at)
                VALUES (1, 'R-1', 'Resistor', 1, 10, 5.5, 1, 'each', '2025-06-09T00:00:00Z');
            INSERT INTO charge_codes (code, title) VALUES ('DEPT001', 'Physics');
            """)
        // 1250 × 0.2 = 250 exactly; 1253 × 0.2 = 250.6 → 251; 1252 × 0.2 = 250.4 → 250; 0.5 rounds up: 1252.5 n/a,
        // 2 × 0.25 = 0.5 → 1.
        try await insertSale(db, 1, "S1", lines: [(1250, 0.2, 250), (1253, 0.2, 251), (1252, 0.2, 250), (2, 0.25, 1), (999, 0, 0)])
        return (store, db)
    }

    @Test func cleanDataPassesEveryCheck() async throws {
        try await withProcessTestDirectory { directory in
            let (store, _) = try await seeded(directory)
            let sales = await run(.sales, store)
            #expect((sales.total, sales.passed) == (5, 5), "\(sales.failures)")
            let system = await run(.system, store)
            #expect((system.total, system.passed) == (4, 4), "\(system.failures)")
            #expect(system.cases.map(\.name) == SQLiteStoreChecks(store: store).checkNames(of: .system))
        }
    }

    @Test func damagedDataFailsEachCheckNamingTheRecords() async throws {
        try await withProcessTestDirectory { directory in
            let (store, db) = try await seeded(directory)
            try await insertSale(db, 2, "S-TOTALS", lines: [(1000, 0.2, 200)], totals: (1000, 201))
            try await insertSale(db, 3, "S-VAT", lines: [(1000, 0.2, 199)])
            try await insertSale(db, 4, "S-FUTURE", lines: [(100, 0, 0)], at: "2030-01-01T00:00:00Z")
            try await db.execute("PRAGMA foreign_keys = OFF")
            try await insertSale(db, 5, "S-CODE", code: "NOPE", lines: [(100, 0, 0)])
            try await db.run("UPDATE items SET current_stock = -2 WHERE sku = 'R-1'")
            for index in 0..<15 { try await insertSale(db, 100 + Int64(index), "S-MANY-\(index)", lines: [], totals: (5, 1)) }

            let sales = await run(.sales, store)
            #expect((sales.total, sales.failed) == (5, 5))
            let messages = sales.failures.map { $0.message ?? "" }
            #expect(messages[0].hasPrefix("16 sales whose totals differ from their lines: S-TOTALS, S-MANY-0"))
            #expect(messages[0].hasSuffix(", …"))
            #expect(messages[1].contains("1 sale lines whose VAT does not match their rate: S-VAT line"))
            #expect(messages[2] == "1 sales with an unknown charge code: S-CODE")
            #expect(messages[3] == "1 items with negative stock: R-1")
            #expect(messages[4] == "1 sales dated after 2025-06-10T00:00:00Z: S-FUTURE")

            let system = await run(.system, store, diskThreshold: 0)
            #expect(system.cases.map(\.outcome) == [.passed, .failed, .passed, .failed])
            #expect(system.failures[0].message?.contains("sales row 5 → charge_codes") == true)
            #expect(system.failures[1].message?.contains("threshold 0%") == true)
        }
    }

    @Test func aNewerSchemaFailsTheVersionCheck() async throws {
        try await withProcessTestDirectory { directory in
            let (store, db) = try await seeded(directory)
            try await db.run("INSERT INTO schema_version VALUES (?, '2025-06-09T00:00:00Z')", [.integer(Int64(Migrations.latestVersion + 1))])
            let system = await run(.system, store)
            #expect(system.failures.map(\.name) == ["schema is at the current version"])
        }
    }
}
