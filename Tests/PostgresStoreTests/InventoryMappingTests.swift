import PostgresTesting
import PostgresStore
import Store
import Testing

/// `inventoryPage` against the fixtures, in both schema variants, as the SELECT-only role.
@Suite(requiresPostgreSQL)
struct InventoryMappingTests {
    static let variants = ["lus_drizzle", "lus_init"]

    private static func item(_ id: Int64, _ name: String, _ sku: String, _ category: String, stock: Double, minimum: Double,
                             _ unit: String, _ location: String, pence: Int64, active: Bool = true, vat: Double = 0.2,
                             included: Bool = true) -> ItemRecord {
        ItemRecord(id: id, sku: sku, name: name, category: category, stock: stock, minimumStock: minimum, unit: unit,
                   location: location, pricePence: pence, isActive: active, vatRate: vat, vatIncluded: included)
    }

    static let resistor = item(1, "Resistor 10k", "ELC-001", "Electronics", stock: 500, minimum: 100, "pieces", "A1", pence: 12)
    static let capacitor = item(2, "Capacitor_100nF", "ELC-002", "Electronics", stock: 33.34, minimum: 50, "pieces", "A2", pence: 25)
    static let acetone = item(3, "Acetone", "CHM-001", "Chemicals", stock: 3.5, minimum: 5, "L", "", pence: 1250, included: false)
    static let book = item(4, "Physics 100% Guide", "BK-001", "Books", stock: 2, minimum: 1, "pieces", "Shelf B", pence: 3999, vat: 0)
    static let probe = item(5, "Old Probe", "ELC-003", "Electronics", stock: 1, minimum: 0, "pieces", "A9", pence: 500, active: false)
    static let wipes = item(6, "acetone wipes", "CHM-002", "Chemicals", stock: 0.5, minimum: 0.5, "pieces", "C3", pence: 399)
    static let cheapResistor = item(7, "Resistor 10k", "ELC-004", "Electronics", stock: 0, minimum: 0, "pieces", "A1", pence: 10)
    static let categories = ["Books", "Chemicals", "Cryogenics", "Electronics"]

    @Test("active items by name (byte order) then id, stock value rounded once, every category", arguments: variants)
    func activeItems(database: String) async throws {
        let source = try readerSource(database)
        let page = try await source.inventoryPage(InventoryFilter(), offset: 0, limit: 50)
        await source.close()
        #expect(page.items == [Self.acetone, Self.capacitor, Self.book, Self.resistor, Self.cheapResistor, Self.wipes])
        #expect(page.categories == Self.categories)
        #expect(page.total == 6 && page.lowStockCount == 4)
        // 60 + 8.335 + 43.75 + 79.98 + 1.995 = 194.06 exactly; rounding each item would give 194.07.
        #expect(page.stockValuePence == 19406)
    }

    @Test("inactive items only when asked; a page of them", arguments: variants)
    func inactiveAndPaging(database: String) async throws {
        let source = try readerSource(database)
        let all = try await source.inventoryPage(InventoryFilter(includeInactive: true), offset: 0, limit: 50)
        let second = try await source.inventoryPage(InventoryFilter(includeInactive: true), offset: 2, limit: 2)
        await source.close()
        #expect(all.items == [Self.acetone, Self.capacitor, Self.probe, Self.book, Self.resistor, Self.cheapResistor, Self.wipes])
        #expect(all.total == 7 && all.lowStockCount == 4 && all.stockValuePence == 19906)
        #expect(second.items == [Self.probe, Self.book] && second.total == 7)
    }

    @Test("search is ILIKE on name or SKU with %, _ and \\ taken literally", arguments: variants)
    func search(database: String) async throws {
        let source = try readerSource(database)
        let acetone = try await source.inventoryPage(InventoryFilter(search: "ACETONE"), offset: 0, limit: 50)
        let underscore = try await source.inventoryPage(InventoryFilter(search: "_"), offset: 0, limit: 50)
        let percent = try await source.inventoryPage(InventoryFilter(search: "100%"), offset: 0, limit: 50)
        let backslash = try await source.inventoryPage(InventoryFilter(search: "\\"), offset: 0, limit: 50)
        let sku = try await source.inventoryPage(InventoryFilter(search: "elc-00"), offset: 0, limit: 50)
        await source.close()
        #expect(acetone.items == [Self.acetone, Self.wipes])
        #expect(acetone.total == 2 && acetone.lowStockCount == 2 && acetone.stockValuePence == 4575)
        #expect(underscore.items == [Self.capacitor] && underscore.stockValuePence == 834)
        #expect(percent.items == [Self.book] && percent.lowStockCount == 0 && percent.stockValuePence == 7998)
        #expect(backslash.items.isEmpty && backslash.total == 0 && backslash.stockValuePence == 0)
        #expect(sku.items == [Self.capacitor, Self.resistor, Self.cheapResistor] && sku.stockValuePence == 6834)
        #expect(acetone.categories == Self.categories)
    }

    @Test("category matches the name exactly; low stock is stock ≤ minimum", arguments: variants)
    func categoryAndLowStock(database: String) async throws {
        let source = try readerSource(database)
        let chemicals = try await source.inventoryPage(InventoryFilter(category: "Chemicals"), offset: 0, limit: 50)
        let lowerCase = try await source.inventoryPage(InventoryFilter(category: "chemicals"), offset: 0, limit: 50)
        let low = try await source.inventoryPage(InventoryFilter(lowStockOnly: true), offset: 0, limit: 50)
        await source.close()
        #expect(chemicals.items == [Self.acetone, Self.wipes] && chemicals.total == 2)
        #expect(lowerCase.items.isEmpty && lowerCase.total == 0 && lowerCase.categories == Self.categories)
        #expect(low.items == [Self.acetone, Self.capacitor, Self.cheapResistor, Self.wipes])
        #expect(low.total == 4 && low.lowStockCount == 4 && low.stockValuePence == 5408)
    }
}
