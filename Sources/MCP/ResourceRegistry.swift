import JSONRPC

/// The resources and resource templates a server offers, in declaration order.
///
/// Guarantees: URIs, template texts and names are unique; both lists keep declaration order on
/// every call; a URI resolves to its static resource first, else to the first template it matches
/// (with every variable a safe, decoded segment, see ``URITemplate``); a handler only ever sees a
/// URI that resolved to it.
public struct ResourceRegistry: Sendable {
    /// A URI resolved to what serves it.
    public enum Target: Sendable {
        case resource(Resource)
        case template(ResourceTemplate, variables: [String: String])
    }

    public let resources: [Resource]
    public let templates: [ResourceTemplate]
    /// How many entries one `resources/list` or `resources/templates/list` page holds.
    public let pageSize: Int
    private let byURI: [String: Int]

    public static let defaultPageSize = 50

    /// A registry of `resources` and `templates`, listed `pageSize` at a time.
    public init(_ resources: [Resource] = [], templates: [ResourceTemplate] = [], pageSize: Int = ResourceRegistry.defaultPageSize) {
        var byURI: [String: Int] = [:]
        for (position, resource) in resources.enumerated() {
            precondition(byURI[resource.uri] == nil, "resource \(resource.uri) declared twice")
            byURI[resource.uri] = position
        }
        precondition(Set(templates.map(\.template.text)).count == templates.count, "a resource template is declared twice")
        let names = resources.map(\.name) + templates.map(\.name)
        precondition(Set(names).count == names.count, "two resources or templates share a name")
        self.resources = resources
        self.templates = templates
        self.pageSize = max(1, pageSize)
        self.byURI = byURI
    }

    /// Whether nothing is offered (then the `resources` capability is not advertised).
    public var isEmpty: Bool { resources.isEmpty && templates.isEmpty }

    /// Whether some template variable has a completer.
    var hasCompleters: Bool { templates.contains { !$0.completers.isEmpty } }

    /// What serves `uri`, if anything.
    public func resolve(_ uri: String) -> Target? {
        if let position = byURI[uri] { return .resource(resources[position]) }
        for template in templates {
            if let variables = template.template.match(uri) { return .template(template, variables: variables) }
        }
        return nil
    }

    /// The template whose text is `uriTemplate` (a completion reference), if any.
    func template(named uriTemplate: String) -> ResourceTemplate? {
        templates.first { $0.template.text == uriTemplate }
    }

    /// Reads `uri` through whatever serves it; ``RequestFailure/notFound`` when nothing does.
    public func read(_ uri: String, context: RequestContext) async throws -> [ResourceContents] {
        switch resolve(uri) {
        case nil: throw RequestFailure.notFound
        case .resource(let resource)?: return try await resource.read(context)
        case .template(let template, let variables)?: return try await template.read(uri, variables, context)
        }
    }

    /// One page of `resources/list`; a cursor this server did not issue is -32602.
    func listPage(for revision: ProtocolRevision, cursor: String?) throws(JSONRPCError) -> JSONObject {
        let page = try Pagination.page(count: resources.count, cursor: cursor, pageSize: pageSize, kind: "resources")
        var result = JSONObject([("resources", .array(resources[page.range].map { $0.json(for: revision) }))])
        if let next = page.nextCursor { result.append("nextCursor", .string(next)) }
        return result
    }

    /// One page of `resources/templates/list`; a cursor this server did not issue is -32602.
    func templatesPage(for revision: ProtocolRevision, cursor: String?) throws(JSONRPCError) -> JSONObject {
        let page = try Pagination.page(count: templates.count, cursor: cursor, pageSize: pageSize, kind: "templates")
        var result = JSONObject([("resourceTemplates", .array(templates[page.range].map { $0.json(for: revision) }))])
        if let next = page.nextCursor { result.append("nextCursor", .string(next)) }
        return result
    }
}
