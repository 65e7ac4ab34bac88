import JSONRPC
@testable import MCP

/// A small demo of everything an application registers besides tools: static resources (text,
/// binary, one that reads as nothing), two templates with completers, and two prompts.
enum Demo {
    static let icon = Icon(src: "data:image/svg+xml;base64,PHN2Zy8+", mimeType: "image/svg+xml", sizes: ["any"])
    static let runs = ["17", "18", "170"]
    /// 150 days (January to May, 30 each), so a completion must be cut at 100.
    static let dates = (1...5).flatMap { month in (1...30).map { day in "2025-0\(month)-\(day < 10 ? "0" : "")\(day)" } }
    static let chargeCodes = ["CHEM-001", "CHEM-002", "PHYS-001"]

    static let resources = ResourceRegistry([
        Resource(uri: "demo://status", name: "status", title: "Status", description: "Health as JSON.",
                 mimeType: "application/json", icons: [icon], cacheTTLMilliseconds: 5_000) { _ in
            [.text(#"{"status":"healthy"}"#, uri: "demo://status", mimeType: "application/json")]
        },
        Resource(uri: "demo://logo", name: "logo", mimeType: "image/png") { _ in
            [ResourceContents(uri: "demo://logo", mimeType: "image/png", body: .blob(base64: "iVBORw0KGgo="))]
        },
        Resource(uri: "demo://vanished", name: "vanished", description: "Reads as nothing.") { _ in [] },
    ], templates: [
        ResourceTemplate(uriTemplate: "demo://runs/{run_id}", name: "run", title: "Test run", description: "One run.",
                         mimeType: "application/json", icons: [icon],
                         completers: ["run_id": { value, _, _ in runs.filter { $0.hasPrefix(value) } }]) { uri, variables, _ in
            guard let id = variables["run_id"], runs.contains(id) else { throw RequestFailure.notFound }
            return [.text(#"{"id":"\#(id)"}"#, uri: uri, mimeType: "application/json")]
        },
        ResourceTemplate(uriTemplate: "demo://runs/{run_id}/output", name: "run-output", mimeType: "text/plain") { uri, variables, _ in
            guard let id = variables["run_id"], runs.contains(id) else { throw RequestFailure.notFound }
            return [.text("output of \(id)", uri: uri, mimeType: "text/plain")]
        },
    ])

    static let prompts = PromptRegistry([
        Prompt(name: "health", title: "Health report", description: "Reports on health.", icons: [icon]) { _, _ in
            PromptResult(description: "Health", messages: [
                PromptMessage(role: .user, content: .resource(.text(#"{"status":"healthy"}"#, uri: "demo://status",
                                                                    mimeType: "application/json"))),
                PromptMessage(role: .user, content: .text("Write a health report from the status above.")),
            ])
        },
        Prompt(name: "report", title: "Sales report", description: "Reports on one day.", arguments: [
            PromptArgument(name: "date", title: "Day", description: "YYYY-MM-DD", required: true,
                           completer: { value, _, _ in dates.filter { $0.hasPrefix(value) } }),
            PromptArgument(name: "charge_code", description: "Optional charge code",
                           completer: { value, others, _ in
                               // The date already chosen narrows the codes: only CHEM before the 10th.
                               let pool = (others["date"].map { $0 < "2025-06-10" } ?? false)
                                   ? chargeCodes.filter { $0.hasPrefix("CHEM") } : chargeCodes
                               return pool.filter { $0.lowercased().hasPrefix(value.lowercased()) }
                           }),
        ]) { arguments, _ in
            let date = arguments["date"] ?? ""
            guard date.count == 10, date.hasPrefix("20") else { throw RequestFailure.invalidArgument("date must be YYYY-MM-DD, got \(date)") }
            var text = "Report on \(date)"
            if let code = arguments["charge_code"] { text += " for \(code)" }
            return PromptResult(messages: [PromptMessage(role: .user, content: .text(text))])
        },
    ])

    static func server(pageSize: Int = ResourceRegistry.defaultPageSize) -> MCPServer {
        let resources = ResourceRegistry(Self.resources.resources, templates: Self.resources.templates, pageSize: pageSize)
        let prompts = PromptRegistry(Self.prompts.prompts, pageSize: pageSize)
        return MCPServer(implementation: Implementation(name: "demo", version: "1.0", title: "Demo", description: "A demo",
                                                        icons: [icon], websiteUrl: "https://example.org/demo"),
                         registry: testRegistry(), resources: resources, prompts: prompts)
    }
}

extension EngineDriver {
    /// A driver for the demo server whose session has a notification channel recorded by `recorder`.
    static func demo(pageSize: Int = ResourceRegistry.defaultPageSize) -> EngineDriver {
        var driver = EngineDriver(server: Demo.server(pageSize: pageSize))
        driver.session.notifications = driver.server.openChannel(sink: driver.recorder.sink)
        return driver
    }

    /// Sends `method` the way `revision` does: in the session (after `initialize`) or stateless.
    mutating func call(_ revision: String, _ id: Int64, _ method: String, _ params: JSONValue = [:]) async -> JSONValue? {
        if revision == "2026-07-28" { return await send(statelessRequest(id, method, params.objectValue ?? JSONObject())) }
        return await send(request(id, method, params))
    }
}

/// Every revision, oldest first.
let allRevisions = ProtocolRevision.allCases.map(\.rawValue)

extension JSONValue {
    /// The element at `index`, if this is an array that long.
    subscript(index: Int) -> JSONValue? {
        guard let array = arrayValue, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
