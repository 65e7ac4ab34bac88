import Foundation
import JSONRPC
import Store

/// The arguments of `get_sales`, checked and turned into a `SalesQuery`.
///
/// The input schema has already checked types and bounds; this adds what a schema cannot say:
/// dates must be real dates, `from`/`to` real ISO 8601 times. Every rejection is
/// `MCP_INVALID_REQUEST` with the argument in `details.field`. A `null` argument counts as absent.
public struct SalesArguments: Sendable, Equatable {
    /// Default page size.
    public static let defaultLimit = 50
    /// Largest page size.
    public static let maximumLimit = 500
    /// Largest page number (`(page − 1) × limit` must stay far inside 64 bits).
    public static let maximumPage: Int64 = 10_000_000

    /// The store query: filters as UTC instants, offset and limit.
    public let query: SalesQuery
    /// The page asked for, from 1.
    public let page: Int64
    /// The page size.
    public let limit: Int

    /// Reads `arguments`, placing dates in `calendar`'s zone; `now` decides `today` and `yesterday`.
    public init(_ arguments: JSONObject, calendar: ZonedCalendar, now: Date) throws(ToolError) {
        page = try Self.integer(arguments, "page", default: 1, range: 1...Self.maximumPage)
        limit = Int(try Self.integer(arguments, "limit", default: Int64(Self.defaultLimit),
                                     range: 1...Int64(Self.maximumLimit)))
        var query = SalesQuery(offset: (page - 1) * Int64(limit), limit: limit)
        query.chargeCode = try Self.string(arguments, "charge_code")
        if let status = try Self.string(arguments, "status") {
            guard let value = SalesQuery.Status(rawValue: status) else {
                throw Self.invalid("status", "status must be completed or refunded")
            }
            query.status = value
        }
        if let date = try Self.string(arguments, "date") {
            let today = calendar.localDay(at: Int64(now.timeIntervalSince1970.rounded(.down)))
            let day: Int64
            switch date {
            case "today": day = today
            case "yesterday": day = today - 1
            default:
                guard let parsed = UTCTime.parseDay(date) else {
                    throw Self.invalid("date", "date must be YYYY-MM-DD (a real date), today or yesterday, not \(Self.quote(date))")
                }
                day = parsed
            }
            let range = calendar.range(ofDay: day)
            query.from = range.start
            query.to = range.end
        }
        if let from = try Self.instant(arguments, "from", calendar: calendar) {
            query.from = max(query.from ?? from, from)
        }
        if let to = try Self.instant(arguments, "to", calendar: calendar) {
            query.to = min(query.to ?? to, to)
        }
        self.query = query
    }

    /// `from`/`to`: `YYYY-MM-DD` (the first instant of that day in the zone) or an ISO 8601 time
    /// (with `Z` or an offset; without one it is a local time in the zone).
    private static func instant(_ arguments: JSONObject, _ name: String, calendar: ZonedCalendar) throws(ToolError) -> Int64? {
        guard let text = try string(arguments, name) else { return nil }
        if text.utf8.count == 10 {
            guard let day = UTCTime.parseDay(text) else {
                throw invalid(name, "\(name) must be a real date YYYY-MM-DD or an ISO 8601 time, not \(quote(text))")
            }
            return calendar.range(ofDay: day).start
        }
        guard let time = ISO8601Time.parse(text) else {
            throw invalid(name, "\(name) must be YYYY-MM-DD or an ISO 8601 time such as 2025-06-09T10:30:00Z, not \(quote(text))")
        }
        if let utc = time.utcSeconds { return utc }
        return calendar.instant(day: time.day, secondOfDay: time.secondOfDay) + (time.hasFraction ? 1 : 0)
    }

    private static func integer(_ arguments: JSONObject, _ name: String, default value: Int64,
                                range: ClosedRange<Int64>) throws(ToolError) -> Int64 {
        guard let json = arguments[name], json != .null else { return value }
        guard let number = json.integerValue, range.contains(number) else {
            throw invalid(name, "\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func string(_ arguments: JSONObject, _ name: String) throws(ToolError) -> String? {
        guard let json = arguments[name], json != .null else { return nil }
        guard let text = json.stringValue else { throw invalid(name, "\(name) must be a string") }
        return text
    }

    static func invalid(_ field: String, _ message: String) -> ToolError {
        ToolError(.invalidRequest, message, details: JSONObject([("field", .string(field))]))
    }

    /// `text` in quotes, cut to a readable length.
    static func quote(_ text: String) -> String {
        let limit = 40
        return "\"" + (text.count > limit ? String(text.prefix(limit)) + "…" : text) + "\""
    }
}
