import Foundation
import JSONRPC
import MCP
import Store

extension SalesLedger {
    /// The `analyze_sales` result for `arguments`, or its tool error.
    ///
    /// Guarantees: figures are exact (integers until they are written as pounds); `totals` cover
    /// the whole filtered set; periods are local days, ISO weeks or months of ``calendar``, every
    /// period between the ends of the range listed (zeros where empty); when no range is given the
    /// ends are the first and last matching sales. Groups and totals come from one snapshot (with
    /// an open range, the periods' ends are found first, then the periods read in one snapshot).
    public nonisolated func analysis(_ arguments: JSONObject) async -> ToolOutcome {
        let request: SalesAnalysisArguments
        do {
            request = try SalesAnalysisArguments(arguments, calendar: calendar, now: now())
        } catch {
            return error.outcome
        }
        let filters = request.filters
        do {
            var query = SalesAnalysisQuery(grouping: .status, chargeCode: filters.chargeCode, status: filters.status,
                                           from: filters.from, to: filters.to)
            var periods: SalesPeriods?
            switch request.grouping {
            case .chargeCode: query.grouping = .chargeCode
            case .status: query.grouping = .status
            case .item: query.grouping = .item
            case .category: query.grouping = .category
            case .day, .week, .month:
                var from = filters.from
                var to = filters.to
                if from == nil || to == nil {
                    query.grouping = .periods(boundaries: [])
                    guard let extent = try await source.salesAnalysis(query).extent else {
                        return .success(Self.json(request, groups: [], totals: SalesFigures(), truncated: false))
                    }
                    from = from ?? extent.first
                    to = to ?? extent.last + 1
                }
                guard let from, let to, from < to else {
                    return .success(Self.json(request, groups: [], totals: SalesFigures(), truncated: false))
                }
                guard let found = SalesPeriods(request.grouping, from: from, to: to, calendar: calendar) else {
                    return ToolError(.invalidRequest, "the range holds more than \(SalesPeriods.maximumCount) periods; "
                                     + "give a shorter from/to or group by a longer period",
                                     details: JSONObject([("field", .string("group_by"))])).outcome
                }
                periods = found
                query.from = from
                query.to = to
                query.grouping = .periods(boundaries: found.boundaries)
            }
            let analysis = try await source.salesAnalysis(query)
            var groups: [SalesGroup]
            if let periods {
                groups = zip(periods.periods, analysis.periods).map { SalesGroup(key: $0.key, label: $0.label, figures: $1) }
            } else {
                groups = analysis.groups.map { Self.presented($0, request.grouping) }
            }
            Self.sort(&groups, by: request.order ?? (request.grouping.isPeriod ? nil : .revenue))
            let truncated = groups.count > request.limit
            return .success(Self.json(request, groups: Array(groups.prefix(request.limit)), totals: analysis.totals,
                                      truncated: truncated))
        } catch {
            return ToolError.dataSource(error, while: "analysing sales", logger: logger).outcome
        }
    }

    /// The key and label a client sees for a store group.
    static func presented(_ group: SalesGroup, _ grouping: SalesAnalysisArguments.Grouping) -> SalesGroup {
        var shown = group
        switch grouping {
        case .item:
            shown.key = Int64(group.key).map(InventoryCatalog.itemID) ?? "item_none"
            if group.label.isEmpty { shown.label = "(item not recorded)" }
        case .category:
            if group.key.isEmpty { shown.label = "(no category)" }
        case .status:
            shown.label = group.key.prefix(1).uppercased() + group.key.dropFirst()
        default:
            break
        }
        return shown
    }

    /// Sorts largest first by `order` (ties by key), by key, or (nil) leaves the order as it is.
    static func sort(_ groups: inout [SalesGroup], by order: SalesAnalysisArguments.Order?) {
        func figure(_ group: SalesGroup) -> Int64 {
            switch order {
            case .count?: return group.figures.count
            case .quantity?: return group.figures.quantityThousandths
            default: return group.figures.revenuePence
            }
        }
        guard let order else { return }
        if order == .key {
            groups.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        } else {
            groups.sort { figure($0) != figure($1) ? figure($0) > figure($1) : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        }
    }

    /// `{"group_by","groups":[…],"totals":{…},"truncated"}`.
    static func json(_ request: SalesAnalysisArguments, groups: [SalesGroup], totals: SalesFigures, truncated: Bool) -> JSONValue {
        .object(JSONObject([
            ("group_by", .string(request.grouping.rawValue)),
            ("groups", .array(groups.map { group in
                .object(JSONObject([
                    ("key", .string(group.key)), ("label", .string(group.label)),
                    ("count", .integer(group.figures.count)), ("revenue", Money.pounds(group.figures.revenuePence)),
                    ("vat", Money.pounds(group.figures.vatPence)), ("quantity", Quantity.units(group.figures.quantityThousandths)),
                ]))
            })),
            ("totals", .object(JSONObject([
                ("count", .integer(totals.count)), ("revenue", Money.pounds(totals.revenuePence)),
                ("vat", Money.pounds(totals.vatPence)),
            ]))),
            ("truncated", .bool(truncated)),
        ]))
    }
}

/// Quantities on the wire: units as a JSON number with at most three decimals.
enum Quantity {
    /// `thousandths` as units. Exact: a whole number of thousandths below 2^53 divided by 1000
    /// prints as its three-decimal form (the shortest text that reads back to the same double).
    static func units(_ thousandths: Int64) -> JSONValue {
        thousandths % 1000 == 0 ? .integer(thousandths / 1000) : .double(Double(thousandths) / 1000)
    }
}
