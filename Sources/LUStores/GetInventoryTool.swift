import JSONRPC
import MCP

/// `get_inventory`: items in stock, filtered and paginated, with categories and a summary
/// (`schemas/get_inventory.*.schema.json`), from ``InventoryCatalog``.
public enum GetInventoryTool {
    /// The tool, answering through `catalog`.
    public static func make(catalog: InventoryCatalog) -> Tool {
        Tool(
            name: "get_inventory",
            title: "Inventory",
            description: "Items of the stores by name, filtered by category, a search of name or SKU (case-insensitive) "
                + "and low stock (stock at or below its minimum); inactive items only with include_inactive. "
                + "\(InventoryArguments.defaultLimit) a page by default (limit up to \(InventoryArguments.maximumLimit)). "
                + "Lists every category, and sums the count, low-stock count and stock value (price × stock, "
                + "pounds, exact to the penny) of every matching item.",
            inputSchema: SchemaLibrary.getInventoryInput,
            outputSchema: SchemaLibrary.getInventoryOutput,
            annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true),
            handler: { arguments, _ in await catalog.inventory(arguments) }
        )
    }
}
