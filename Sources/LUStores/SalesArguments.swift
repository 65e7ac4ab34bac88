import Foundation
import JSONRPC
import MCP
import Store

/// The arguments of `get_sales`, checked and turned into a `SalesQuery`.
///
/// Ranges, defaults and the status values are read from the input schema (``ArgumentReader``); this
/// adds what a schema cannot say: dates must be real dates, `from`/`to` real ISO 8601 times. Every
/// rejection is `MCP_INVALID_REQUEST` with the argument in `details.field`. A `null` argument counts
/// as absent.
public struct SalesArguments: Sendable, Equatable {
    private static let rules = ArgumentReader(JSONObject(), schema: SchemaLibrary.getSalesInput)
    /// Default page size (the schema's `limit.default`).
    public static let defaultLimit = Int(rules.defaultInteger(of: "limit"))
    /// Largest page size (the schema's `limit.maximum`).
    public static let maximumLimit = Int(rules.range(of: "limit").upperBound)
    /// Largest page number (the schema's `page.maximum`; `(page − 1) × limit` must stay far inside 64 bits).
    public static let maximumPage = rules.range(of: "page").upperBound

    /// The store query: filters as UTC instants, offset and limit.
    public let query: SalesQuery
    /// The page asked for, from 1.
    public let page: Int64
    /// The page size.
    public let limit: Int

    /// Reads `arguments`, placing dates in `calendar`'s zone; `now` decides `today` and `yesterday`.
    public init(_ arguments: JSONObject, calendar: ZonedCalendar, now: Date) throws(ToolError) {
        let reader = ArgumentReader(arguments, schema: SchemaLibrary.getSalesInput)
        page = try reader.integer("page")
        limit = Int(try reader.integer("limit"))
        var query = SalesQuery(offset: (page - 1) * Int64(limit), limit: limit)
        try Self.readFilters(reader, into: &query, calendar: calendar, now: now)
        self.query = query
    }

    /// Reads the filters `charge_code`, `status`, `date`, `from` and `to` (shared with
    /// `analyze_sales`, whose schema declares them the same way) into `query`.
    static func readFilters(_ reader: ArgumentReader, into query: inout SalesQuery, calendar: ZonedCalendar,
                            now: Date) throws(ToolError) {
        query.chargeCode = try reader.string("charge_code")
        query.status = try reader.choice("status", as: SalesQuery.Status.self)
        if let date = try reader.string("date") {
            guard let day = calendar.day(named: date, now: now) else {
                throw ArgumentReader.invalid("date", "date must be YYYY-MM-DD (a real date), today or yesterday, not \(Self.quote(date))")
            }
            let range = calendar.range(ofDay: day)
            query.from = range.start
            query.to = range.end
        }
        if let from = try Self.instant(reader, "from", calendar: calendar) {
            query.from = max(query.from ?? from, from)
        }
        if let to = try Self.instant(reader, "to", calendar: calendar) {
            query.to = min(query.to ?? to, to)
        }
    }

    /// `from`/`to`: `YYYY-MM-DD` (the first instant of that day in the zone) or an ISO 8601 time
    /// (with `Z` or an offset; without one it is a local time in the zone).
    private static func instant(_ reader: ArgumentReader, _ name: String, calendar: ZonedCalendar) throws(ToolError) -> Int64? {
        guard let text = try reader.string(name) else { return nil }
        if text.utf8.count == 10 {
            guard let day = UTCTime.parseDay(text) else {
                throw ArgumentReader.invalid(name, "\(name) must be a real date YYYY-MM-DD or an ISO 8601 time, not \(quote(text))")
            }
            return calendar.range(ofDay: day).start
        }
        guard let time = ISO8601Time.parse(text) else {
            throw ArgumentReader.invalid(name, "\(name) must be YYYY-MM-DD or an ISO 8601 time such as 2025-06-09T10:30:00Z, not \(quote(text))")
        }
        if let utc = time.utcSeconds { return utc }
        return calendar.instant(day: time.day, secondOfDay: time.secondOfDay) + (time.hasFraction ? 1 : 0)
    }

    /// `text` in quotes, cut to a readable length.
    static func quote(_ text: String) -> String {
        let limit = 40
        return "\"" + (text.count > limit ? String(text.prefix(limit)) + "…" : text) + "\""
    }
}
