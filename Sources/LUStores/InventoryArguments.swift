import JSONRPC
import MCP
import Store

/// The arguments of `get_inventory`, checked and turned into an `InventoryFilter` and a page.
/// Ranges and defaults are read from the input schema (``ArgumentReader``); a `null` argument counts
/// as absent.
public struct InventoryArguments: Sendable, Equatable {
    private static let rules = ArgumentReader(JSONObject(), schema: SchemaLibrary.getInventoryInput)
    /// Default page size (the schema's `limit.default`).
    public static let defaultLimit = Int(rules.defaultInteger(of: "limit"))
    /// Largest page size (the schema's `limit.maximum`).
    public static let maximumLimit = Int(rules.range(of: "limit").upperBound)
    /// Largest page number (the schema's `page.maximum`).
    public static let maximumPage = rules.range(of: "page").upperBound

    /// Which items.
    public let filter: InventoryFilter
    /// The page asked for, from 1.
    public let page: Int64
    /// The page size.
    public let limit: Int

    /// Matching items skipped before the page.
    public var offset: Int64 { (page - 1) * Int64(limit) }

    /// Reads `arguments`; a wrong type or an out-of-range page or limit is `MCP_INVALID_REQUEST`
    /// naming the argument.
    public init(_ arguments: JSONObject) throws(ToolError) {
        let reader = ArgumentReader(arguments, schema: SchemaLibrary.getInventoryInput)
        page = try reader.integer("page")
        limit = Int(try reader.integer("limit"))
        filter = InventoryFilter(category: try reader.string("category"), search: try reader.string("search"),
                                 lowStockOnly: try reader.flag("low_stock"),
                                 includeInactive: try reader.flag("include_inactive"))
    }
}
