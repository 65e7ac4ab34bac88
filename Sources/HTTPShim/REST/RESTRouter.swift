import HTTPServer
import JSONRPC
import MCP
import MCPHTTP

/// The REST twins of the tools: route, authenticate, limit, convert the arguments, call the tool
/// through the registry, answer with its result byte for byte.
///
/// Order of checks: unknown path 404, wrong method 405 `MCP_METHOD_NOT_ALLOWED` with `Allow`, then
/// missing or wrong key 401, then a key without the route's scope 403 `MCP_FORBIDDEN`,
/// then the rate limit 429, then the arguments (400, from the tool's own validator), then the
/// tool. Every answer past authentication carries the `X-RateLimit-*` headers. A route whose tool
/// is not in the registry (`run_tests` on a read-only server) answers 404 `MCP_NOT_FOUND` naming
/// the tool. With an audit log, every answer past authentication is one line (a 401 is the
/// gate's `auth_failed` line).
public struct RESTRouter: Sendable {
    /// The tools called.
    public let registry: ToolRegistry
    /// Authentication and rate limits.
    public let gate: AccessGate

    /// A router calling `registry`'s tools behind `gate`.
    public init(registry: ToolRegistry, gate: AccessGate) {
        self.registry = registry
        self.gate = gate
    }

    /// Whether `path` belongs to the REST API.
    public static func owns(_ path: String) -> Bool { path == "/api/mcp" || path.hasPrefix("/api/mcp/") }

    /// The answer to a request for a path under `/api/mcp`.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
        let matches = RESTRoute.all.compactMap { route in route.match(segments).map { (route, $0) } }
        guard !matches.isEmpty else {
            return .error(ToolError(.notFound, "no route for \(request.path)"))
        }
        guard let (route, captures) = matches.first(where: { $0.0.method == request.method }) else {
            let allowed = matches.map(\.0.method).joined(separator: ", ")
            return .error(ToolError(.methodNotAllowed, "method \(request.method) not allowed on \(request.path)",
                                    details: JSONObject([("allow", .string(allowed))])),
                          headers: [("Allow", allowed)])
        }
        let started = ContinuousClock.now
        let key: APIKey
        let limitHeaders: [(name: String, value: String)]
        switch await gate.admit(request, scope: route.scope, kind: route.limit) {
        case .refused(let response):
            // A 401 is recorded by the gate as a failed authentication.
            if response.status != 401 { record(request, route, key: gate.identify(request), arguments: nil, response, started) }
            return response
        case .admitted(let admitted, let headers): (key, limitHeaders) = (admitted, headers)
        }
        var (arguments, response) = await call(route, captures: captures, request: request)
        response.headers.append(contentsOf: limitHeaders)
        record(request, route, key: key, arguments: arguments, response, started)
        return response
    }

    /// The audit line of one answered call: `ok` below 400, else the error body's code.
    private func record(_ request: HTTPRequest, _ route: RESTRoute, key: APIKey?, arguments: JSONObject?,
                        _ response: HTTPResponse, _ started: ContinuousClock.Instant) {
        guard let audit = gate.audit else { return }
        var outcome = "ok"
        if response.status >= 400 {
            outcome = "HTTP \(response.status)"
            if case .bytes(let body) = response.body, let code = (try? JSONParser.parse(body))?["error"]?["code"]?.stringValue {
                outcome = code
            }
        }
        audit.record(AuditEntry(key: key?.name, address: request.clientAddress, transport: "rest", tool: route.tool,
                                route: "\(request.method) \(request.path)", arguments: arguments, outcome: outcome,
                                status: response.status, duration: ContinuousClock.now - started))
    }

    private func call(_ route: RESTRoute, captures: [(String, String)], request: HTTPRequest) async -> (JSONObject?, HTTPResponse) {
        guard let tool = registry[route.tool] else {
            return (nil, .error(ToolError(.notFound, "\(route.tool) is not available on this server")))
        }
        var arguments: JSONObject
        switch route.arguments {
        case .query:
            do {
                arguments = try QueryArguments.arguments(query: request.query, schema: tool.inputSchema, captures: captures)
            } catch {
                switch error {
                case .badEncoding(let name):
                    return (nil, .error(ToolError(.invalidRequest, "query parameter \(name) is not valid percent-encoded UTF-8")))
                case .repeated(let name):
                    return (nil, .error(ToolError(.invalidRequest, "query parameter \(name) is given more than once",
                                                  details: JSONObject([("field", .string(name))]))))
                }
            }
        case .jsonBody:
            if let type = request.header("content-type"), !type.lowercased().hasPrefix("application/json") {
                return (nil, .error(ToolError(.invalidRequest, "the body must be application/json"), status: 415))
            }
            if request.body.isEmpty {
                arguments = JSONObject()
            } else {
                do {
                    guard case .object(let object) = try JSONParser.parse(request.body) else {
                        return (nil, .error(ToolError(.invalidRequest, "the body must be a JSON object")))
                    }
                    arguments = object
                } catch {
                    return (nil, .error(ToolError(.invalidRequest, "the body is not valid JSON: \(error)")))
                }
            }
            if !request.query.isEmpty {
                return (arguments, .error(ToolError(.invalidRequest, "\(route.path) takes no query parameters")))
            }
        }
        let context = ToolContext(requestID: nil, revision: ProtocolRevision.latestHandshake)
        switch await registry.call(tool, arguments: arguments, context: context) {
        case .success(let result):
            return (arguments, .json(route.successStatus, result))
        case .started(let result, let handle):
            let location = route.followedAt.map { [("Location", $0 + Self.encodeSegment(handle))] } ?? []
            return (arguments, .json(route.successStatus, result, headers: location))
        case .failure(let error):
            return (arguments, .error(error))
        }
    }

    /// Percent-encodes everything but unreserved characters.
    static func encodeSegment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
