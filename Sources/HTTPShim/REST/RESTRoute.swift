/// One REST route of the shim: where it lives, which tool answers it, and which limit it counts
/// against.
public struct RESTRoute: Sendable {
    public let method: String
    /// Path segments; `{name}` segments capture the tool argument of that name.
    public let pattern: [String]
    public let tool: String
    public let limit: RateLimitClass
    /// Status of a successful answer.
    public let successStatus: Int
    /// Where the arguments come from.
    public let arguments: ArgumentSource

    public enum ArgumentSource: Sendable {
        /// Query parameters typed by the tool's input schema (plus captured path segments).
        case query
        /// A JSON object body.
        case jsonBody
    }

    /// The routes, in the order the OpenAPI description lists them.
    public static let all: [RESTRoute] = [
        RESTRoute(method: "GET", pattern: ["api", "mcp", "status"], tool: "get_status", limit: .status,
                  successStatus: 200, arguments: .query),
        RESTRoute(method: "POST", pattern: ["api", "mcp", "test"], tool: "run_tests", limit: .testExecution,
                  successStatus: 202, arguments: .jsonBody),
        RESTRoute(method: "GET", pattern: ["api", "mcp", "test", "{execution_id}"], tool: "get_test_result",
                  limit: .dataRetrieval, successStatus: 200, arguments: .query),
        RESTRoute(method: "GET", pattern: ["api", "mcp", "sales"], tool: "get_sales", limit: .dataRetrieval,
                  successStatus: 200, arguments: .query),
        RESTRoute(method: "GET", pattern: ["api", "mcp", "inventory"], tool: "get_inventory", limit: .dataRetrieval,
                  successStatus: 200, arguments: .query),
    ]

    /// The OpenAPI-style path (`/api/mcp/test/{execution_id}`).
    public var path: String { "/" + pattern.joined(separator: "/") }

    /// The captured segments if `segments` match the pattern.
    func match(_ segments: [Substring]) -> [(String, String)]? {
        guard segments.count == pattern.count else { return nil }
        var captures: [(String, String)] = []
        for (segment, part) in zip(segments, pattern) {
            if part.hasPrefix("{") {
                guard !segment.isEmpty else { return nil }
                captures.append((String(part.dropFirst().dropLast()), String(segment)))
            } else if segment != part {
                return nil
            }
        }
        return captures
    }
}
