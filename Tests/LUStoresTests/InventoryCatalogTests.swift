import Foundation
import JSONRPC
import MCP
import Store
import Testing
@testable import LUStores

/// `get_inventory` on the hand-made fixture of ``DataFixture/items``; expected figures worked out
/// by hand. These cases run on each engine of ``dataSourceFactories``; the SQLite store's own
/// guarantees (its snapshot, case folding) are in ``SQLiteInventoryTests``.
@Suite("get_inventory")
struct InventoryCatalogTests {
    func withCatalog<T>(_ factory: any DataSourceFactory, _ body: (InventoryCatalog) async throws -> T) async throws -> T {
        try await factory.withSource(.items) { source in try await body(InventoryCatalog(source: source)) }
    }

    func call(_ catalog: InventoryCatalog, _ arguments: JSONValue) async -> JSONValue? {
        let value = DataFixture.result(await catalog.inventory(dataArguments(arguments)))
        #expect(value != nil, "the call failed: \(arguments)")
        #expect(value?["pagination"]?["total"] == value?["summary"]?["item_count"])
        return value
    }

    @Test("active items by name, every category, exact figures", arguments: dataSourceFactories)
    func defaults(_ factory: any DataSourceFactory) async throws {
        try await withCatalog(factory) { catalog in
            let value = await call(catalog, [:])
            #expect(DataFixture.ids(value, "items") == ["item_001", "item_003", "item_005", "item_006", "item_002"])
            #expect(value?["categories"] == ["Books", "Chemicals", "Electronics", "Empty Cat"])
            // 15625 + 2247.75 + 500 + 19500 + 0.5 = 37873.25p → 37873p
            #expect(value?["summary"] == ["item_count": 5, "low_stock_count": 3, "stock_value": 378.73])
            #expect(value?["pagination"] == ["total": 5, "page": 1, "limit": 50])
            let acetone = value?["items"]?.arrayValue?.last
            var expected: JSONValue = ["id": "item_002", "sku": "CHM-002", "name": "acetone technical",
                                       "category": "Chemicals", "stock": 2.25, "minimum_stock": 3.0, "unit": "L",
                                       "location": "", "price": 9.99, "low_stock": true]
            if factory.itemsCarryVAT {
                expected = ["id": "item_002", "sku": "CHM-002", "name": "acetone technical", "category": "Chemicals",
                            "stock": 2.25, "minimum_stock": 3.0, "unit": "L", "location": "", "price": 9.99,
                            "low_stock": true, "vat_rate": 0.2, "vat_included": false]
            }
            #expect(acetone == expected)
        }
    }

    @Test("search matches name or SKU, ignoring case; a half penny of stock value rounds up",
          arguments: dataSourceFactories)
    func search(_ factory: any DataSourceFactory) async throws {
        try await withCatalog(factory) { catalog in
            var value = await call(catalog, ["search": "ACETONE"])
            #expect(DataFixture.ids(value, "items") == ["item_001", "item_002"])
            #expect(value?["summary"]?["stock_value"] == 178.73)  // 15625 + 2247.75 = 17872.75p → 17873p
            value = await call(catalog, ["search": "elc-00"])
            #expect(DataFixture.ids(value, "items") == ["item_003", "item_006"])  // ELC-002 is inactive
            value = await call(catalog, ["search": "elc-00", "include_inactive": true])
            #expect(DataFixture.ids(value, "items") == ["item_004", "item_003", "item_006"])  // Capacitor first
            value = await call(catalog, ["search": "zener"])
            #expect(value?["summary"] == ["item_count": 1, "low_stock_count": 1, "stock_value": 0.01])  // 0.5p → 1p
            value = await call(catalog, ["search": "%"])
            #expect(DataFixture.ids(value, "items").isEmpty)  // no wildcard
            value = await call(catalog, ["search": ""])
            #expect(value?["summary"]?["item_count"] == 5)
        }
    }

    @Test("category, low stock, inactive items, and all of them together", arguments: dataSourceFactories)
    func filters(_ factory: any DataSourceFactory) async throws {
        try await withCatalog(factory) { catalog in
            var value = await call(catalog, ["category": "Electronics"])
            #expect(DataFixture.ids(value, "items") == ["item_003", "item_006"])
            #expect(value?["summary"] == ["item_count": 2, "low_stock_count": 2, "stock_value": 5.01])  // 500 + 0.5p → 501p
            value = await call(catalog, ["low_stock": true])
            #expect(DataFixture.ids(value, "items") == ["item_003", "item_006", "item_002"])
            value = await call(catalog, ["low_stock": false])
            #expect(value?["summary"]?["item_count"] == 5)  // false does not filter
            value = await call(catalog, ["include_inactive": true])
            #expect(DataFixture.ids(value, "items")
                == ["item_001", "item_004", "item_003", "item_005", "item_006", "item_002"])
            #expect(value?["summary"]?["low_stock_count"] == 4)
            value = await call(catalog, ["category": "Electronics", "low_stock": true, "include_inactive": true,
                                         "search": "c"])
            #expect(DataFixture.ids(value, "items") == ["item_004", "item_003", "item_006"])  // Capacitor, ELC-001, ELC-003
            value = await call(catalog, ["category": "Empty Cat"])
            #expect(value?["summary"] == ["item_count": 0, "low_stock_count": 0, "stock_value": 0])
            value = await call(catalog, ["category": "Nope"])
            #expect(DataFixture.ids(value, "items").isEmpty && value?["categories"]?.arrayValue?.count == 4)
        }
    }

    @Test("pages of the sorted list; past the end empty with the same figures", arguments: dataSourceFactories)
    func pages(_ factory: any DataSourceFactory) async throws {
        try await withCatalog(factory) { catalog in
            var all: [String] = []
            for page: Int64 in 1...4 {
                let value = await call(catalog, ["limit": 2, "page": .integer(page)])
                #expect(value?["pagination"] == ["total": 5, "page": .integer(page), "limit": 2])
                #expect(value?["summary"]?["stock_value"] == 378.73)
                all += DataFixture.ids(value, "items")
            }
            #expect(all == ["item_001", "item_003", "item_005", "item_006", "item_002"])
        }
    }

    @Test("bad values are MCP_INVALID_REQUEST naming the argument", arguments: [
        (["limit": 501], "limit"), (["limit": -1], "limit"), (["page": 0], "page"), (["low_stock": "yes"], "low_stock"),
        (["include_inactive": 1], "include_inactive"), (["category": ""], "category"), (["search": 5], "search"),
        (["sort": "name"], "sort"),
    ] as [(JSONValue, String)])
    func rejectsBadValues(arguments: JSONValue, field: String) async throws {
        try await DataFixture.withStore { store in
            let registry = try fullRegistry(store)
            let tool = try #require(registry["get_inventory"])
            let outcome = await registry.call(tool, arguments: dataArguments(arguments),
                                              context: ToolContext(requestID: nil, revision: .allCases.last!))
            let failure = DataFixture.failure(outcome)
            #expect(failure.code == "MCP_INVALID_REQUEST")
            #expect(failure.field == field)
        }
    }

    @Test("item ids have at least three digits")
    func itemIDs() {
        #expect(InventoryCatalog.itemID(1) == "item_001")
        #expect(InventoryCatalog.itemID(42) == "item_042")
        #expect(InventoryCatalog.itemID(1234) == "item_1234")
    }

    @Test("an empty store lists nothing and sums to zero", arguments: dataSourceFactories)
    func emptyStore(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.nothing) { source in
            let value = DataFixture.result(await InventoryCatalog(source: source).inventory(JSONObject()))
            #expect(value == ["items": [], "categories": [], "pagination": ["total": 0, "page": 1, "limit": 50],
                              "summary": ["item_count": 0, "low_stock_count": 0, "stock_value": 0]])
        }
    }

    @Test("an item's VAT fields follow low_stock when the source keeps them, and match the output schema")
    func vatFields() throws {
        let item = ItemRecord(id: 7, sku: "GLS-007", name: "Beaker 250 mL", category: "Glassware", stock: 4, minimumStock: 2,
                              unit: "each", location: "Main Store", pricePence: 240, isActive: true,
                              vatRate: 0.2, vatIncluded: true)
        let page = InventoryPage(items: [item], categories: ["Glassware"], total: 1, lowStockCount: 0, stockValuePence: 960)
        let value = InventoryCatalog.json(page, request: try InventoryArguments(JSONObject()))
        let rendered = try #require(value["items"]?.arrayValue?.first)
        #expect(Array(rendered.objectValue?.keys.suffix(3) ?? []) == ["low_stock", "vat_rate", "vat_included"])
        #expect(rendered["vat_rate"] == 0.2 && rendered["vat_included"] == true && rendered["price"] == 2.4)
        #expect(SchemaValidator.validate(value, against: SchemaLibrary.getInventoryOutput) == nil, "\(value)")
        var without = item
        (without.vatRate, without.vatIncluded) = (nil, nil)
        let plain = InventoryCatalog.json(InventoryPage(items: [without], categories: [], total: 1, lowStockCount: 0,
                                                        stockValuePence: 960), request: try InventoryArguments(JSONObject()))
        #expect(plain["items"]?.arrayValue?.first?["vat_rate"] == nil)
        #expect(plain["items"]?.arrayValue?.first?["vat_included"] == nil)
    }
}

/// The embedded store's own guarantees for `get_inventory`: an in-memory snapshot that every commit
/// refreshes, case folding beyond ASCII, a category matched in any case, and the SQL path giving
/// the same answers.
@Suite("get_inventory on SQLite")
struct SQLiteInventoryTests {
    func withCatalog<T>(_ body: (InventoryCatalog, SQLiteDataSource, Store) async throws -> T) async throws -> T {
        try await DataFixture.withStore { store in
            try await DataFixture.insertItems(store)
            let source = try SQLiteDataSource(store: store)
            return try await body(InventoryCatalog(source: source), source, store)
        }
    }

    func call(_ catalog: InventoryCatalog, _ arguments: JSONValue) async -> JSONValue? {
        DataFixture.result(await catalog.inventory(dataArguments(arguments)))
    }

    @Test("category matches the name in any case")
    func categoryAnyCase() async throws {
        try await withCatalog { catalog, _, _ in
            let value = await call(catalog, ["category": "electronics"])
            #expect(DataFixture.ids(value, "items") == ["item_003", "item_006"])
            #expect(value?["summary"] == ["item_count": 2, "low_stock_count": 2, "stock_value": 5.01])
        }
    }
    @Test("a change committed by any connection is seen by the next call")
    func seesChanges() async throws {
        try await withCatalog { catalog, source, store in
            #expect(await call(catalog, ["search": "zener"])?["items"]?.arrayValue?.first?["stock"] == 0.02)
            try await store.writer.run("UPDATE items SET current_stock = 7.5 WHERE sku = 'ELC-003'")
            let value = await call(catalog, ["search": "zener"])
            #expect(value?["items"]?.arrayValue?.first?["stock"] == 7.5)
            #expect(value?["summary"] == ["item_count": 1, "low_stock_count": 0, "stock_value": 1.88])  // 187.5p → 188p
            let other = try SQLiteConnection(path: store.path, readOnly: false)  // as another process would
            try await other.run("UPDATE items SET is_active = 0 WHERE sku = 'ELC-003'")
            #expect(await call(catalog, ["search": "zener"])?["summary"]?["item_count"] == 0)
            try await other.run("INSERT INTO categories (name) VALUES ('Aardvarks')")
            #expect(await call(catalog, [:])?["categories"]?.arrayValue?.first == "Aardvarks")
        }
    }

    @Test("search folds case beyond ASCII")
    func unicodeSearch() async throws {
        try await withCatalog { catalog, source, store in
            try await store.writer.run("""
                INSERT INTO items (id, sku, name, category_id, price, current_stock, minimum_stock, unit, updated_at)
                VALUES (9, 'PPE-009', 'Ärmelschoner Größe L', 2, 100, 1, 0, 'each', '2025-06-01T00:00:00Z')
                """)
            #expect(DataFixture.ids(await call(catalog, ["search": "ärmel"]), "items") == ["item_009"])
            #expect(DataFixture.ids(await call(catalog, ["search": "GRÖSSE"]), "items").isEmpty)  // ß is not SS
            #expect(DataFixture.ids(await call(catalog, ["search": "GRÖßE"]), "items") == ["item_009"])
        }
    }

    @Test("the in-memory answer equals the SQL answer for every combination of filters")
    func snapshotEqualsSQL() async throws {
        try await withCatalog { catalog, source, store in
            for category in [nil, "chemicals", "Electronics", "Empty Cat"] as [String?] {
                for search in [nil, "", "ace", "ELC", "0", "x_y"] as [String?] {
                    for low in [false, true] {
                        for inactive in [false, true] {
                            for (offset, limit) in [(0, 50), (1, 2), (4, 1), (9, 3)] as [(Int64, Int)] {
                                let filter = InventoryFilter(category: category, search: search, lowStockOnly: low,
                                                             includeInactive: inactive)
                                let memory = try await source.inventoryPage(filter, offset: offset, limit: limit)
                                let sql = try await store.read { db throws(StoreError) in
                                    try InventoryQueries.page(filter, offset: offset, limit: limit, on: db)
                                }
                                #expect(memory == sql, "\(filter) offset \(offset) limit \(limit)")
                            }
                        }
                    }
                }
            }
        }
    }
}
