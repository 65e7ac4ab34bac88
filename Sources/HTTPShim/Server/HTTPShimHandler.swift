import LUStores

/// The whole shim behind the HTTP server: `/api/mcp/…` to the REST router, `/mcp` to the MCP
/// endpoint, anything else 404 in the error format of `schemas/error.schema.json`.
public struct HTTPShimHandler: HTTPHandler {
    public let rest: RESTRouter
    public let mcp: (any HTTPHandler)?

    public init(rest: RESTRouter, mcp: (any HTTPHandler)?) {
        self.rest = rest
        self.mcp = mcp
    }

    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        if RESTRouter.owns(request.path) { return await rest.handle(request) }
        if request.path == "/mcp", let mcp { return await mcp.handle(request) }
        return .error(ToolError(.notFound, "no route for \(request.path)"))
    }
}
