import Foundation
import JSONRPC
import MCP
import Store

/// The sales of the store, as `get_sales` shows them, read from a `DataSource` (whose engine
/// decides how; this type knows no SQL).
///
/// Guarantees:
/// - Every answer is exact: `pagination.total` counts every matching sale, `summary.revenue` sums
///   the totals of the matching `completed` and `paid` sales to the penny, and the page's rows,
///   count and sum come from one read snapshot.
/// - Newest first by `created_at DESC, id DESC`; concatenating every page gives each matching sale
///   exactly once.
/// - Dates (`date`, date-only `from`/`to`, local times) are in ``calendar``'s zone; `from` is
///   inclusive, `to` exclusive; `timestamp` is always UTC.
/// - A source failure is `MCP_UNAVAILABLE` or `MCP_INTERNAL_ERROR` with a message that names no
///   path, SQL or value (see `ToolError.dataSource(_:while:logger:)`).
/// - Calls run concurrently: the actor keeps no per-call state.
public actor SalesLedger {
    let source: any DataSource
    /// The zone dates are in.
    public nonisolated let calendar: ZonedCalendar
    let now: @Sendable () -> Date
    let logger: Logger?

    /// A ledger reading from `source` with dates in `calendar`'s zone; `now` is the clock for
    /// `today` and `yesterday` (the system clock unless a test fixes it).
    public init(source: any DataSource, calendar: ZonedCalendar, logger: Logger? = nil,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.source = source
        self.calendar = calendar
        self.logger = logger
        self.now = now
    }

    /// The `get_sales` result for `arguments`, or its tool error.
    public nonisolated func sales(_ arguments: JSONObject) async -> ToolOutcome {
        let request: SalesArguments
        do {
            request = try SalesArguments(arguments, calendar: calendar, now: now())
        } catch {
            return error.outcome
        }
        let page: SalesPage
        do {
            page = try await source.salesPage(request.query)
        } catch {
            return ToolError.dataSource(error, while: "reading sales", logger: logger).outcome
        }
        return .success(Self.json(page, request: request))
    }

    /// `{"sales":[…],"pagination":{…},"summary":{…}}`.
    static func json(_ page: SalesPage, request: SalesArguments) -> JSONValue {
        var sales: [JSONValue] = []
        sales.reserveCapacity(page.sales.count)
        for sale in page.sales {
            sales.append(.object(JSONObject([
                ("id", .string("sale_\(sale.id)")),
                ("sale_ref", .string(sale.saleRef)),
                ("charge_code", .string(sale.chargeCode)),
                ("total", Money.pounds(sale.totalPence)),
                ("subtotal", Money.pounds(sale.subtotalPence)),
                ("vat", Money.pounds(sale.vatPence)),
                ("items", .integer(sale.lineCount)),
                ("status", .string(sale.status)),
                ("timestamp", .string(sale.createdAt)),
            ])))
        }
        return .object(JSONObject([
            ("sales", .array(sales)),
            ("pagination", .object(JSONObject([
                ("total", .integer(page.total)), ("page", .integer(request.page)), ("limit", .integer(Int64(request.limit))),
            ]))),
            ("summary", .object(JSONObject([
                ("count", .integer(page.total)), ("revenue", Money.pounds(page.revenuePence)),
            ]))),
        ]))
    }
}

/// Money on the wire: pounds as a JSON number with at most two decimals.
enum Money {
    /// `pence` as pounds. Exact: every whole number of pence below 2^53 divided by 100 prints as
    /// its two-decimal form (the shortest text that reads back to the same double).
    static func pounds(_ pence: Int64) -> JSONValue {
        pence % 100 == 0 ? .integer(pence / 100) : .double(Double(pence) / 100)
    }
}
