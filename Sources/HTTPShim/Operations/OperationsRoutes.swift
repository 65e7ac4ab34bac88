import HTTPServer
import JSONRPC
import LUStores
import MCP
import ServerSupport
import TestExecution

/// The routes a platform's probes and a Prometheus server call: `GET /healthz` (the process
/// answers), `GET /readyz` (the database answers too) and `GET /metrics` (the counts).
///
/// Guarantees: `/healthz` and `/readyz` need no key and answer nothing but a status word (no
/// data, no reason a client could use); `/metrics` needs a key holding the `metrics` scope and
/// answers the Prometheus text format 0.0.4; none of them counts against a rate limit.
public struct OperationsRoutes: Sendable {
    /// The route `path` is, if it is one of these.
    public static func route(of path: String) -> ShimMetrics.Route? {
        switch path {
        case "/healthz": return .healthz
        case "/readyz": return .readyz
        case "/metrics": return .metrics
        default: return nil
        }
    }

    /// The counts shown at `/metrics`.
    public let metrics: ShimMetrics
    let monitor: StatusMonitor
    let testRunner: TestRunner?
    let gate: AccessGate

    /// Routes reading the database's state from `monitor`, running executions from `testRunner`,
    /// and admitting `/metrics` through `gate`.
    public init(metrics: ShimMetrics, monitor: StatusMonitor, testRunner: TestRunner?, gate: AccessGate) {
        self.metrics = metrics
        self.monitor = monitor
        self.testRunner = testRunner
        self.gate = gate
    }

    /// The answer for a path ``route(of:)`` knows.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard request.method == "GET" else {
            return .error(ToolError(.methodNotAllowed, "method \(request.method) not allowed on \(request.path)",
                                    details: JSONObject([("allow", .string("GET"))])),
                          headers: [("Allow", "GET")])
        }
        switch request.path {
        case "/healthz":
            return .json(200, ["status": "alive"], headers: Self.noStore)
        case "/readyz":
            let database = await databaseState()
            return database.up ? .json(200, ["status": "ready"], headers: Self.noStore)
                               : .json(503, ["status": "not_ready"], headers: Self.noStore)
        default:
            if case .refused(let response) = await gate.admit(request, scope: .metrics, kind: nil) { return response }
            return HTTPResponse(status: 200, headers: [("Content-Type", PrometheusText.contentType)] + Self.noStore,
                                body: .bytes(Array(await exposition().utf8)))
        }
    }

    private static let noStore: [(name: String, value: String)] = [("Cache-Control", "no-store")]

    /// Whether the database answers, and its round trip in seconds, as `get_status` measures them.
    private func databaseState() async -> (up: Bool, latencySeconds: Double) {
        let status = await monitor.status()
        let up = status["database"]?["connected"]?.boolValue ?? false
        let milliseconds = status["database"]?["latency"]?.doubleValue ?? 0
        return (up, milliseconds / 1000)
    }

    /// The shim's counts, the gate's, then the figures read at scrape time.
    func exposition() async -> String {
        var out = ""
        metrics.write(to: &out)
        // The gate's own counts, so /metrics and the limits never disagree.
        let failures = await gate.failures.count()
        let refusals = await gate.limiter.refusals()
        PrometheusText.header(&out, "lustores_auth_failures_total",
                              "Requests without a valid API key (answered 401, or 429 once their address is over its limit).", "counter")
        PrometheusText.sample(&out, "lustores_auth_failures_total", "", Double(failures.failures))
        PrometheusText.header(&out, "lustores_rate_limited_total",
                              "Requests refused 429: by a key's limit (status, test_execution, data_retrieval) or an address's failed-authentication limit (authentication).",
                              "counter")
        for kind in RateLimitClass.allCases {
            PrometheusText.sample(&out, "lustores_rate_limited_total", PrometheusText.labels(["limit": kind.rawValue]), Double(refusals[kind] ?? 0))
        }
        PrometheusText.sample(&out, "lustores_rate_limited_total", PrometheusText.labels(["limit": "authentication"]), Double(failures.refused))
        let running = await testRunner?.runningExecutions.count ?? 0
        let database = await databaseState()
        gauge(&out, "lustores_test_executions_running", "Test executions running now.", Double(running))
        gauge(&out, "lustores_database_up", "1 when the database answered the last probe, else 0.", database.up ? 1 : 0)
        gauge(&out, "lustores_database_latency_seconds", "Round trip of the database probe in seconds (0 when it did not answer).",
              database.latencySeconds)
        let process = ProcessFigures.read()
        gauge(&out, "process_resident_memory_bytes", "Resident memory size in bytes.", process.residentBytes)
        if let cpu = process.cpuSeconds {
            PrometheusText.header(&out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter")
            PrometheusText.sample(&out, "process_cpu_seconds_total", "", cpu)
        }
        gauge(&out, "process_open_fds", "Number of open file descriptors.", process.openDescriptors)
        gauge(&out, "process_max_fds", "Maximum number of open file descriptors.", process.maxDescriptors)
        gauge(&out, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", process.startTime)
        return out
    }

    private func gauge(_ out: inout String, _ name: String, _ help: String, _ value: Double?) {
        guard let value else { return }
        PrometheusText.header(&out, name, help, "gauge")
        PrometheusText.sample(&out, name, "", value)
    }
}
