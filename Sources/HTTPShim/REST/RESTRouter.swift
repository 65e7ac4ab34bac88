import JSONRPC
import LUStores
import MCP

/// The REST twins of the tools (`schemas/openapi.json`): route, authenticate, limit, convert the
/// arguments, call the tool through the registry, answer with its result byte for byte.
///
/// Order of checks: unknown path 404, wrong method 405 with `Allow`, then missing or wrong key 401,
/// then the rate limit 429, then the arguments (400, from the tool's own validator), then the
/// tool. Every answer past authentication carries the `X-RateLimit-*` headers. A route whose tool
/// is not in the registry answers 404 `MCP_NOT_FOUND` naming the tool.
public struct RESTRouter: Sendable {
    public let registry: ToolRegistry
    public let gate: AccessGate

    public init(registry: ToolRegistry, gate: AccessGate) {
        self.registry = registry
        self.gate = gate
    }

    /// Whether `path` belongs to the REST API.
    public static func owns(_ path: String) -> Bool { path == "/api/mcp" || path.hasPrefix("/api/mcp/") }

    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map { $0 }
        let matches = RESTRoute.all.compactMap { route in route.match(segments).map { (route, $0) } }
        guard !matches.isEmpty else {
            return .error(ToolError(.notFound, "no route for \(request.path)"))
        }
        guard let (route, captures) = matches.first(where: { $0.0.method == request.method }) else {
            let allowed = matches.map(\.0.method).joined(separator: ", ")
            return .error(ToolError(.notFound, "method \(request.method) not allowed on \(request.path)",
                                    details: JSONObject([("allow", .string(allowed))])),
                          status: 405, headers: [("Allow", allowed)])
        }
        let admission = await gate.admit(request, kind: route.limit)
        let limitHeaders: [(name: String, value: String)]
        switch admission {
        case .refused(let response): return response
        case .admitted(let headers): limitHeaders = headers
        }
        var response = await call(route, captures: captures, request: request)
        response.headers.append(contentsOf: limitHeaders)
        return response
    }

    private func call(_ route: RESTRoute, captures: [(String, String)], request: HTTPRequest) async -> HTTPResponse {
        guard let tool = registry[route.tool] else {
            return .error(ToolError(.notFound, "\(route.tool) is not available on this server"))
        }
        var arguments: JSONObject
        switch route.arguments {
        case .query:
            do {
                arguments = try QueryArguments.arguments(query: request.query, schema: tool.inputSchema, captures: captures)
            } catch {
                switch error {
                case .badEncoding(let name):
                    return .error(ToolError(.invalidRequest, "query parameter \(name) is not valid percent-encoded UTF-8"))
                case .repeated(let name):
                    return .error(ToolError(.invalidRequest, "query parameter \(name) is given more than once",
                                            details: JSONObject([("field", .string(name))])))
                }
            }
        case .jsonBody:
            if let type = request.header("content-type"), !type.lowercased().hasPrefix("application/json") {
                return .error(ToolError(.invalidRequest, "the body must be application/json"), status: 415)
            }
            if request.body.isEmpty {
                arguments = JSONObject()
            } else {
                do {
                    guard case .object(let object) = try JSONParser.parse(request.body) else {
                        return .error(ToolError(.invalidRequest, "the body must be a JSON object"))
                    }
                    arguments = object
                } catch {
                    return .error(ToolError(.invalidRequest, "the body is not valid JSON: \(error)"))
                }
            }
            if !request.query.isEmpty {
                return .error(ToolError(.invalidRequest, "\(route.path) takes no query parameters"))
            }
        }
        let context = ToolContext(requestID: nil, revision: ProtocolRevision.latestHandshake)
        let outcome = await registry.call(tool, arguments: arguments, context: context)
        let body = JSONWriter.bytes(outcome.json)
        switch outcome {
        case .success(let result):
            var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
            if route.successStatus == 202, let id = result["execution_id"]?.stringValue {
                headers.append(("Location", "/api/mcp/test/" + Self.encodeSegment(id)))
            }
            return HTTPResponse(status: route.successStatus, headers: headers, body: .bytes(body))
        case .failure(let error):
            let status = error["error"]?["code"]?.stringValue.flatMap(ToolError.Code.init(rawValue:))?.httpStatus ?? 500
            return HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: .bytes(body))
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
