import Foundation
import PostgresTesting
import JSONRPC
import MCP
import Store
@testable import LUStores

/// What a fixture source holds.
enum FixtureContents: Sendable {
    /// The charge codes and the seven sales of ``DataFixture/sales`` (with one item to sell).
    case sales
    /// The categories and the six items of ``DataFixture/items``.
    case items
    /// The five charge codes of ``DataFixture/chargeCodes`` and nothing else.
    case chargeCodes
    /// Nothing at all.
    case nothing
}

/// One way of making a ``DataSource`` that holds a fixture: the data tool tests run every case
/// shared by the engines once through each factory of ``dataSourceFactories``, and expect the same
/// answers from each.
protocol DataSourceFactory: Sendable, CustomStringConvertible {
    /// Whether items carry `vat_rate` and `vat_included` (the fixture's ``DataFixture/Item/vat``
    /// rates, prices excluding VAT).
    var itemsCarryVAT: Bool { get }
    /// Runs `body` with a new source holding `contents` and nothing else, removed afterwards.
    func withSource<T>(_ contents: FixtureContents, _ body: (any DataSource) async throws -> T) async throws -> T
}

/// Every engine the shared data tool cases run on. An engine's factory joins this list to run
/// them all.
let dataSourceFactories: [any DataSourceFactory] = TestCluster.serverProgramsInstalled
    ? [SQLiteSourceFactory(), PostgresSourceFactory()]
    : [SQLiteSourceFactory()]  // .ci/run installs PostgreSQL; a machine without it tests SQLite only

/// The embedded SQLite store, in a fresh temporary directory, filled through its writer.
struct SQLiteSourceFactory: DataSourceFactory {
    var description: String { "sqlite" }
    var itemsCarryVAT: Bool { false }

    func withSource<T>(_ contents: FixtureContents, _ body: (any DataSource) async throws -> T) async throws -> T {
        try await DataFixture.withStore { store in
            switch contents {
            case .sales: try await DataFixture.insertSales(store)
            case .items: try await DataFixture.insertItems(store)
            case .chargeCodes: try await DataFixture.insertChargeCodes(store)
            case .nothing: break
            }
            return try await body(try SQLiteDataSource(store: store))
        }
    }
}

/// Hand-made stores for the data tool tests: a few rows each, inserted directly, so every expected
/// figure can be worked out by hand (the tests show the arithmetic).
enum DataFixture {
    /// Runs `body` with a new store in a fresh temporary directory, removed afterwards.
    static func withStore<T>(_ body: (Store) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("lustores-data-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        let store = try await Store.open(path: url.path + "/store.sqlite")
        return try await body(store)
    }

    /// One sale row: (id, sale_id, charge code, subtotal p, VAT p, total p, status, created_at, lines).
    typealias Sale = (id: Int64, ref: String, code: String, subtotal: Int64, vat: Int64, total: Int64, status: String,
                      at: String, lines: Int)

    /// Seven sales over 2025-05-31 … 2025-06-11 (UTC), two sharing a second, two refunded, one
    /// zero-rated.
    ///
    ///     id  code     total   status     created_at (UTC)      lines
    ///     1   DEPT001  12.00   completed  2025-06-09T09:15:00Z  2
    ///     2   DEPT002   5.00   completed  2025-06-09T23:30:00Z  1 (0% VAT)
    ///     3   DEPT001  24.00   refunded   2025-06-10T00:00:00Z  1
    ///     4   DEPT001   4.00   completed  2025-06-10T12:00:00Z  1
    ///     5   DEPT002   1.20   completed  2025-06-10T12:00:00Z  3
    ///     6   PHY-9     0.01   completed  2025-06-11T08:00:00Z  1
    ///     7   DEPT001 119.99   refunded   2025-05-31T23:59:59Z  1
    ///
    /// Newest first: 6, 5, 4 (same second, higher id first), 3, 2, 1, 7.
    /// Revenue of everything: 1200 + 500 + 400 + 120 + 1 = 2221p = £22.21.
    static let sales: [Sale] = [
        (1, "S20250609091500", "DEPT001", 1000, 200, 1200, "completed", "2025-06-09T09:15:00Z", 2),
        (2, "S20250609233000", "DEPT002", 500, 0, 500, "completed", "2025-06-09T23:30:00Z", 1),
        (3, "S20250610000000", "DEPT001", 2000, 400, 2400, "refunded", "2025-06-10T00:00:00Z", 1),
        (4, "S20250610120000", "DEPT001", 333, 67, 400, "completed", "2025-06-10T12:00:00Z", 1),
        (5, "S20250610120000b", "DEPT002", 100, 20, 120, "completed", "2025-06-10T12:00:00Z", 3),
        (6, "S20250611080000", "PHY-9", 1, 0, 1, "completed", "2025-06-11T08:00:00Z", 1),
        (7, "S20250531235959", "DEPT001", 9999, 2000, 11999, "refunded", "2025-05-31T23:59:59Z", 1),
    ]

    /// Inserts the charge codes, one item and the sales above with their lines.
    static func insertSales(_ store: Store) async throws {
        try await store.writer.transaction { db in
            for code in ["DEPT001", "DEPT002", "PHY-9"] {
                try db.run("INSERT INTO charge_codes (code, title) VALUES (?, 'Physics')", [.text(code)])
            }
            try db.run("INSERT INTO categories (id, name) VALUES (1, 'Chemicals')")
            try db.run("""
                INSERT INTO items (id, sku, name, category_id, price, current_stock, minimum_stock, unit, updated_at)
                VALUES (1, 'CHM-001', 'Acetone', 1, 1000, 10, 1, 'L', '2025-06-01T00:00:00Z')
                """)
            for sale in sales {
                try db.run("""
                    INSERT INTO sales (id, sale_id, charge_code, subtotal_amount, vat_amount, total_amount, status, is_paid,
                                       created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
                    """, [.integer(sale.id), .text(sale.ref), .text(sale.code), .integer(sale.subtotal), .integer(sale.vat),
                          .integer(sale.total), .text(sale.status), .text(sale.at)])
                for _ in 0..<sale.lines {
                    try db.run("""
                        INSERT INTO sale_items (sale_id, item_id, item_name, item_sku, unit_price, vat_rate, quantity,
                                                subtotal, vat_amount, total_with_vat)
                        VALUES (?, 1, 'Acetone', 'CHM-001', 1000, 0.2, 1, 1000, 200, 1200)
                        """, [.integer(sale.id)])
                }
            }
        }
    }

    /// One item row; `vat` is its rate where a store keeps one per item (prices exclude it).
    typealias Item = (id: Int64, sku: String, name: String, category: Int64, price: Int64, stock: Double, minimum: Double,
                      unit: String, location: String?, active: Bool, vat: Double)

    /// Categories 1 Chemicals, 2 Electronics, 3 Books, 4 Empty Cat (no items).
    static let categories: [(Int64, String)] = [(1, "Chemicals"), (2, "Electronics"), (3, "Books"), (4, "Empty Cat")]

    /// Six items (the book zero-rated, the rest at 20% VAT); value = price (p) × stock:
    ///
    ///     id  sku      name                     price  stock  min  active  low  value (p)
    ///     1   CHM-001  Acetone AR grade         12.50  12.5   5    yes     no   15625
    ///     2   CHM-002  acetone technical         9.99   2.25  3    yes     yes   2247.75
    ///     3   ELC-001  Resistor 10k              0.05 100    100   yes     yes    500
    ///     4   ELC-002  Capacitor 100nF           0.12   0     10   no      yes      0
    ///     5   BKS-001  The Art of Electronics   65.00   3     1    yes     no   19500
    ///     6   ELC-003  Zener diode               0.25   0.02  1    yes     yes      0.5
    ///
    /// Active items by name (binary order, capitals first): Acetone AR grade, Resistor 10k,
    /// The Art of Electronics, Zener diode, acetone technical.
    static let items: [Item] = [
        (1, "CHM-001", "Acetone AR grade", 1, 1250, 12.5, 5, "L", "Chemical Store A01", true, 0.2),
        (2, "CHM-002", "acetone technical", 1, 999, 2.25, 3, "L", nil, true, 0.2),
        (3, "ELC-001", "Resistor 10k", 2, 5, 100, 100, "each", "Main Store B02", true, 0.2),
        (4, "ELC-002", "Capacitor 100nF", 2, 12, 0, 10, "each", "Main Store B03", false, 0.2),
        (5, "BKS-001", "The Art of Electronics", 3, 6500, 3, 1, "each", "Counter", true, 0),
        (6, "ELC-003", "Zener diode", 2, 25, 0.02, 1, "each", "Main Store B04", true, 0.2),
    ]

    /// Inserts the categories and items above.
    static func insertItems(_ store: Store) async throws {
        try await store.writer.transaction { db in
            for (id, name) in categories {
                try db.run("INSERT INTO categories (id, name) VALUES (?, ?)", [.integer(id), .text(name)])
            }
            for item in items {
                try db.run("""
                    INSERT INTO items (id, sku, name, category_id, price, current_stock, minimum_stock, unit, location,
                                       is_active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '2025-06-01T00:00:00Z')
                    """, [.integer(item.id), .text(item.sku), .text(item.name), .integer(item.category), .integer(item.price),
                          .real(item.stock), .real(item.minimum), .text(item.unit), item.location.map { .text($0) } ?? .null,
                          .integer(item.active ? 1 : 0)])
            }
        }
    }

    /// Five charge codes (validity days inclusive; "now" is 2025-06-10):
    ///
    ///     code     title                  valid_from  valid_until  on_hold  active 06-10  active 06-11
    ///     DEPT001  Physics teaching       –           –            no       yes           yes
    ///     DEPT002  Chemistry research     2025-01-01  2025-06-10   no       yes           no
    ///     LAB9     laboratory 9 PHYSICS   2025-06-11  –            no       no            yes
    ///     HOLD1    Physics on hold        –           –            yes      no            no
    ///     dept003  Biology                2024-01-01  2024-12-31   no       no            no
    ///
    /// By code in byte order (capitals first): DEPT001, DEPT002, HOLD1, LAB9, dept003.
    static let chargeCodes: [(code: String, title: String, from: String?, until: String?, hold: Bool)] = [
        ("DEPT001", "Physics teaching", nil, nil, false),
        ("DEPT002", "Chemistry research", "2025-01-01", "2025-06-10", false),
        ("LAB9", "laboratory 9 PHYSICS", "2025-06-11", nil, false),
        ("HOLD1", "Physics on hold", nil, nil, true),
        ("dept003", "Biology", "2024-01-01", "2024-12-31", false),
    ]

    /// Inserts the charge codes above.
    static func insertChargeCodes(_ store: Store) async throws {
        try await store.writer.transaction { db in
            for code in chargeCodes {
                try db.run("INSERT INTO charge_codes (code, title, valid_from, valid_until, on_hold) VALUES (?, ?, ?, ?, ?)",
                           [.text(code.code), .text(code.title), code.from.map { .text($0) } ?? .null,
                            code.until.map { .text($0) } ?? .null, .integer(code.hold ? 1 : 0)])
            }
        }
    }

    /// `2025-06-10T10:00:00Z`, the fixed "now" of the sales tests unless a test says otherwise.
    static let now = Date(timeIntervalSince1970: 1_749_549_600)

    /// A ledger reading `source` in `zone`, its clock fixed at `now`.
    static func ledger(_ source: any DataSource, zone: String = "UTC", now: Date = DataFixture.now) -> SalesLedger {
        SalesLedger(source: source, calendar: ZonedCalendar(identifier: zone)!, now: { now })
    }

    /// The successful result of a call, or nil (and the error recorded by the caller's #expect).
    static func result(_ outcome: ToolOutcome) -> JSONValue? {
        if case .success(let value) = outcome { return value }
        return nil
    }

    /// The error object's code and details.field of a failed call.
    static func failure(_ outcome: ToolOutcome) -> (code: String?, field: String?) {
        guard case .failure(let error) = outcome, case let value = error.json else { return (nil, nil) }
        return (value["error"]?["code"]?.stringValue, value["error"]?["details"]?["field"]?.stringValue)
    }

    /// The `id`s of the listed sales or items, in order.
    static func ids(_ value: JSONValue?, _ key: String) -> [String] {
        value?[key]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }
}

/// Shorthand: JSON object arguments from a dictionary literal.
func dataArguments(_ value: JSONValue) -> JSONObject {
    value.objectValue ?? JSONObject()
}
