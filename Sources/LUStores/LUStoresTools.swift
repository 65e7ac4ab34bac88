import Foundation
import JSONRPC
import MCP
import TestExecution

/// The tools of lustores-mcp, declared once and served by every transport.
public enum LUStoresTools {
    /// The registry of every tool, in the order `tools/list` shows them. Argument violations
    /// become `MCP_INVALID_REQUEST` errors naming the field. `run_tests` offers only the suites
    /// `testRunner` can run.
    public static func registry(monitor: StatusMonitor, ledger: SalesLedger, catalog: InventoryCatalog,
                                testRunner: TestRunner) -> ToolRegistry {
        ToolRegistry([GetStatusTool.make(monitor: monitor), GetSalesTool.make(ledger: ledger),
                      AnalyzeSalesTool.make(ledger: ledger),
                      GetInventoryTool.make(catalog: catalog), RunTestsTool.make(runner: testRunner),
                      GetTestResultTool.make(runner: testRunner),
                      AnalyzeInventoryTool.make(catalog: catalog), GetChargeCodesTool.make(ledger: ledger)],
                     invalidArguments: invalidArguments)
    }

    /// The `MCP_INVALID_REQUEST` error for a schema violation, with the field in `details`.
    @Sendable public static func invalidArguments(_ violation: SchemaViolation) -> ToolError {
        let details = violation.path.isEmpty ? nil : JSONObject([("field", .string(violation.path))])
        return ToolError(.invalidRequest, "invalid arguments: \(violation)", details: details)
    }

    /// How the server introduces itself: name, version, title, description, the LUStores icon, and
    /// `websiteURL` when configured (each sent only on the revisions that define it).
    public static func implementation(websiteURL: String? = nil) -> Implementation {
        Implementation(name: LUStoresVersion.serverName, version: LUStoresVersion.current, title: "LUStores",
                       description: "Status, tests, sales, inventory and charge codes of the LUStores university stores system.",
                       icons: [icon], websiteUrl: websiteURL)
    }

    /// The LUStores mark (a parcel on a rounded square), an SVG embedded as a `data:` URI so a client
    /// needs no network to show it.
    public static let icon = Icon(
        src: "data:image/svg+xml;base64," + Data(iconSVG.utf8).base64EncodedString(), mimeType: "image/svg+xml", sizes: ["any"])

    static let iconSVG = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\">"
        + "<rect width=\"64\" height=\"64\" rx=\"12\" fill=\"#1f4e79\"/>"
        + "<path d=\"M14 23 32 13l18 10v19L32 52 14 42z\" fill=\"#f2f2f2\"/>"
        + "<path d=\"M14 23l18 10 18-10M32 33v19\" fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"3\"/></svg>"

    /// The `instructions` offered to clients at `initialize` and `server/discover`: what each tool
    /// is for and which to call first.
    public static let instructions = """
        LUStores is a university stores counter: staff sell parts and consumables to research groups, each sale \
        charged to a department charge code. Money is in pounds, exact; dates are in the server's time zone.
        Call get_status first: health, database reachability and the latest test run.
        Sales: analyze_sales answers totals and trends in one call (group by charge_code, category, item, status, day, \
        week or month); get_sales lists individual sales with an exact count and revenue (limit 0: the figures only). \
        get_charge_codes finds a department's code (by code or title) and says whether it is usable on a day.
        Stock: analyze_inventory groups items by category or location with stock value and what is below its minimum; \
        get_inventory lists or searches items (limit 0: the figures only).
        Tests: run_tests starts one of the suites this server can run; get_test_result follows it (wait_seconds long-polls).
        """
}
