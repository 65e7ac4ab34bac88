import Foundation
import JSONRPC
import MCP
import Store

/// The sales of the store, as `get_sales` shows them.
///
/// Guarantees:
/// - Every answer is exact: `pagination.total` counts every matching sale, `summary.revenue` sums
///   the totals of the matching completed sales to the penny, and the page's rows, count and sum
///   come from one read snapshot.
/// - Newest first by `created_at DESC, id DESC`; concatenating every page gives each matching sale
///   exactly once.
/// - Dates (`date`, date-only `from`/`to`, local times) are in ``calendar``'s zone; `from` is
///   inclusive, `to` exclusive; `timestamp` is always UTC.
/// - Calls run concurrently: the actor keeps no per-call state, and each call reads on one of the
///   store's reader connections (round-robin), so two calls read in parallel.
public actor SalesLedger {
    private let store: Store
    /// The zone dates are in.
    public nonisolated let calendar: ZonedCalendar
    private let now: @Sendable () -> Date
    private let logger: Logger?

    /// A ledger over `store` with dates in `calendar`'s zone; `now` is the clock for `today` and
    /// `yesterday` (the system clock unless a test fixes it).
    public init(store: Store, calendar: ZonedCalendar, logger: Logger? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
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
            page = try await SalesQueries.page(request.query, in: store)
        } catch {
            return ToolError.store(error, while: "reading sales", logger: logger).outcome
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
