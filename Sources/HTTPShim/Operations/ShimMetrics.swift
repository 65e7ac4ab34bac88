import MCP
import ServerSupport
import Synchronization

/// The HTTP shim's counters and histograms, with the names and labels `/metrics` shows.
///
/// Guarantees: label values come from small fixed sets — a route is its template
/// (`/api/mcp/test/{execution_id}`, `unmatched` for any path no route owns), a method outside
/// the common ones is `other`, a tool is one a registry declares, a transport one of
/// ``transports`` — so no client can grow the number of series by inventing paths, methods or
/// ids. Recording a request or a tool call takes one lock and builds no string: every series is
/// found by array position (route, method, tool, transport) and a short scan of the status codes
/// or outcome codes seen so far; label text is written only when `/metrics` is read.
public final class ShimMetrics: Sendable {
    /// Upper bounds of the duration histograms, in seconds: from half a millisecond (a status
    /// answer) to a minute (a long-poll's wait).
    public static let durationBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    /// The route templates requests are counted under: the REST routes (in ``RESTRoute/all``
    /// order, so a REST match's index is its route's), then `/mcp`, the operations routes and
    /// `unmatched`.
    public static let routes: [String] = RESTRoute.all.map(\.path) + ["/mcp", "/healthz", "/readyz", "/metrics", "unmatched"]
    /// The methods counted by name; any other is `other`.
    public static let methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"]
    /// The transports tool calls are counted under.
    public static let transports = ["stdio", "rest", "mcp"]

    /// A route's position in ``routes``.
    public struct Route: Sendable, Equatable {
        let index: Int
        /// The REST route at `index` of ``RESTRoute/all``.
        static func rest(_ index: Int) -> Route { Route(index: index) }
        /// `/mcp`.
        public static let mcp = Route(index: RESTRoute.all.count)
        /// `/healthz`.
        public static let healthz = Route(index: RESTRoute.all.count + 1)
        /// `/readyz`.
        public static let readyz = Route(index: RESTRoute.all.count + 2)
        /// `/metrics`.
        public static let metrics = Route(index: RESTRoute.all.count + 3)
        /// Any path no route owns.
        public static let unmatched = Route(index: RESTRoute.all.count + 4)
    }

    private struct RequestCell {
        var codes: [(status: Int, count: UInt64)] = []
        var duration = Histogram(bounds: ShimMetrics.durationBuckets)
    }

    private struct ToolCell {
        /// Outcome codes seen; nil is `ok`.
        var outcomes: [(code: ToolError.Code?, count: UInt64)] = []
        var duration = Histogram(bounds: ShimMetrics.durationBuckets)
    }

    private struct ExecutionKey: Hashable {
        let testType: String
        let status: String
    }

    private struct State {
        /// `route * methods.count + method`.
        var requests: [RequestCell]
        /// Tool names in the order first observed.
        var tools: [String] = []
        /// `tool * transports.count + transport`.
        var toolCalls: [ToolCell] = []
        var testExecutions: [ExecutionKey: UInt64] = [:]
    }

    private let state: Mutex<State>

    /// Nothing counted yet.
    public init() {
        state = Mutex(State(requests: Array(repeating: RequestCell(), count: Self.routes.count * Self.methods.count)))
    }

    /// Counts one answered request of `route` with `method` and `status`, `seconds` after it arrived.
    public func requestAnswered(route: Route, method: String, status: Int, seconds: Double) {
        let cell = route.index * Self.methods.count + Self.methodIndex(method)
        state.withLock { state in
            if let slot = state.requests[cell].codes.firstIndex(where: { $0.status == status }) {
                state.requests[cell].codes[slot].count += 1
            } else {
                state.requests[cell].codes.append((status, 1))
            }
            state.requests[cell].duration.observe(seconds)
        }
    }

    /// `registry` with every call it makes counted here under `transport` (one of ``transports``).
    public func observing(_ registry: ToolRegistry, transport: String) -> ToolRegistry {
        guard let transportIndex = Self.transports.firstIndex(of: transport) else {
            preconditionFailure("unknown transport \(transport)")
        }
        // Resolved once: the registry's tools and their cells. A call finds its tool by a scan of
        // these names, whose storage its own name shares, so the comparisons are pointer checks.
        let names = registry.tools.map(\.name)
        let cells: [Int] = state.withLock { state in
            names.map { name in
                let tool: Int
                if let known = state.tools.firstIndex(of: name) {
                    tool = known
                } else {
                    tool = state.tools.count
                    state.tools.append(name)
                    state.toolCalls.append(contentsOf: Array(repeating: ToolCell(), count: Self.transports.count))
                }
                return tool * Self.transports.count + transportIndex
            }
        }
        return registry.observed { tool, outcome, seconds in
            guard let position = names.firstIndex(of: tool) else { return }
            self.toolCalled(cell: cells[position], outcome: outcome, seconds: seconds)
        }
    }

    private func toolCalled(cell: Int, outcome: ToolOutcome, seconds: Double) {
        let code: ToolError.Code?
        if case .failure(let error) = outcome { code = error.code } else { code = nil }
        state.withLock { state in
            if let slot = state.toolCalls[cell].outcomes.firstIndex(where: { $0.code == code }) {
                state.toolCalls[cell].outcomes[slot].count += 1
            } else {
                state.toolCalls[cell].outcomes.append((code, 1))
            }
            state.toolCalls[cell].duration.observe(seconds)
        }
    }

    /// Counts a test execution that ended, by suite and final status.
    public func testExecutionFinished(testType: String, status: String) {
        state.withLock { $0.testExecutions[ExecutionKey(testType: testType, status: status), default: 0] += 1 }
    }

    /// How many requests of `route` with `method` were answered `status` (what the tests and
    /// ``write(to:)`` read).
    public func requests(route: Route, method: String, status: Int) -> UInt64 {
        let cell = route.index * Self.methods.count + Self.methodIndex(method)
        return state.withLock { state in state.requests[cell].codes.first { $0.status == status }?.count ?? 0 }
    }

    /// The families counted here, in the exposition format; series in a stable order.
    public func write(to out: inout String) {
        let snapshot = state.withLock { $0 }
        PrometheusText.header(&out, "lustores_http_requests_total", "HTTP requests answered, by route template, method and status code.", "counter")
        forEachRequestCell(snapshot) { route, method, cell in
            for (status, count) in cell.codes.sorted(by: { $0.status < $1.status }) {
                PrometheusText.sample(&out, "lustores_http_requests_total",
                                      PrometheusText.labels(["route": route, "method": method, "code": String(status)]), Double(count))
            }
        }
        PrometheusText.header(&out, "lustores_http_request_duration_seconds",
                              "Seconds from a request's arrival to its answer's head, by route template and method.", "histogram")
        forEachRequestCell(snapshot) { route, method, cell in
            guard cell.duration.count > 0 else { return }
            PrometheusText.histogram(&out, "lustores_http_request_duration_seconds",
                                     PrometheusText.labels(["route": route, "method": method]), cell.duration)
        }
        PrometheusText.header(&out, "lustores_tool_calls_total",
                              "Tool calls ended, by tool, transport (stdio, rest, mcp) and outcome code (ok or the error code).", "counter")
        forEachToolCell(snapshot) { tool, transport, cell in
            for (code, count) in cell.outcomes.sorted(by: { ($0.code?.rawValue ?? "ok") < ($1.code?.rawValue ?? "ok") }) {
                PrometheusText.sample(&out, "lustores_tool_calls_total",
                                      PrometheusText.labels(["tool": tool, "transport": transport, "code": code?.rawValue ?? "ok"]),
                                      Double(count))
            }
        }
        PrometheusText.header(&out, "lustores_tool_call_duration_seconds", "Seconds a tool call took, by tool and transport.", "histogram")
        forEachToolCell(snapshot) { tool, transport, cell in
            guard cell.duration.count > 0 else { return }
            PrometheusText.histogram(&out, "lustores_tool_call_duration_seconds",
                                     PrometheusText.labels(["tool": tool, "transport": transport]), cell.duration)
        }
        PrometheusText.header(&out, "lustores_test_executions_total", "Test executions ended, by suite and final status.", "counter")
        for (key, count) in snapshot.testExecutions.sorted(by: { ($0.key.testType, $0.key.status) < ($1.key.testType, $1.key.status) }) {
            PrometheusText.sample(&out, "lustores_test_executions_total",
                                  PrometheusText.labels(["type": key.testType, "status": key.status]), Double(count))
        }
    }

    private func forEachRequestCell(_ state: State, _ body: (String, String, RequestCell) -> Void) {
        for (route, name) in Self.routes.enumerated() {
            for (method, methodName) in Self.methods.enumerated() {
                let cell = state.requests[route * Self.methods.count + method]
                if !cell.codes.isEmpty { body(name, methodName, cell) }
            }
        }
    }

    private func forEachToolCell(_ state: State, _ body: (String, String, ToolCell) -> Void) {
        for (tool, name) in state.tools.enumerated() {
            for (transport, transportName) in Self.transports.enumerated() {
                let cell = state.toolCalls[tool * Self.transports.count + transport]
                if !cell.outcomes.isEmpty { body(name, transportName, cell) }
            }
        }
    }

    /// The position of `method` in ``methods``: a switch, so no hashing per request.
    static func methodIndex(_ method: String) -> Int {
        switch method {
        case "GET": return 0
        case "HEAD": return 1
        case "POST": return 2
        case "PUT": return 3
        case "PATCH": return 4
        case "DELETE": return 5
        case "OPTIONS": return 6
        default: return 7
        }
    }
}
