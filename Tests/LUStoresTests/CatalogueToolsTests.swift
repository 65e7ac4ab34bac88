import Foundation
import JSONRPC
import MCP
import Store
import Testing
@testable import LUStores

/// `analyze_inventory` on the items of ``DataFixture/items`` and `get_charge_codes` on
/// ``DataFixture/chargeCodes``, on every engine of ``dataSourceFactories``; every expected figure is
/// worked out by hand from the fixture tables.
@Suite("analyze_inventory and get_charge_codes")
struct CatalogueToolsTests {
    /// One group as (key, item_count, low_stock_count, stock_value, [(id, shortfall)]).
    typealias Group = (key: String, count: Int64, low: Int64, value: Double, short: [String])

    func analysis(_ factory: any DataSourceFactory, _ arguments: JSONValue) async throws -> JSONValue {
        try await factory.withSource(.items) { source in
            try #require(DataFixture.result(await InventoryCatalog(source: source).analysis(dataArguments(arguments))))
        }
    }

    /// The groups, each shortfall entry as `id:shortfall`.
    func groups(_ value: JSONValue) -> [Group] {
        (value["groups"]?.arrayValue ?? []).map { group in
            (group["key"]?.stringValue ?? "?", group["item_count"]?.integerValue ?? -1, group["low_stock_count"]?.integerValue ?? -1,
             group["stock_value"]?.doubleValue ?? -1,
             (group["shortfall"]?.arrayValue ?? []).map { "\($0["id"]?.stringValue ?? "?"):\($0["shortfall"]?.doubleValue ?? -1)" })
        }
    }

    func totals(_ value: JSONValue) -> [Double] {
        ["item_count", "low_stock_count", "stock_value"].map { value["totals"]?[$0]?.doubleValue ?? -1 }
    }

    func same(_ left: [Group], _ right: [Group]) -> Bool {
        left.count == right.count && zip(left, right).allSatisfy {
            $0.key == $1.key && $0.count == $1.count && $0.low == $1.low && $0.value == $1.value && $0.short == $1.short
        }
    }

    // Active items: 1 Chemicals 15625p; 2 Chemicals 2247.75p, 0.75 short; 3 Electronics 500p, at its
    // minimum (low, no shortfall); 5 Books 19500p; 6 Electronics 0.5p, 0.98 short.
    @Test("by category: counts, exact values rounded per group and once for the totals", arguments: dataSourceFactories)
    func byCategory(_ factory: any DataSourceFactory) async throws {
        let value = try await analysis(factory, [:])
        #expect(value["group_by"] == "category")
        let expected: [Group] = [
            ("Books", 1, 0, 195, []),
            ("Chemicals", 2, 1, 178.73, ["item_002:0.75"]),      // 17872.75p rounds up
            ("Electronics", 2, 2, 5.01, ["item_006:0.98"]),      // 500.5p rounds up
        ]
        #expect(same(groups(value), expected), "\(groups(value))")
        // 37873.25p rounds down: not 378.74, the sum of the rounded groups.
        #expect(totals(value) == [5, 3, 378.73])
        #expect(SchemaValidator.validate(value, against: SchemaLibrary.analyzeInventoryOutput) == nil)
    }

    @Test("inactive items, low stock only, a limit on each shortfall list", arguments: dataSourceFactories)
    func filters(_ factory: any DataSourceFactory) async throws {
        let inactive = try await analysis(factory, ["include_inactive": true, "limit": 1])
        // Item 4 (inactive, 0 of 10) joins Electronics with the largest shortfall.
        #expect(same(groups(inactive), [("Books", 1, 0, 195, []), ("Chemicals", 2, 1, 178.73, ["item_002:0.75"]),
                                        ("Electronics", 3, 3, 5.01, ["item_004:10.0"])]), "\(groups(inactive))")
        #expect(totals(inactive) == [6, 4, 378.73])
        let low = try await analysis(factory, ["low_stock": true, "limit": 0])
        #expect(same(groups(low), [("Chemicals", 1, 1, 22.48, []), ("Electronics", 2, 2, 5.01, [])]), "\(groups(low))")
        #expect(totals(low) == [3, 3, 27.48])  // 2748.25p
    }

    @Test("by location: an empty key gathers items with none recorded", arguments: dataSourceFactories)
    func byLocation(_ factory: any DataSourceFactory) async throws {
        let value = try await analysis(factory, ["group_by": "location"])
        #expect(value["group_by"] == "location")
        #expect(same(groups(value), [("", 1, 1, 22.48, ["item_002:0.75"]), ("Chemical Store A01", 1, 0, 156.25, []),
                                     ("Counter", 1, 0, 195, []), ("Main Store B02", 1, 1, 5, []),
                                     ("Main Store B04", 1, 1, 0.01, ["item_006:0.98"])]), "\(groups(value))")
        #expect(totals(value) == [5, 3, 378.73])
    }

    @Test("bad arguments name the field")
    func badArguments() async throws {
        try await SQLiteSourceFactory().withSource(.nothing) { source in
            let catalog = InventoryCatalog(source: source)
            #expect(DataFixture.failure(await catalog.analysis(dataArguments(["group_by": "shelf"]))) == ("MCP_INVALID_REQUEST", "group_by"))
            #expect(DataFixture.failure(await catalog.analysis(dataArguments(["limit": 501]))) == ("MCP_INVALID_REQUEST", "limit"))
            let ledger = DataFixture.ledger(source)
            #expect(DataFixture.failure(await ledger.chargeCodes(dataArguments(["active_on": "2025-02-30"])))
                    == ("MCP_INVALID_REQUEST", "active_on"))
        }
    }

    func codes(_ factory: any DataSourceFactory, zone: String = "UTC", _ arguments: JSONValue) async throws -> [String] {
        try await factory.withSource(.chargeCodes) { source in
            let value = try #require(DataFixture.result(await DataFixture.ledger(source, zone: zone).chargeCodes(dataArguments(arguments))))
            #expect(SchemaValidator.validate(value, against: SchemaLibrary.getChargeCodesOutput) == nil)
            return (value["charge_codes"]?.arrayValue ?? []).map { code in
                let active = code["active"]?.boolValue == true ? "+" : "-"
                return active + (code["code"]?.stringValue ?? "?")
            }
        }
    }

    @Test("active today by default, in the configured zone; active_on judges another day", arguments: dataSourceFactories)
    func active(_ factory: any DataSourceFactory) async throws {
        #expect(try await codes(factory, [:]) == ["+DEPT001", "+DEPT002"])
        // 2025-06-10T10:00Z is already 2025-06-11 at UTC+14.
        #expect(try await codes(factory, zone: "Pacific/Kiritimati", [:]) == ["+DEPT001", "+LAB9"])
        #expect(try await codes(factory, ["active_on": "2024-12-31"]) == ["+DEPT001", "+dept003"])
        #expect(try await codes(factory, ["active_on": "yesterday"]) == ["+DEPT001", "+DEPT002"])
    }

    @Test("include_inactive lists every code with its window; search matches code or title in any case",
          arguments: dataSourceFactories)
    func everyCode(_ factory: any DataSourceFactory) async throws {
        #expect(try await codes(factory, ["include_inactive": true]) == ["+DEPT001", "+DEPT002", "-HOLD1", "-LAB9", "-dept003"])
        #expect(try await codes(factory, ["include_inactive": true, "search": "physics"]) == ["+DEPT001", "-HOLD1", "-LAB9"])
        #expect(try await codes(factory, ["include_inactive": true, "search": "dept0"]) == ["+DEPT001", "+DEPT002", "-dept003"])
        let fields = try await factory.withSource(.chargeCodes) { source in
            try #require(DataFixture.result(await DataFixture.ledger(source).chargeCodes(dataArguments(["search": "DEPT002"]))))
        }
        #expect(fields == ["charge_codes": [["code": "DEPT002", "title": "Chemistry research", "valid_from": "2025-01-01",
                                             "valid_until": "2025-06-10", "on_hold": false, "active": true]]])
    }
}
