import JSONRPC
import MCP

/// `get_sales`: sales, filtered and paginated, with a summary, from ``SalesLedger``.
public enum GetSalesTool {
    /// The tool, answering through `ledger`.
    public static func make(ledger: SalesLedger) -> Tool {
        Tool(
            name: "get_sales",
            title: "Sales",
            description: "Sales of the stores counter, newest first, filtered by charge code, day (date: YYYY-MM-DD, "
                + "today or yesterday), time range (from inclusive, to exclusive) and status, "
                + "\(SalesArguments.defaultLimit) a page by default (limit up to \(SalesArguments.maximumLimit)). "
                + "The summary counts every matching sale and sums the revenue of the completed and paid ones, "
                + "exact to the penny. "
                + "Dates are in the server's time zone (\(ledger.calendar.timeZone.identifier)); amounts in pounds.",
            inputSchema: SchemaLibrary.getSalesInput,
            outputSchema: SchemaLibrary.getSalesOutput,
            annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true),
            handler: { arguments, _ in await ledger.sales(arguments) }
        )
    }
}
