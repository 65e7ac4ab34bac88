import JSONRPC
import MCP
import Store

/// The items of the store, as `get_inventory` shows them, read from a `DataSource` (whose
/// engine decides how; this type knows no SQL).
///
/// Guarantees:
/// - Counts and `stock_value` (Σ price × stock, exact, rounded half-up to the penny) cover every
///   matching item; items sort by `name, id`; `categories` lists every category by name.
/// - Each item carries `vat_rate` and `vat_included` when the source keeps them per item (LUStores'
///   PostgreSQL database), and leaves them out otherwise (the embedded store).
/// - A source failure is `MCP_UNAVAILABLE` or `MCP_INTERNAL_ERROR` with a message that names no
///   path, SQL or value (see `ToolError.dataSource(_:while:logger:)`).
/// - Calls run concurrently: the actor keeps no per-call state.
public actor InventoryCatalog {
    let source: any DataSource
    let logger: Logger?

    /// A catalogue reading from `source`; failures are logged to `logger`.
    public init(source: any DataSource, logger: Logger? = nil) {
        self.source = source
        self.logger = logger
    }

    /// The `get_inventory` result for `arguments`, or its tool error.
    public nonisolated func inventory(_ arguments: JSONObject) async -> ToolOutcome {
        let request: InventoryArguments
        do {
            request = try InventoryArguments(arguments)
        } catch {
            return error.outcome
        }
        do {
            let page = try await source.inventoryPage(request.filter, offset: request.offset, limit: request.limit)
            return .success(Self.json(page, request: request))
        } catch {
            return ToolError.dataSource(error, while: "reading the inventory", logger: logger).outcome
        }
    }

    /// `{"items":[…],"categories":[…],"pagination":{…},"summary":{…}}`.
    static func json(_ page: InventoryPage, request: InventoryArguments) -> JSONValue {
        let items: [JSONValue] = page.items.map { item in
            var fields = JSONObject([
                ("id", .string(Self.itemID(item.id))),
                ("sku", .string(item.sku)),
                ("name", .string(item.name)),
                ("category", .string(item.category)),
                ("stock", .double(item.stock)),
                ("minimum_stock", .double(item.minimumStock)),
                ("unit", .string(item.unit)),
                ("location", .string(item.location)),
                ("price", Money.pounds(item.pricePence)),
                ("low_stock", .bool(item.isLowOnStock)),
            ])
            if let rate = item.vatRate { fields.append("vat_rate", .double(rate)) }
            if let included = item.vatIncluded { fields.append("vat_included", .bool(included)) }
            return .object(fields)
        }
        return .object(JSONObject([
            ("items", .array(items)),
            ("categories", .array(page.categories.map { .string($0) })),
            ("pagination", .object(JSONObject([
                ("total", .integer(page.total)), ("page", .integer(request.page)), ("limit", .integer(Int64(request.limit))),
            ]))),
            ("summary", .object(JSONObject([
                ("item_count", .integer(page.total)), ("low_stock_count", .integer(page.lowStockCount)),
                ("stock_value", Money.pounds(page.stockValuePence)),
            ]))),
        ]))
    }

    /// `item_001`: the id with at least three digits.
    static func itemID(_ id: Int64) -> String {
        let digits = String(id.magnitude)
        return "item_" + (id < 0 ? "-" : "") + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}
