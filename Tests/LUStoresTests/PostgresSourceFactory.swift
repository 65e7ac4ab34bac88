import Foundation
import PostgresStore
import PostgresTesting
import Store
import Synchronization

/// LUStores' PostgreSQL database: each use gets a fresh database in the shared throwaway cluster
/// (the Drizzle schema, the fixture rows converted to its types: pounds, naive UTC timestamps,
/// prices excluding VAT), read by the SELECT-only role, dropped afterwards.
struct PostgresSourceFactory: DataSourceFactory {
    var description: String { "postgresql" }
    var itemsCarryVAT: Bool { true }

    private static let counter = Atomic<Int>(0)

    func withSource<T>(_ contents: FixtureContents, _ body: (any DataSource) async throws -> T) async throws -> T {
        try await Self.withDatabase(Self.inserts(contents), body)
    }

    /// Runs `body` with a source over a fresh database holding the rows `inserts` write.
    static func withDatabase<T>(_ inserts: [String], _ body: (any DataSource) async throws -> T) async throws -> T {
        let cluster = try TestCluster.shared.get()
        let name = "lus_fixture_\(ProcessInfo.processInfo.processIdentifier)_\(Self.counter.wrappingAdd(1, ordering: .relaxed).oldValue)"
        try cluster.psql("postgres", commands: ["CREATE DATABASE \(name)"])
        defer { try? cluster.psql("postgres", commands: ["DROP DATABASE IF EXISTS \(name) WITH (FORCE)"]) }
        try cluster.psql(name, files: ["schema-drizzle.sql"], commands: inserts + [
            "GRANT SELECT ON categories, items, chargecodes, sales, sale_items TO \(TestCluster.reader)",
        ])
        let source = try PostgresDataSource(settings: PostgresSettings(conninfo: cluster.readerURL(name), poolSize: 2))
        do {
            let result = try await body(source)
            await source.close()
            return result
        } catch {
            await source.close()
            throw error
        }
    }

    /// The fixture's rows as `INSERT` statements for the LUStores tables.
    static func inserts(_ contents: FixtureContents) -> [String] {
        switch contents {
        case .nothing:
            return []
        case .chargeCodes:
            // LUStores keeps the validity bounds as timestamps: a day is its midnight.
            return DataFixture.chargeCodes.map { code in
                let from = code.from.map { "'\($0) 00:00:00'" } ?? "NULL"
                let until = code.until.map { "'\($0) 00:00:00'" } ?? "NULL"
                return "INSERT INTO chargecodes (code, title, valid_from, valid_until, on_hold) "
                    + "VALUES ('\(code.code)', '\(code.title)', \(from), \(until), \(code.hold))"
            }
        case .items:
            return DataFixture.categories.map { "INSERT INTO categories (id, name) VALUES (\($0.0), '\($0.1)')" }
                + DataFixture.items.map { item in
                    let location = item.location.map { "'\($0)'" } ?? "NULL"
                    return """
                        INSERT INTO items (id, sku, name, category_id, price, vat_rate, vat_included, current_stock,
                                           minimum_stock, unit, location, is_active)
                        VALUES (\(item.id), '\(item.sku)', '\(item.name)', \(item.category), \(pounds(item.price)), \(item.vat),
                                false, \(item.stock), \(item.minimum), '\(item.unit)', \(location), \(item.active))
                        """
                }
        case .sales:
            var statements = ["DEPT001", "DEPT002", "PHY-9"].map { "INSERT INTO chargecodes (code, title) VALUES ('\($0)', 'Physics')" }
            statements.append("INSERT INTO categories (id, name) VALUES (1, 'Chemicals')")
            statements.append("""
                INSERT INTO items (id, sku, name, category_id, price, vat_included, current_stock, minimum_stock, unit)
                VALUES (1, 'CHM-001', 'Acetone', 1, 10.00, false, 10, 1, 'L')
                """)
            for sale in DataFixture.sales {
                let at = sale.at.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
                statements.append("""
                    INSERT INTO sales (id, sale_id, charge_code, subtotal_amount, vat_amount, total_amount, status, is_paid,
                                       created_at)
                    VALUES (\(sale.id), '\(sale.ref)', '\(sale.code)', \(pounds(sale.subtotal)), \(pounds(sale.vat)),
                            \(pounds(sale.total)), '\(sale.status)', true, '\(at)')
                    """)
                for _ in 0..<sale.lines {
                    statements.append("""
                        INSERT INTO sale_items (sale_id, item_id, item_name, item_sku, unit_price, vat_rate, quantity,
                                                subtotal, vat_amount, total_with_vat, vat_included)
                        VALUES (\(sale.id), 1, 'Acetone', 'CHM-001', 10.00, 0.2, 1, 10.00, 2.00, 12.00, false)
                        """)
                }
            }
            return statements
        }
    }

    /// Pence as an exact decimal literal in pounds.
    static func pounds(_ pence: Int64) -> String {
        let sign = pence < 0 ? "-" : ""
        let magnitude = pence.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}
