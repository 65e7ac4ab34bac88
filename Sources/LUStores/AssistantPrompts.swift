import Foundation
import JSONRPC
import MCP
import Store

/// The prompts of lustores-mcp. Each embeds the current facts as embedded resources, so the
/// model starts from real data, and then says what to produce.
///
/// Guarantees: an argument the tools would refuse (a date that is not one, an unknown category or
/// test type, a sales report with no day or range) is the revision's invalid-params error, with a
/// message saying what is accepted.
public enum AssistantPrompts {
    /// The registry serving `content`.
    public static func registry(_ content: AssistantContent) -> PromptRegistry {
        let dates = AssistantCompletions.dates(content)
        return PromptRegistry([
            Prompt(name: "system-health-report", title: "System health report",
                   description: "A health report of LUStores from its current status and latest test run.") { _, _ in
                var messages = [PromptMessage(role: .user, content: .resource(try await statusContents(content)))]
                if let latest = try await latestTest(content) { messages.append(PromptMessage(role: .user, content: .resource(latest))) }
                messages.append(PromptMessage(role: .user, content: .text(
                    "Using the status and test results above, write a short system health report for the stores' staff: overall "
                    + "health, database reachability and latency, CPU, memory and disk use against a 90% threshold, and the latest "
                    + "test run. End with any action needed, or say none is.")))
                return PromptResult(description: "System health report", messages: messages)
            },
            Prompt(name: "sales-report", title: "Sales report",
                   description: "A sales report for one day (date) or a range (from/to), optionally for one charge code.",
                   arguments: [
                       PromptArgument(name: "date", title: "Day", description: "YYYY-MM-DD, today or yesterday.", completer: dates),
                       PromptArgument(name: "from", title: "From", description: "Start of a range (inclusive): YYYY-MM-DD.", completer: dates),
                       PromptArgument(name: "to", title: "To", description: "End of a range (exclusive): YYYY-MM-DD.", completer: dates),
                       PromptArgument(name: "charge_code", title: "Charge code", description: "Only this department charge code.",
                                      completer: AssistantCompletions.chargeCodes(content)),
                   ]) { arguments, _ in try await salesReport(content, arguments) },
            Prompt(name: "inventory-review", title: "Inventory review",
                   description: "A review of stock levels, optionally for one category, with what to reorder.",
                   arguments: [PromptArgument(name: "category", title: "Category", description: "Only this category.",
                                              completer: AssistantCompletions.categories(content))]) { arguments, _ in
                try await inventoryReview(content, category: arguments["category"])
            },
            Prompt(name: "test-run", title: "Run tests",
                   description: "Run one configured test suite and report its outcome.",
                   arguments: [PromptArgument(name: "test_type", title: "Test suite", description: "A configured suite, e.g. sales or system.",
                                              required: true, completer: AssistantCompletions.testTypes(content))]) { arguments, _ in
                let testType = arguments["test_type"] ?? ""
                let configured = content.testRunner.testTypes
                guard configured.contains(testType) else {
                    throw RequestFailure.invalidArgument("test_type must be one of \(configured.joined(separator: ", ")), not \(SalesArguments.quote(testType))")
                }
                var messages = [PromptMessage(role: .user, content: .resource(try await statusContents(content)))]
                if let latest = try await latestTest(content) { messages.append(PromptMessage(role: .user, content: .resource(latest))) }
                messages.append(PromptMessage(role: .user, content: .text(
                    "Run the \(testType) test suite: call run_tests with test_type \"\(testType)\", then get_test_result with its "
                    + "execution_id and wait_seconds 60 until the status is no longer running. Report how many tests passed and "
                    + "failed, the duration, and for each failure its name and message; compare with the latest run shown above (the status gives its totals).")))
                return PromptResult(description: "Run the \(testType) tests", messages: messages)
            },
            Prompt(name: "troubleshoot", title: "Troubleshoot",
                   description: "Diagnose a problem with LUStores from its status, latest test run and stock.") { _, _ in
                var messages = [PromptMessage(role: .user, content: .resource(try await statusContents(content)))]
                if let latest = try await latestTest(content) { messages.append(PromptMessage(role: .user, content: .resource(latest))) }
                messages.append(PromptMessage(role: .user, content: .text(
                    "Something may be wrong with LUStores. From the facts above, say what is unhealthy or degraded and why "
                    + "(database, disk, memory, CPU, failing tests), what to check next with the tools (get_status, run_tests with "
                    + "the system suite, get_test_result), and the most likely fix. If everything is healthy, say so.")))
                return PromptResult(description: "Troubleshooting", messages: messages)
            },
        ])
    }

    static func statusContents(_ content: AssistantContent) async throws -> ResourceContents {
        .text(JSONWriter.string(await content.monitor.status()), uri: AssistantResources.statusURI, mimeType: AssistantResources.json)
    }

    static func latestTest(_ content: AssistantContent) async throws -> ResourceContents? {
        guard let id = try await content.latestExecutionID() else { return nil }
        return .text(JSONWriter.string(try await content.testResult(id)), uri: "lustores://tests/\(id)", mimeType: AssistantResources.json)
    }

    private static func salesReport(_ content: AssistantContent, _ arguments: [String: String]) async throws -> PromptResult {
        guard arguments["date"] != nil || arguments["from"] != nil || arguments["to"] != nil else {
            throw RequestFailure.invalidArgument("sales-report needs date (YYYY-MM-DD, today or yesterday) or from/to")
        }
        var object = JSONObject([("limit", .integer(Int64(SalesArguments.maximumLimit)))])
        for name in ["date", "from", "to", "charge_code"] {
            if let value = arguments[name] { object.append(name, .string(value)) }
        }
        let request: SalesArguments
        do {
            request = try SalesArguments(object, calendar: content.calendar, now: content.now())
        } catch {
            throw RequestFailure.invalidArgument(error.message)
        }
        let query = request.query
        let page = try await content.read("reading sales") { try await content.source.salesPage(query) }
        var messages: [PromptMessage] = []
        if let date = arguments["date"], arguments["charge_code"] == nil, let day = content.day(date) {
            let uri = "lustores://reports/sales/\(UTCTime.formatDay(day))"
            messages.append(PromptMessage(role: .user, content: .resource(.text(try await content.salesReport(day: day), uri: uri,
                                                                                 mimeType: AssistantResources.markdown))))
        }
        let described = ["date", "from", "to", "charge_code"].compactMap { name in arguments[name].map { "\(name) \($0)" } }
            .joined(separator: ", ")
        let sales = SalesLedger.json(page, request: request)
        messages.append(PromptMessage(role: .user, content: .resource(.text(
            JSONWriter.string(sales), uri: "lustores://sales?" + described.replacingOccurrences(of: ", ", with: "&")
                .replacingOccurrences(of: " ", with: "="),
            mimeType: AssistantResources.json))))
        messages.append(PromptMessage(role: .user, content: .text(
            "Write a sales report for \(described) from the data above (the newest \(page.sales.count) of \(page.total) sales, with the "
            + "exact count and revenue of all of them). Give the number of sales, revenue, refunds, the charge codes that spent most, "
            + "and anything unusual. Use get_sales for more pages if you need them. Money is in pounds.")))
        return PromptResult(description: "Sales report for \(described)", messages: messages)
    }

    private static func inventoryReview(_ content: AssistantContent, category: String?) async throws -> PromptResult {
        let all = try await content.read("reading the inventory") {
            try await content.source.inventoryPage(InventoryFilter(), offset: 0, limit: 0)
        }
        if let category, !all.categories.contains(where: { $0.lowercased() == category.lowercased() }) {
            throw RequestFailure.invalidArgument("category must be one of \(all.categories.joined(separator: ", ")), not \(SalesArguments.quote(category))")
        }
        let filter = InventoryFilter(category: category, lowStockOnly: true)
        let low = try await content.read("reading the inventory") { try await content.source.inventoryPage(filter, offset: 0, limit: 100) }
        let request = try InventoryArguments(JSONObject([("limit", .integer(100))]))
        var messages: [PromptMessage]
        if let category {
            let encoded = category.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? ""
            messages = [PromptMessage(role: .user, content: .resource(.text(
                JSONWriter.string(InventoryCatalog.json(low, request: request)), uri: "lustores://inventory/low-stock/\(encoded)",
                mimeType: AssistantResources.json)))]
        } else {
            messages = [PromptMessage(role: .user, content: .resource(.text(
                try await content.lowStockReport(), uri: "lustores://reports/low-stock", mimeType: AssistantResources.markdown)))]
        }
        let scope = category.map { "the \($0) category" } ?? "the whole store"
        messages.append(PromptMessage(role: .user, content: .text(
            "Review the stock of \(scope) from the data above: which items are below minimum and by how much, which to reorder "
            + "first and in what quantity to reach minimum stock with a margin, and any category that is often short. "
            + "Use get_inventory for more detail.")))
        return PromptResult(description: "Inventory review of \(scope)", messages: messages)
    }
}
