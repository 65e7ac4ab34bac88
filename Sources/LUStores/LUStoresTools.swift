import JSONRPC
import MCP
import TestExecution

/// The tools of lustores-mcp, declared once and served by every transport.
public enum LUStoresTools {
    /// The registry of every tool, in the order `tools/list` shows them. Argument violations
    /// become `MCP_INVALID_REQUEST` errors naming the field.
    public static func registry(monitor: StatusMonitor, ledger: SalesLedger, catalog: InventoryCatalog,
                                testRunner: TestRunner) -> ToolRegistry {
        ToolRegistry([GetStatusTool.make(monitor: monitor), GetSalesTool.make(ledger: ledger),
                      AnalyzeSalesTool.make(ledger: ledger),
                      GetInventoryTool.make(catalog: catalog), RunTestsTool.make(runner: testRunner),
                      GetTestResultTool.make(runner: testRunner)],
                     invalidArguments: invalidArguments)
    }

    /// The `MCP_INVALID_REQUEST` error for a schema violation, with the field in `details`.
    @Sendable public static func invalidArguments(_ violation: SchemaViolation) -> ToolError {
        let details = violation.path.isEmpty ? nil : JSONObject([("field", .string(violation.path))])
        return ToolError(.invalidRequest, "invalid arguments: \(violation)", details: details)
    }

    /// How the server introduces itself.
    public static let implementation = Implementation(
        name: LUStoresVersion.serverName, version: LUStoresVersion.current, title: "LUStores",
        description: "Status, tests, sales and inventory of the LUStores university stores system.")

    /// The `instructions` offered to clients at `initialize` and `server/discover`.
    public static let instructions = "LUStores is a university stores counter. get_status reports the system's health; "
        + "get_sales lists sales (filter by charge_code, date, from/to, status) with their count and revenue; "
        + "get_inventory lists items (filter by category, search, low_stock) with stock value."
}
