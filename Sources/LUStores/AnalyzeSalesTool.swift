import JSONRPC
import MCP

/// `analyze_sales`: the sales grouped by charge code, category, item, status or period, with
/// exact totals, from ``SalesLedger``.
public enum AnalyzeSalesTool {
    /// The tool, answering through `ledger`.
    public static func make(ledger: SalesLedger) -> Tool {
        Tool(
            name: "analyze_sales",
            title: "Sales analysis",
            description: "Sales grouped in one call: by charge_code (which department spent most), item or category "
                + "(what sells), status, or period (day, ISO week, month: trends; every period of the range listed, "
                + "empty ones as zeros). Same filters as get_sales (charge_code, date, from/to, status). Each group "
                + "has count, revenue, VAT and quantity; totals cover the whole filtered set; "
                + "\(SalesAnalysisArguments.defaultLimit) groups by default (limit up to "
                + "\(SalesAnalysisArguments.maximumLimit)), largest revenue first unless sort says otherwise "
                + "(periods oldest first). Completed and paid sales earn; refunded ones count but earn nothing. "
                + "Exact to the penny; dates in the server's time zone (\(ledger.calendar.timeZone.identifier)); "
                + "amounts in pounds.",
            inputSchema: SchemaLibrary.analyzeSalesInput,
            outputSchema: SchemaLibrary.analyzeSalesOutput,
            annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true),
            handler: { arguments, _ in await ledger.analysis(arguments) }
        )
    }
}
