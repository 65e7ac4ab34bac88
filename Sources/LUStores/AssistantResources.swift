import JSONRPC
import MCP
import Store

/// The resources of lustores-mcp: the status, test executions and the Markdown reports.
///
/// Guarantees: `lustores://status` reads what `get_status` answers and `lustores://tests/{execution_id}`
/// what `get_test_result` answers; an execution id that is not one, or a date that is not a real
/// `YYYY-MM-DD` (or `today`/`yesterday`), is the revision's resource-not-found error.
public enum AssistantResources {
    /// The status resource's URI.
    public static let statusURI = "lustores://status"
    /// The newest test execution's URI.
    public static let latestTestURI = "lustores://tests/latest"
    static let json = "application/json"
    static let markdown = "text/markdown"

    /// The registry serving `content`.
    public static func registry(_ content: AssistantContent) -> ResourceRegistry {
        ResourceRegistry([
            Resource(uri: statusURI, name: "status", title: "System status",
                     description: "Health of LUStores as get_status reports it: status, database, latest tests, resources. "
                        + "Subscribe to hear when the health status changes.",
                     mimeType: json) { _ in
                [.text(JSONWriter.string(await content.monitor.status()), uri: statusURI, mimeType: json)]
            },
            Resource(uri: latestTestURI, name: "latest-test-run", title: "Latest test execution",
                     description: "The newest test execution, as get_test_result reports it.", mimeType: json) { _ in
                guard let id = try await content.latestExecutionID() else { throw RequestFailure.notFound }
                return [.text(JSONWriter.string(try await content.testResult(id)), uri: latestTestURI, mimeType: json)]
            },
            Resource(uri: "lustores://reports/low-stock", name: "low-stock-report", title: "Low-stock report",
                     description: "Markdown: the active items at or below minimum stock, largest shortfall first.",
                     mimeType: markdown) { _ in
                [.text(try await content.lowStockReport(), uri: "lustores://reports/low-stock", mimeType: markdown)]
            },
        ], templates: [
            ResourceTemplate(uriTemplate: "lustores://tests/{execution_id}", name: "test-execution", title: "Test execution",
                             description: "One test execution as get_test_result reports it. Subscribe to hear when it ends.",
                             mimeType: json, completers: ["execution_id": AssistantCompletions.executionIDs(content)]) { uri, variables, _ in
                [.text(JSONWriter.string(try await content.testResult(variables["execution_id"] ?? "")), uri: uri, mimeType: json)]
            },
            ResourceTemplate(uriTemplate: "lustores://tests/{execution_id}/output", name: "test-output", title: "Test output",
                             description: "The end of a test execution's output, as plain text.",
                             mimeType: "text/plain", completers: ["execution_id": AssistantCompletions.executionIDs(content)]) { uri, variables, _ in
                let result = try await content.testResult(variables["execution_id"] ?? "")
                let tail = result["output_tail"]?.stringValue ?? "(this execution kept no output: a built-in suite, or a run cut off)\n"
                return [.text(tail, uri: uri, mimeType: "text/plain")]
            },
            ResourceTemplate(uriTemplate: "lustores://reports/sales/{date}", name: "daily-sales-report", title: "Daily sales report",
                             description: "Markdown: one day's sales (YYYY-MM-DD, today or yesterday, in the configured zone): "
                                + "totals, VAT, paid and refunded sales, and each charge code's share.",
                             mimeType: markdown, completers: ["date": AssistantCompletions.dates(content)]) { uri, variables, _ in
                guard let day = content.day(variables["date"] ?? "") else { throw RequestFailure.notFound }
                return [.text(try await content.salesReport(day: day), uri: uri, mimeType: markdown)]
            },
        ])
    }
}
