import Foundation
import Store

/// Runs `body` with the path of a new, empty, uniquely named directory under the system temporary
/// directory, and removes the directory and everything in it afterwards.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("lustores-store-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url.path)
}

/// Builds a database the way the benchmark harness's make_db.py does: the harness's schema text, a `schema_version` row
/// with the harness's fixed `applied_at`, a few rows, then the indexes and WAL mode.
func makeKitDatabase(at path: String, version: Int = 1) async throws {
    let db = try SQLiteConnection(path: path, readOnly: false)
    try await db.execute(BenchmarkKitSchema.schema)
    try await db.run("INSERT INTO schema_version VALUES (?, ?)", [.integer(Int64(version)), .text(kitAppliedAt)])
    try await db.run("INSERT INTO categories (id, name, description) VALUES (1, 'Cryogens', 'Liquid nitrogen')")
    try await db.run("INSERT INTO charge_codes (code, title) VALUES ('DEPT001', 'Condensed Matter')")
    try await db.execute(BenchmarkKitSchema.indexes)
}

/// The `applied_at` that `makeKitDatabase` records.
let kitAppliedAt = "2025-06-09T00:00:00Z"

/// Every schema object of the database, `(type, name, tbl_name, sql)`, in a stable order.
func schemaObjects(_ connection: SQLiteConnection) async throws -> [[SQLValue]] {
    try await connection.query("SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name")
}

/// Names of the objects of `type` ('table' or 'index') that SQLite did not create itself.
func objectNames(_ connection: SQLiteConnection, type: String) async throws -> [String] {
    try await connection.query(
        "SELECT name FROM sqlite_schema WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name",
        [.text(type)]
    ).compactMap { $0.first?.stringValue }
}

/// The single integer a query returns, or nil.
func scalar(_ connection: SQLiteConnection, _ sql: String, _ bindings: [SQLValue] = []) async throws -> Int64? {
    try await connection.query(sql, bindings).first?.first?.intValue
}

/// Inserts the rows a sale needs (a charge code) so tests can insert sales.
func insertChargeCode(_ connection: SQLiteConnection, _ code: String = "DEPT001") async throws {
    try await connection.run("INSERT INTO charge_codes (code, title) VALUES (?, 'Physics')", [.text(code)])
}

/// Parameters for one row of `sales` with the given status and charge code.
func saleRow(id: String, chargeCode: String = "DEPT001", status: String = "completed") -> [SQLValue] {
    [.text(id), .text(chargeCode), .integer(1000), .integer(200), .integer(1200), .text(status),
     .integer(1), .text("2025-06-09T09:15:00Z")]
}

/// INSERT for `saleRow`.
let insertSale = """
    INSERT INTO sales (sale_id, charge_code, subtotal_amount, vat_amount, total_amount, status, is_paid, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    """
