/// What an API key may do: each tool, REST route and `/metrics` needs exactly one scope.
///
/// Guarantees: ``required(tool:)`` is the one table for REST and `/mcp` alike; a tool it does not
/// name explicitly needs the scope its rate-limit class implies (``RateLimitClass/byTool``), so a
/// new data tool needs `data` without an entry here.
public enum APIKeyScope: String, Sendable, CaseIterable {
    /// `get_status` (`GET /api/mcp/status`).
    case status
    /// The data tools: sales, inventory, their analyses, charge codes.
    case data
    /// `run_tests` (`POST /api/mcp/test`).
    case testsRun = "tests:run"
    /// `get_test_result` (`GET /api/mcp/test/{execution_id}`).
    case testsRead = "tests:read"
    /// `GET /metrics`.
    case metrics

    /// Tools whose scope is not the one their rate-limit class implies.
    public static let byTool: [String: APIKeyScope] = ["get_test_result": .testsRead]

    /// The scope a call of `tool` needs.
    @Sendable public static func required(tool: String) -> APIKeyScope {
        if let scope = byTool[tool] { return scope }
        switch RateLimitClass.of(tool: tool) {
        case .status: return .status
        case .testExecution: return .testsRun
        case .dataRetrieval: return .data
        }
    }

    /// The scopes of a comma-separated list (`data,status`), or the first name that is no scope;
    /// duplicates collapse.
    public static func parseList(_ text: String) -> Result<Set<APIKeyScope>, UnknownScope> {
        var scopes: Set<APIKeyScope> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let scope = APIKeyScope(rawValue: part.trimmingSpaces()) else { return .failure(UnknownScope(name: String(part))) }
            scopes.insert(scope)
        }
        return .success(scopes)
    }

    /// A scope name that is not one of ``allCases``.
    public struct UnknownScope: Error, Sendable, Equatable {
        /// The name as written.
        public let name: String
    }

    /// The scopes in declaration order, comma-separated, as the keys file writes them.
    public static func listText(_ scopes: Set<APIKeyScope>) -> String {
        allCases.filter(scopes.contains).map(\.rawValue).joined(separator: ",")
    }
}
