import JSONRPC

/// Who this server is: `serverInfo` in `initialize`, `_meta` serverInfo in 2026-07-28 results.
public struct Implementation: Sendable {
    public let name: String
    public let version: String
    /// Display name; sent from 2025-06-18 on.
    public let title: String?
    /// One-line description; sent from 2025-11-25 on.
    public let description: String?
    /// Icons a client may show for the server (e.g. an SVG `data:` URI); sent from 2025-11-25 on.
    public let icons: [Icon]
    /// The server's home page; sent from 2025-11-25 on.
    public let websiteUrl: String?

    /// An identity; `title`, `description`, `icons` and `websiteUrl` are left out for revisions that do not define them.
    public init(name: String, version: String, title: String? = nil, description: String? = nil,
                icons: [Icon] = [], websiteUrl: String? = nil) {
        self.name = name
        self.version = version
        self.title = title
        self.description = description
        self.icons = icons
        self.websiteUrl = websiteUrl
    }

    /// The `Implementation` object with only the fields `revision` defines.
    public func json(for revision: ProtocolRevision) -> JSONValue {
        var object = JSONObject([("name", .string(name)), ("version", .string(version))])
        if revision.hasStructuredOutput, let title { object.append("title", .string(title)) }
        if revision >= .v2025_11_25, let description { object.append("description", .string(description)) }
        Icon.append(icons, to: &object, revision: revision)
        if revision >= .v2025_11_25, let websiteUrl { object.append("websiteUrl", .string(websiteUrl)) }
        return .object(object)
    }
}
