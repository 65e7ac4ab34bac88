import JSONRPC
import Store

/// The arguments of `get_inventory`, checked and turned into an `InventoryFilter` and a page.
/// The input schema has already checked types and bounds; a `null` argument counts as absent.
public struct InventoryArguments: Sendable, Equatable {
    /// Default page size.
    public static let defaultLimit = 50
    /// Largest page size.
    public static let maximumLimit = 500
    /// Largest page number.
    public static let maximumPage: Int64 = 10_000_000

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
        page = try Self.integer(arguments, "page", default: 1, range: 1...Self.maximumPage)
        limit = Int(try Self.integer(arguments, "limit", default: Int64(Self.defaultLimit), range: 1...Int64(Self.maximumLimit)))
        filter = InventoryFilter(category: try Self.string(arguments, "category"), search: try Self.string(arguments, "search"),
                                 lowStockOnly: try Self.flag(arguments, "low_stock"),
                                 includeInactive: try Self.flag(arguments, "include_inactive"))
    }

    private static func integer(_ arguments: JSONObject, _ name: String, default value: Int64,
                                range: ClosedRange<Int64>) throws(ToolError) -> Int64 {
        guard let json = arguments[name], json != .null else { return value }
        guard let number = json.integerValue, range.contains(number) else {
            throw SalesArguments.invalid(name, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func string(_ arguments: JSONObject, _ name: String) throws(ToolError) -> String? {
        guard let json = arguments[name], json != .null else { return nil }
        guard let text = json.stringValue else { throw SalesArguments.invalid(name, "\(name) must be a string") }
        return text
    }

    private static func flag(_ arguments: JSONObject, _ name: String) throws(ToolError) -> Bool {
        guard let json = arguments[name], json != .null else { return false }
        guard let value = json.boolValue else { throw SalesArguments.invalid(name, "\(name) must be true or false") }
        return value
    }
}
