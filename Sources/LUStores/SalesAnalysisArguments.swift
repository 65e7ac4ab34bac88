import Foundation
import JSONRPC
import MCP
import Store

/// The arguments of `analyze_sales`, checked: the filters of `get_sales` (read the same way, see
/// ``SalesArguments``), the grouping, the order and the number of groups. Enums, ranges and the
/// default limit come from the input schema (``ArgumentReader``).
public struct SalesAnalysisArguments: Sendable {
    private static let rules = ArgumentReader(JSONObject(), schema: SchemaLibrary.analyzeSalesInput)
    /// Default number of groups (the schema's `limit.default`).
    public static let defaultLimit = Int(rules.defaultInteger(of: "limit"))
    /// Largest number of groups (the schema's `limit.maximum`).
    public static let maximumLimit = Int(rules.range(of: "limit").upperBound)

    /// `group_by`.
    public enum Grouping: String, Sendable, CaseIterable {
        case chargeCode = "charge_code", category, item, status, day, week, month

        /// Whether the groups are periods of time.
        public var isPeriod: Bool { self == .day || self == .week || self == .month }
    }

    /// `sort`.
    public enum Order: String, Sendable, CaseIterable {
        case revenue, count, quantity, key
    }

    /// The filters, as UTC instants.
    public let filters: SalesQuery
    /// How to group.
    public let grouping: Grouping
    /// The order asked for; nil: periods oldest first, the rest by revenue.
    public let order: Order?
    /// Most groups answered.
    public let limit: Int

    /// Reads `arguments`, placing dates in `calendar`'s zone; `now` decides `today` and `yesterday`.
    public init(_ arguments: JSONObject, calendar: ZonedCalendar, now: Date) throws(ToolError) {
        let reader = ArgumentReader(arguments, schema: SchemaLibrary.analyzeSalesInput)
        guard let grouping = try reader.choice("group_by", as: Grouping.self) else {
            throw ArgumentReader.invalid("group_by", "group_by is required")
        }
        self.grouping = grouping
        order = try reader.choice("sort", as: Order.self)
        limit = Int(try reader.integer("limit"))
        var filters = SalesQuery(limit: 0)
        try SalesArguments.readFilters(reader, into: &filters, calendar: calendar, now: now)
        self.filters = filters
    }
}
