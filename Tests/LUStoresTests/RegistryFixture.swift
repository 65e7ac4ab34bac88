import LUStores
import MCP
import Store
import TestExecution

/// The full registry the server builds, over `store`: the one way tests make it.
func fullRegistry(_ store: Store, catalog: InventoryCatalog? = nil, runner: TestRunner? = nil) throws -> ToolRegistry {
    let testRunner = try runner ?? TestRunner(store: store, diskThreshold: 100, settings: .init(suites: TestSuite.suites(from: nil)))
    let source = try SQLiteDataSource(store: store)
    let inventory = catalog ?? InventoryCatalog(source: source)
    return LUStoresTools.registry(monitor: StatusMonitor(store: store, environment: "test"), ledger: DataFixture.ledger(source),
                                  catalog: inventory, testRunner: testRunner)
}

/// Every tool, in the order `tools/list` shows them.
let allToolNames = ["get_status", "get_sales", "analyze_sales", "get_inventory", "run_tests", "get_test_result",
                    "analyze_inventory", "get_charge_codes"]
