import JSONRPC
import MCP
import Store
import Testing
@testable import LUStores

/// The data tools' answers and errors match the schemas `tools/list` serves, and the registry
/// offers the tools in the documented order.
@Suite("Data tool schemas")
struct DataToolSchemaTests {
    @Test("get_sales and get_inventory answers match their output schemas; errors match the error schema")
    func answersMatchSchemas() async throws {
        try await DataFixture.withStore { store in
            try await DataFixture.insertSales(store)
            let ledger = DataFixture.ledger(store)
            for arguments: JSONValue in [[:], ["limit": 1, "page": 3], ["status": "refunded"], ["date": "1999-01-01"]] {
                let value = try #require(DataFixture.result(await ledger.sales(dataArguments(arguments))))
                #expect(SchemaValidator.validate(value, against: SchemaLibrary.getSalesOutput) == nil, "\(value)")
            }
            let error = await ledger.sales(dataArguments(["date": "31/12/2025"]))
            #expect(error.isError)
            #expect(SchemaValidator.validate(error.json, against: SchemaLibrary.error) == nil)
        }
        try await DataFixture.withStore { store in
            try await DataFixture.insertItems(store)
            let catalog = try InventoryCatalog(store: store)
            for arguments: JSONValue in [[:], ["include_inactive": true], ["search": "nothing at all"]] {
                let value = try #require(DataFixture.result(await catalog.inventory(dataArguments(arguments))))
                #expect(SchemaValidator.validate(value, against: SchemaLibrary.getInventoryOutput) == nil, "\(value)")
            }
        }
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
