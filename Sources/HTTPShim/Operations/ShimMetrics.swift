import MCP
import ServerSupport

/// The HTTP shim's counters and histograms, with the names and labels `/metrics` shows.
///
/// Guarantees: label values come from small fixed sets — a route is its template
/// (`/api/mcp/test/{execution_id}`, `unmatched` for any path no route owns), a method outside
/// the common ones is `other`, a tool is one the registry declares — so no client can grow the
/// number of series by inventing paths, methods or ids.
public struct ShimMetrics: Sendable {
    /// The registry holding the counts.
    public let registry: MetricsRegistry

    /// Upper bounds of the duration histograms, in seconds: from half a millisecond (a status
    /// answer) to a minute (a long-poll's wait).
    public static let durationBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    /// Names of the families.
    public enum Name {
        /// Answers by route, method and status code.
        public static let httpRequests = "lustores_http_requests_total"
        /// Time to the answer's head by route and method.
        public static let httpDuration = "lustores_http_request_duration_seconds"
        /// Tool calls by tool, transport and outcome code.
        public static let toolCalls = "lustores_tool_calls_total"
        /// Tool call durations by tool and transport.
        public static let toolDuration = "lustores_tool_call_duration_seconds"
        /// Requests refused 429 by limit.
        public static let rateLimited = "lustores_rate_limited_total"
        /// Requests refused 401.
        public static let authFailures = "lustores_auth_failures_total"
        /// Finished test executions by suite and final status.
        public static let testExecutions = "lustores_test_executions_total"
    }

    /// A registry with the shim's families and nothing counted.
    public init() {
        registry = MetricsRegistry([
            .init(name: Name.httpRequests, help: "HTTP requests answered, by route template, method and status code.", kind: .counter),
            .init(name: Name.httpDuration, help: "Seconds from a request's arrival to its answer's head, by route template and method.",
                  kind: .histogram(buckets: Self.durationBuckets)),
            .init(name: Name.toolCalls, help: "Tool calls ended, by tool, transport (stdio, rest, mcp) and outcome code (ok or the error code).",
                  kind: .counter),
            .init(name: Name.toolDuration, help: "Seconds a tool call took, by tool and transport.", kind: .histogram(buckets: Self.durationBuckets)),
            .init(name: Name.testExecutions, help: "Test executions ended, by suite and final status.", kind: .counter),
        ])
    }

    /// Counts one answered request.
    public func requestAnswered(route: String, method: String, status: Int, seconds: Double) {
        let method = Self.knownMethods.contains(method) ? method : "other"
        registry.increment(Name.httpRequests, .init(["route": route, "method": method, "code": String(status)]))
        registry.observe(Name.httpDuration, .init(["route": route, "method": method]), seconds)
    }

    /// Counts one tool call over `transport` (`stdio`, `rest` or `mcp`).
    public func toolCalled(_ tool: String, transport: String, outcome: ToolOutcome, seconds: Double) {
        let code: String
        switch outcome {
        case .success, .started: code = "ok"
        case .failure(let error): code = error.code.rawValue
        }
        registry.increment(Name.toolCalls, .init(["tool": tool, "transport": transport, "code": code]))
        registry.observe(Name.toolDuration, .init(["tool": tool, "transport": transport]), seconds)
    }

    /// `registry` observed as `transport`'s: every call it makes is counted here.
    public func observing(_ registry: ToolRegistry, transport: String) -> ToolRegistry {
        registry.observed { tool, outcome, seconds in
            self.toolCalled(tool, transport: transport, outcome: outcome, seconds: seconds)
        }
    }

    /// Counts a test execution that ended.
    public func testExecutionFinished(testType: String, status: String) {
        registry.increment(Name.testExecutions, .init(["type": testType, "status": status]))
    }

    private static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
}
