import JSONRPC
import MCP
import Store

/// `analyze_inventory`: the items grouped by category or location, each group with its counts,
/// exact stock value and the items furthest below their minimum
/// (`schemas/analyze_inventory.*.schema.json`), from ``InventoryCatalog``.
public enum AnalyzeInventoryTool {
    /// The tool, answering through `catalog`.
    public static func make(catalog: InventoryCatalog) -> Tool {
        Tool(
            name: "analyze_inventory",
            title: "Inventory analysis",
            description: "Stock by category or by location in one call: per group the item count, low-stock count, "
                + "stock value (pounds, exact) and the items below their minimum, largest shortfall first (what to "
                + "reorder). Totals cover every matching item. Use it for \"what is running low\" or \"where is the "
                + "stock value\"; use get_inventory to list or search individual items.",
            inputSchema: SchemaLibrary.analyzeInventoryInput,
            outputSchema: SchemaLibrary.analyzeInventoryOutput,
            annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true),
            handler: { arguments, _ in await catalog.analysis(arguments) }
        )
    }
}

/// The arguments of `analyze_inventory`, read by its input schema's rules.
public struct InventoryAnalysisArguments: Sendable, Equatable {
    /// What the groups are.
    public enum Grouping: String, Sendable {
        case category, location
    }

    /// What the groups are (default `category`).
    public let groupBy: Grouping
    /// Which items count.
    public let filter: InventoryFilter
    /// Most items in each group's shortfall list.
    public let limit: Int

    /// Reads `arguments`; a wrong type or value is `MCP_INVALID_REQUEST` naming the argument.
    public init(_ arguments: JSONObject) throws(ToolError) {
        let reader = ArgumentReader(arguments, schema: SchemaLibrary.analyzeInventoryInput)
        groupBy = try reader.choice("group_by", as: Grouping.self) ?? .category
        filter = InventoryFilter(lowStockOnly: try reader.flag("low_stock"), includeInactive: try reader.flag("include_inactive"))
        limit = Int(try reader.integer("limit"))
    }
}

extension InventoryCatalog {
    /// The `analyze_inventory` result for `arguments`, or its tool error. Every matching item is
    /// read in one call to the source (one snapshot), so the groups add up to the totals.
    public nonisolated func analysis(_ arguments: JSONObject) async -> ToolOutcome {
        let request: InventoryAnalysisArguments
        do {
            request = try InventoryAnalysisArguments(arguments)
        } catch {
            return error.outcome
        }
        do {
            let every = try await source.inventoryPage(request.filter, offset: 0, limit: Int.max)
            return .success(Self.analysisJSON(every, request: request))
        } catch {
            return ToolError.dataSource(error, while: "analysing the inventory", logger: logger).outcome
        }
    }

    /// `{"group_by","groups":[…],"totals":{…}}` from a page holding every matching item.
    static func analysisJSON(_ every: InventoryPage, request: InventoryAnalysisArguments) -> JSONValue {
        var groups: [String: [ItemRecord]] = [:]
        for item in every.items {
            groups[request.groupBy == .category ? item.category : item.location, default: []].append(item)
        }
        let keys = groups.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        let json: [JSONValue] = keys.map { key in
            let items = groups[key] ?? []
            // Items arrive by name, then id: among equal shortfalls that order is kept.
            let short = items.enumerated()
                .map { (index: $0.offset, item: $0.element, thousandths: $0.element.minimumStockThousandths - $0.element.stockThousandths) }
                .filter { $0.thousandths > 0 }
                .sorted { ($0.thousandths, $1.index) > ($1.thousandths, $0.index) }
                .prefix(request.limit)
            return .object(JSONObject([
                ("key", .string(key)),
                ("item_count", .integer(Int64(items.count))),
                ("low_stock_count", .integer(Int64(items.count(where: \.isLowOnStock)))),
                ("stock_value", Money.pounds(ItemRecord.stockValuePence(of: items))),
                ("shortfall", .array(short.map { entry in
                    let item = entry.item
                    return .object(JSONObject([
                        ("id", .string(itemID(item.id))), ("sku", .string(item.sku)), ("name", .string(item.name)),
                        ("stock", .double(item.stock)), ("minimum_stock", .double(item.minimumStock)),
                        ("shortfall", .double(Double(entry.thousandths) / Double(ScaledDecimal.quantityFactor))),
                    ]))
                })),
            ]))
        }
        return .object(JSONObject([
            ("group_by", .string(request.groupBy.rawValue)),
            ("groups", .array(json)),
            ("totals", .object(JSONObject([
                ("item_count", .integer(every.total)), ("low_stock_count", .integer(every.lowStockCount)),
                ("stock_value", Money.pounds(every.stockValuePence)),
            ]))),
        ]))
    }
}
