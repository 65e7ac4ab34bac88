/// One REST route (`schemas/openapi.json`): where it lives, which tool answers it, and how.
public struct RESTRoute: Sendable {
    /// The HTTP method.
    public let method: String
    /// Path segments; `{name}` segments capture the tool argument of that name.
    public let pattern: [String]
    /// The tool answering.
    public let tool: String
    /// Status of a successful answer.
    public let successStatus: Int
    /// Where the arguments come from.
    public let arguments: ArgumentSource
    /// For a tool that starts work going on after its answer: the path its handle is appended
    /// to for `Location` (where the work is followed).
    public let followedAt: String?

    /// The limit a call counts against: its tool's (``RateLimitClass/of(tool:)``).
    public var limit: RateLimitClass { .of(tool: tool) }
    /// The scope a key needs for the route: its tool's (``APIKeyScope/required(tool:)``).
    public var scope: APIKeyScope { .required(tool: tool) }

    /// Where a route's tool arguments come from.
    public enum ArgumentSource: Sendable {
        /// Query parameters typed by the tool's input schema (plus captured path segments).
        case query
        /// A JSON object body.
        case jsonBody
    }

    /// The routes, in the order the OpenAPI description lists them.
    public static let all: [RESTRoute] = [
        RESTRoute(method: "GET", pattern: ["api", "mcp", "status"], tool: "get_status", successStatus: 200,
                  arguments: .query, followedAt: nil),
        RESTRoute(method: "POST", pattern: ["api", "mcp", "test"], tool: "run_tests", successStatus: 202,
                  arguments: .jsonBody, followedAt: "/api/mcp/test/"),
        RESTRoute(method: "GET", pattern: ["api", "mcp", "test", "{execution_id}"], tool: "get_test_result", successStatus: 200,
                  arguments: .query, followedAt: nil),
        RESTRoute(method: "GET", pattern: ["api", "mcp", "sales"], tool: "get_sales", successStatus: 200,
                  arguments: .query, followedAt: nil),
        RESTRoute(method: "GET", pattern: ["api", "mcp", "sales", "analysis"], tool: "analyze_sales", successStatus: 200,
                  arguments: .query, followedAt: nil),
        RESTRoute(method: "GET", pattern: ["api", "mcp", "inventory"], tool: "get_inventory", successStatus: 200,
                  arguments: .query, followedAt: nil),
        RESTRoute(method: "GET", pattern: ["api", "mcp", "inventory", "analysis"], tool: "analyze_inventory",
                  successStatus: 200, arguments: .query, followedAt: nil),
        RESTRoute(method: "GET", pattern: ["api", "mcp", "charge-codes"], tool: "get_charge_codes", successStatus: 200,
                  arguments: .query, followedAt: nil),
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
