import HTTPServer
import JSONRPC
import MCP
import MCPHTTP

/// The REST twins of the tools: route, authenticate, limit, convert the arguments, call the tool
/// through the registry, answer with its result byte for byte.
///
/// Order of checks: unknown path 404, wrong method 405 `MCP_METHOD_NOT_ALLOWED` with `Allow`, then
/// missing or wrong key 401,
/// then the rate limit 429, then the arguments (400, from the tool's own validator), then the
/// tool. Every answer past authentication carries the `X-RateLimit-*` headers. A route whose tool
/// is not in the registry answers 404 `MCP_NOT_FOUND` naming the tool.
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

    /// The routes whose pattern `path` matches (one per method), with the segments captured.
    static func matches(_ path: String) -> [(RESTRoute, [(String, String)])] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
        return RESTRoute.all.compactMap { route in route.match(segments).map { (route, $0) } }
    }

    /// The answer to a request for a path under `/api/mcp`.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        await handle(request, matches: Self.matches(request.path))
    }

    /// The answer to `request`, whose path ``matches(_:)`` gave `matches`.
    func handle(_ request: HTTPRequest, matches: [(RESTRoute, [(String, String)])]) async -> HTTPResponse {
        guard !matches.isEmpty else {
            return .error(ToolError(.notFound, "no route for \(request.path)"))
        }
        guard let (route, captures) = matches.first(where: { $0.0.method == request.method }) else {
            let allowed = matches.map(\.0.method).joined(separator: ", ")
            return .error(ToolError(.methodNotAllowed, "method \(request.method) not allowed on \(request.path)",
                                    details: JSONObject([("allow", .string(allowed))])),
                          headers: [("Allow", allowed)])
        }
        let admission = await gate.admit(request, kind: route.limit)
        let limitHeaders: [(name: String, value: String)]
        switch admission {
        case .refused(let response): return response
        case .admitted(let headers): limitHeaders = headers
        }
        var (response, counted) = await call(route, captures: captures, request: request)
        if !counted {
            response.headers.append(contentsOf: await gate.refund(request, kind: route.limit))
        } else {
            response.headers.append(contentsOf: limitHeaders)
        }
        return response
    }

    /// The answer, and whether the call counts against its limit. Only a test execution can not
    /// count: it does when it started a run or was refused because one is running, and not when
    /// it was rejected as invalid (a bad body, an unknown suite), so a CI script's mistakes do not
    /// use up the hour's quota.
    private func call(_ route: RESTRoute, captures: [(String, String)], request: HTTPRequest) async -> (HTTPResponse, counted: Bool) {
        let counts = route.limit != .testExecution
        guard let tool = registry[route.tool] else {
            return (.error(ToolError(.notFound, "\(route.tool) is not available on this server")), counts)
        }
        var arguments: JSONObject
        switch route.arguments {
        case .query:
            do {
                arguments = try QueryArguments.arguments(query: request.query, schema: tool.inputSchema, captures: captures)
            } catch {
                switch error {
                case .badEncoding(let name):
                    return (.error(ToolError(.invalidRequest, "query parameter \(name) is not valid percent-encoded UTF-8")), counts)
                case .repeated(let name):
                    return (.error(ToolError(.invalidRequest, "query parameter \(name) is given more than once",
                                             details: JSONObject([("field", .string(name))]))), counts)
                }
            }
        case .jsonBody:
            switch Self.jsonBody(request) {
            case .success(let object): arguments = object
            case .failure(let refusal): return (refusal.response, counts)
            }
            if !request.query.isEmpty {
                return (.error(ToolError(.invalidRequest, "\(route.path) takes no query parameters")), counts)
            }
        }
        let context = ToolContext(requestID: nil, revision: ProtocolRevision.latestHandshake)
        let outcome = await registry.call(tool, arguments: arguments, context: context)
        switch outcome {
        case .success(let result):
            return (.json(route.successStatus, result), counts)
        case .started(let result, let handle):
            let location = route.followedAt.map { [("Location", $0 + Self.encodeSegment(handle))] } ?? []
            return (.json(route.successStatus, result, headers: location), true)
        case .failure(let error):
            return (.error(error), counts || error.code == .testRunning)
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
