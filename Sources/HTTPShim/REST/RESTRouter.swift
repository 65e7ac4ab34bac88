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
/// gate's `auth_failed` line). A test execution counts against its limit only when it starts a
/// run or is refused because one is running (``TestQuota``): one rejected as invalid gives its
/// count back, and its `X-RateLimit-*` headers show the limit after the refund.
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

    /// One route whose pattern a path matches: its position in ``RESTRoute/all`` and the
    /// segments captured.
    struct Match {
        let index: Int
        let route: RESTRoute
        let captures: [(String, String)]
    }

    /// The routes whose pattern `path` matches (one per method).
    static func matches(_ path: String) -> [Match] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
        var matches: [Match] = []
        for (index, route) in RESTRoute.all.enumerated() {
            if let captures = route.match(segments) { matches.append(Match(index: index, route: route, captures: captures)) }
        }
        return matches
    }

    /// The answer to a request for a path under `/api/mcp`.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        await handle(request, matches: Self.matches(request.path))
    }

    /// The answer to `request`, whose path ``matches(_:)`` gave `matches`.
    func handle(_ request: HTTPRequest, matches: [Match]) async -> HTTPResponse {
        guard !matches.isEmpty else {
            return .error(ToolError(.notFound, "no route for \(request.path)"))
        }
        guard let match = matches.first(where: { $0.route.method == request.method }) else {
            let allowed = matches.map(\.route.method).joined(separator: ", ")
            return .error(ToolError(.methodNotAllowed, "method \(request.method) not allowed on \(request.path)",
                                    details: JSONObject([("allow", .string(allowed))])),
                          headers: [("Allow", allowed)])
        }
        let route = match.route
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
        var (arguments, response, counted) = await call(route, captures: match.captures, request: request)
        if counted {
            response.headers.append(contentsOf: limitHeaders)
        } else {
            response.headers.append(contentsOf: await gate.refund(request, kind: route.limit))
        }
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

    /// The arguments as understood, the answer, and whether the call counts against its limit
    /// (every call but a test execution that ``TestQuota`` lets off).
    private func call(_ route: RESTRoute, captures: [(String, String)], request: HTTPRequest) async
        -> (arguments: JSONObject?, response: HTTPResponse, counted: Bool) {
        let counts = route.limit != .testExecution
        guard let tool = registry[route.tool] else {
            return (nil, .error(ToolError(.notFound, "\(route.tool) is not available on this server")), counts)
        }
        var arguments: JSONObject
        switch route.arguments {
        case .query:
            do {
                arguments = try QueryArguments.arguments(query: request.query, schema: tool.inputSchema, captures: captures)
            } catch {
                switch error {
                case .badEncoding(let name):
                    return (nil, .error(ToolError(.invalidRequest, "query parameter \(name) is not valid percent-encoded UTF-8")), counts)
                case .repeated(let name):
                    return (nil, .error(ToolError(.invalidRequest, "query parameter \(name) is given more than once",
                                                  details: JSONObject([("field", .string(name))]))), counts)
                }
            }
        case .jsonBody:
            switch Self.jsonBody(request) {
            case .success(let object): arguments = object
            case .failure(let refusal): return (nil, refusal.response, counts)
            }
            if !request.query.isEmpty {
                return (arguments, .error(ToolError(.invalidRequest, "\(route.path) takes no query parameters")), counts)
            }
        }
        let context = ToolContext(requestID: nil, revision: ProtocolRevision.latestHandshake)
        let outcome = await registry.call(tool, arguments: arguments, context: context)
        let counted = counts || TestQuota.counts(outcome)
        switch outcome {
        case .success(let result):
            return (arguments, .json(route.successStatus, result), counted)
        case .started(let result, let handle):
            let location = route.followedAt.map { [("Location", $0 + Self.encodeSegment(handle))] } ?? []
            return (arguments, .json(route.successStatus, result, headers: location), counted)
        case .failure(let error):
            return (arguments, .error(error), counted)
        }
    }

    struct BodyRefusal: Error {
        let response: HTTPResponse
    }

    /// The arguments in a JSON object body, whatever content type declares it: `curl -d` sends
    /// `application/x-www-form-urlencoded` unless told otherwise, and the product's own CI example
    /// is written that way. An empty body is no arguments. A body that is not JSON is 415 when its
    /// declared type is not JSON (it is some other format, such as a real form) and 400 when it
    /// claims to be JSON or declares nothing; JSON that is not an object is 400.
    static func jsonBody(_ request: HTTPRequest) -> Result<JSONObject, BodyRefusal> {
        if request.body.isEmpty { return .success(JSONObject()) }
        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(request.body)
        } catch {
            if let type = request.header("content-type"), !isJSON(type) {
                return .failure(BodyRefusal(response: .error(ToolError(.invalidRequest, "the body must be a JSON object (application/json)"),
                                                             status: 415)))
            }
            return .failure(BodyRefusal(response: .error(ToolError(.invalidRequest, "the body is not valid JSON: \(error)"))))
        }
        guard case .object(let object) = parsed else {
            return .failure(BodyRefusal(response: .error(ToolError(.invalidRequest, "the body must be a JSON object"))))
        }
        return .success(object)
    }

    /// `application/json`, or a `+json` type, parameters aside.
    static func isJSON(_ contentType: String) -> Bool {
        let type = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingSpaces().lowercased() } ?? ""
        return type == "application/json" || (type.hasPrefix("application/") && type.hasSuffix("+json"))
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
