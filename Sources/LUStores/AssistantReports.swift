import Foundation
import Store

/// The Markdown reports served as resources: one day's sales and the items low on stock.
///
/// Guarantees: money is exact (summed in pence, printed as pounds with two decimals); the daily
/// figures come from one listing of the day's sales, its top items from the data source's sales
/// analysis by item (as `analyze_sales` answers), the low-stock figures from one listing of the
/// items, read through the data source like `get_sales` and `get_inventory`.
extension AssistantContent {
    /// Most sales one daily report reads; a busier day says its figures cover the newest ones.
    static let reportSalesLimit = 20_000
    /// Most items the low-stock report lists (its counts cover them all).
    static let lowStockListed = 200
    /// Items the daily report lists by revenue.
    static let topItemsListed = 10

    /// The report of local day `day`: totals, paid and refunded sales, the charge codes by revenue,
    /// and the items that earned most (the same figures as `analyze_sales` grouped by item).
    func salesReport(day: Int64) async throws -> String {
        let range = calendar.range(ofDay: day)
        var sales: [SaleRecord] = []
        var total: Int64 = 0
        let pageSize = SalesArguments.maximumLimit
        repeat {
            let query = SalesQuery(from: range.start, to: range.end, offset: Int64(sales.count), limit: pageSize)
            let page = try await read("reading sales") { try await source.salesPage(query) }
            total = page.total
            sales += page.sales
            if page.sales.isEmpty { break }
        } while Int64(sales.count) < total && sales.count < Self.reportSalesLimit

        struct Figures {
            var count: Int64 = 0
            var revenue: Int64 = 0
            var vat: Int64 = 0
            var refunded: Int64 = 0
            var refundedPence: Int64 = 0
            var paid: Int64 = 0
            var paidPence: Int64 = 0
        }
        var all = Figures()
        var byCode: [String: Figures] = [:]
        for sale in sales {
            for key in [nil, sale.chargeCode] as [String?] {
                var figures = key.map { byCode[$0] ?? Figures() } ?? all
                figures.count += 1
                switch sale.status {
                case "completed", "paid":
                    figures.revenue += sale.totalPence
                    figures.vat += sale.vatPence
                    if sale.status == "paid" {
                        figures.paid += 1
                        figures.paidPence += sale.totalPence
                    }
                case "refunded":
                    figures.refunded += 1
                    figures.refundedPence += sale.totalPence
                default:
                    break
                }
                if let key { byCode[key] = figures } else { all = figures }
            }
        }
        let date = UTCTime.formatDay(day)
        var lines = ["# Sales on \(date)", "",
                     "Dates are in the \(calendar.timeZone.identifier) time zone. Revenue counts completed and paid sales; "
                        + "refunded sales earn nothing.", "",
                     "## Totals", "",
                     "| sales | revenue | VAT | paid | refunded |", "| ---: | ---: | ---: | ---: | ---: |",
                     "| \(all.count) | \(Self.pounds(all.revenue)) | \(Self.pounds(all.vat)) | \(all.paid) (\(Self.pounds(all.paidPence))) "
                        + "| \(all.refunded) (\(Self.pounds(all.refundedPence))) |", ""]
        if Int64(sales.count) < total {
            lines += ["The day has \(total) sales; the figures cover the newest \(sales.count).", ""]
        }
        lines += ["## By charge code", ""]
        if byCode.isEmpty {
            lines += ["No sales on this day."]
        } else {
            lines += ["| charge code | sales | revenue | VAT | refunded |", "| --- | ---: | ---: | ---: | ---: |"]
            let ordered = byCode.sorted { $0.value.revenue != $1.value.revenue ? $0.value.revenue > $1.value.revenue : $0.key < $1.key }
            for (code, figures) in ordered {
                lines.append("| \(Self.cell(code)) | \(figures.count) | \(Self.pounds(figures.revenue)) | \(Self.pounds(figures.vat)) "
                             + "| \(figures.refunded) (\(Self.pounds(figures.refundedPence))) |")
            }
        }
        lines += ["", "## Top items", ""] + (try await topItems(from: range.start, to: range.end))
        return lines.joined(separator: "\n") + "\n"
    }

    /// The table of the items that earned most in `[from, to)`, largest revenue first (ties by item
    /// number), from the data source's analysis by item: lines of completed and paid sales.
    private func topItems(from: Int64, to: Int64) async throws -> [String] {
        let analysis = try await read("analysing sales") {
            try await source.salesAnalysis(SalesAnalysisQuery(grouping: .item, from: from, to: to))
        }
        guard !analysis.groups.isEmpty else { return ["No item earned anything on this day."] }
        var groups = analysis.groups.map { SalesLedger.presented($0, .item) }
        SalesLedger.sort(&groups, by: .revenue)
        var lines = ["| item | sales | quantity | revenue | VAT |", "| --- | ---: | ---: | ---: | ---: |"]
        for group in groups.prefix(Self.topItemsListed) {
            let quantity = Self.quantity(Double(group.figures.quantityThousandths) / 1000)
            lines.append("| \(Self.cell(group.label)) (\(group.key)) | \(group.figures.count) | \(quantity) "
                         + "| \(Self.pounds(group.figures.revenuePence)) | \(Self.pounds(group.figures.vatPence)) |")
        }
        if groups.count > Self.topItemsListed {
            lines += ["", "\(groups.count - Self.topItemsListed) more items sold; get them with analyze_sales grouped by item."]
        }
        return lines
    }

    /// The items below their minimum stock, largest shortfall first.
    func lowStockReport() async throws -> String {
        let page = try await read("reading the inventory") {
            try await source.inventoryPage(InventoryFilter(lowStockOnly: true), offset: 0, limit: 100_000)
        }
        let items = page.items.sorted {
            let left = $0.minimumStock - $0.stock, right = $1.minimumStock - $1.stock
            return left != right ? left > right : $0.name < $1.name
        }
        var lines = ["# Items low on stock", "", "\(page.total) active item\(page.total == 1 ? "" : "s") at or below minimum stock.", ""]
        if !items.isEmpty {
            lines += ["| SKU | item | category | stock | minimum | shortfall | location |",
                      "| --- | --- | --- | ---: | ---: | ---: | --- |"]
            for item in items.prefix(Self.lowStockListed) {
                lines.append("| \(Self.cell(item.sku)) | \(Self.cell(item.name)) | \(Self.cell(item.category)) | \(Self.quantity(item.stock)) "
                             + "\(Self.cell(item.unit)) | \(Self.quantity(item.minimumStock)) | \(Self.quantity(item.minimumStock - item.stock)) "
                             + "| \(Self.cell(item.location)) |")
            }
            if items.count > Self.lowStockListed { lines += ["", "The \(items.count - Self.lowStockListed) smallest shortfalls are not listed."] }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `£1,234.50`-style pounds from pence, exact.
    static func pounds(_ pence: Int64) -> String {
        let sign = pence < 0 ? "-" : ""
        let magnitude = pence.magnitude
        let cents = magnitude % 100
        return "\(sign)£\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// A quantity to at most three decimals, without trailing zeros.
    static func quantity(_ value: Double) -> String {
        let thousandths = (value * 1000).rounded()
        if thousandths.truncatingRemainder(dividingBy: 1000) == 0 { return String(Int64(thousandths / 1000)) }
        var text = String(format: "%.3f", thousandths / 1000)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }

    /// Text safe inside a Markdown table cell.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
