import JSONRPC
import MCP
import Store
import Testing
@testable import LUStores

/// The data tools' answers and errors match the schemas `tools/list` serves, and the registry
/// offers the tools in the documented order.
@Suite("Data tool schemas")
struct DataToolSchemaTests {
    @Test("get_sales and get_inventory answers match their output schemas; errors match the error schema",
          arguments: dataSourceFactories)
    func answersMatchSchemas(_ factory: any DataSourceFactory) async throws {
        try await factory.withSource(.sales) { source in
            let ledger = DataFixture.ledger(source)
            for arguments: JSONValue in [[:], ["limit": 1, "page": 3], ["status": "refunded"], ["status": "paid"],
                                         ["date": "1999-01-01"]] {
                let value = try #require(DataFixture.result(await ledger.sales(dataArguments(arguments))))
                #expect(SchemaValidator.validate(value, against: SchemaLibrary.getSalesOutput) == nil, "\(value)")
            }
            let error = await ledger.sales(dataArguments(["date": "31/12/2025"]))
            #expect(error.isError)
            #expect(SchemaValidator.validate(error.json, against: SchemaLibrary.error) == nil)
        }
        try await factory.withSource(.items) { source in
            let catalog = InventoryCatalog(source: source)
            for arguments: JSONValue in [[:], ["include_inactive": true], ["search": "nothing at all"]] {
                let value = try #require(DataFixture.result(await catalog.inventory(dataArguments(arguments))))
                #expect(SchemaValidator.validate(value, against: SchemaLibrary.getInventoryOutput) == nil, "\(value)")
            }
        }
    }

    @Test("a sale's status is any stored string and paid is a valid filter, in the schemas")
    func statusSchemas() {
        let sale: JSONValue = ["id": "sale_1", "sale_ref": "S1", "charge_code": "DEPT001", "total": 1, "subtotal": 1,
                               "vat": 0, "items": 1, "status": "paid", "timestamp": "2025-06-10T12:00:00Z"]
        for status: JSONValue in ["paid", "completed", "refunded", "voided"] {
            var record = sale.objectValue ?? JSONObject()
            record["status"] = status
            let page: JSONValue = ["sales": [.object(record)], "pagination": ["total": 1, "page": 1, "limit": 50],
                                   "summary": ["count": 1, "revenue": 1]]
            #expect(SchemaValidator.validate(page, against: SchemaLibrary.getSalesOutput) == nil, "\(status)")
        }
        for status: JSONValue in ["completed", "paid", "refunded"] {
            #expect(SchemaValidator.validate(["status": status], against: SchemaLibrary.getSalesInput) == nil)
        }
        #expect(SchemaValidator.validate(["status": "voided"], against: SchemaLibrary.getSalesInput) != nil)
    }

    @Test("the registry lists get_status, get_sales, get_inventory, all read-only")
    func registryOrder() async throws {
        try await DataFixture.withStore { store in
            let registry = try fullRegistry(store)
            #expect(registry.tools.map(\.name) == allToolNames)
            let readOnly = registry.tools.filter { $0.name != "run_tests" }
            #expect(readOnly.allSatisfy { $0.annotations.readOnlyHint && $0.annotations.idempotentHint })
            #expect(registry["get_sales"]?.inputSchema == SchemaLibrary.getSalesInput)
            #expect(registry["get_inventory"]?.outputSchema == SchemaLibrary.getInventoryOutput)
        }
    }
}
