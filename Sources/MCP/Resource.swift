import JSONRPC

/// Why a resource read, a prompt or a completion could not be served. The engine turns each case
/// into the JSON-RPC error of the request's revision.
public enum RequestFailure: Error, Sendable, Equatable {
    /// The resource does not exist: -32002 up to 2025-11-25, -32602 from 2026-07-28, both with
    /// `data.uri`. (Never answered with empty contents.)
    case notFound
    /// An argument or template variable has a value the handler cannot use: -32602 with this
    /// message, which the client's user or model reads.
    case invalidArgument(String)
    /// The handler failed for a reason of its own: -32603 with this message. It must name no key,
    /// password, SQL text or absolute path.
    case internalError(String)
}

extension RequestFailure {
    /// `error` as a failure: itself when it is one, else an internal error that says only what
    /// was being done (an arbitrary error's text could name a path or a query).
    init(_ error: any Error, doing what: String) {
        self = (error as? RequestFailure) ?? .internalError("\(what) failed")
    }
}

/// What a resource, prompt or completion handler knows of the request that called it.
public struct RequestContext: Sendable {
    /// The revision the request was made under.
    public let revision: ProtocolRevision
    /// The client's declared capabilities for this request.
    public let clientCapabilities: JSONValue

    /// A context for a request under `revision` from a client with these capabilities.
    public init(revision: ProtocolRevision, clientCapabilities: JSONValue = .object(JSONObject())) {
        self.revision = revision
        self.clientCapabilities = clientCapabilities
    }
}

/// An icon a client may show for the server, a resource or a prompt; sent from 2025-11-25 on.
public struct Icon: Sendable, Equatable {
    /// An `https:` URL or a `data:` URI (e.g. `data:image/svg+xml;base64,…`).
    public let src: String
    public let mimeType: String?
    /// `WxH` sizes, or `any` for a scalable image.
    public let sizes: [String]
    /// `light` or `dark` when the icon suits only one background.
    public let theme: String?

    /// An icon with these values.
    public init(src: String, mimeType: String? = nil, sizes: [String] = [], theme: String? = nil) {
        self.src = src
        self.mimeType = mimeType
        self.sizes = sizes
        self.theme = theme
    }

    /// The `Icon` object.
    public var json: JSONValue {
        var object = JSONObject([("src", .string(src))])
        if let mimeType { object.append("mimeType", .string(mimeType)) }
        if !sizes.isEmpty { object.append("sizes", .array(sizes.map { .string($0) })) }
        if let theme { object.append("theme", .string(theme)) }
        return .object(object)
    }

    /// `icons` on an object of `revision`: appended only when there are some and the revision
    /// defines them (2025-11-25 on).
    static func append(_ icons: [Icon], to object: inout JSONObject, revision: ProtocolRevision) {
        guard revision >= .v2025_11_25, !icons.isEmpty else { return }
        object.append("icons", .array(icons.map(\.json)))
    }
}

/// The contents of one resource (or part of one), as `resources/read` and embedded resources
/// carry them.
public struct ResourceContents: Sendable, Equatable {
    /// Text, or binary data already base64-encoded.
    public enum Body: Sendable, Equatable {
        case text(String)
        case blob(base64: String)
    }

    public let uri: String
    public let mimeType: String?
    public let body: Body

    /// Contents of `uri` with this body.
    public init(uri: String, mimeType: String?, body: Body) {
        self.uri = uri
        self.mimeType = mimeType
        self.body = body
    }

    /// Text contents.
    public static func text(_ text: String, uri: String, mimeType: String?) -> ResourceContents {
        ResourceContents(uri: uri, mimeType: mimeType, body: .text(text))
    }

    /// The `TextResourceContents` or `BlobResourceContents` object.
    public var json: JSONValue {
        var object = JSONObject([("uri", .string(uri))])
        if let mimeType { object.append("mimeType", .string(mimeType)) }
        switch body {
        case .text(let text): object.append("text", .string(text))
        case .blob(let base64): object.append("blob", .string(base64))
        }
        return .object(object)
    }
}

/// Offers completions for one prompt argument or template variable: the text typed so far and the
/// values already chosen for the other arguments (from 2025-06-18; empty before) in, every
/// matching value out, best first. The engine sends the first 100 with `total` and `hasMore`.
public typealias Completer = @Sendable (_ value: String, _ otherArguments: [String: String],
                                        _ context: RequestContext) async -> [String]

/// Reads a static resource. A thrown ``RequestFailure`` becomes the revision's error; any other
/// error becomes -32603 with a generic message (its text never reaches the client).
public typealias ResourceReader = @Sendable (_ context: RequestContext) async throws -> [ResourceContents]

/// Reads a resource of a template: the URI asked for and its decoded variables. Errors as for
/// ``ResourceReader``.
public typealias TemplateReader = @Sendable (_ uri: String, _ variables: [String: String],
                                             _ context: RequestContext) async throws -> [ResourceContents]

/// One resource with a fixed URI, declared once: what `resources/list` shows and how to read it.
public struct Resource: Sendable {
    public let uri: String
    public let name: String
    /// Display name; sent from 2025-06-18 on.
    public let title: String?
    public let description: String?
    public let mimeType: String?
    /// Sent from 2025-11-25 on.
    public let icons: [Icon]
    /// How long a 2026-07-28 client may cache what a read returns (0: re-read every time).
    public let cacheTTLMilliseconds: Int64
    public let read: ResourceReader

    /// A resource with these values, read by `read`.
    public init(uri: String, name: String, title: String? = nil, description: String? = nil, mimeType: String? = nil,
                icons: [Icon] = [], cacheTTLMilliseconds: Int64 = 0, read: @escaping ResourceReader) {
        self.uri = uri
        self.name = name
        self.title = title
        self.description = description
        self.mimeType = mimeType
        self.icons = icons
        self.cacheTTLMilliseconds = max(0, cacheTTLMilliseconds)
        self.read = read
    }

    /// The `Resource` object of `resources/list` with only the fields `revision` defines.
    public func json(for revision: ProtocolRevision) -> JSONValue {
        var object = JSONObject([("uri", .string(uri)), ("name", .string(name))])
        if revision.hasStructuredOutput, let title { object.append("title", .string(title)) }
        if let description { object.append("description", .string(description)) }
        if let mimeType { object.append("mimeType", .string(mimeType)) }
        Icon.append(icons, to: &object, revision: revision)
        return .object(object)
    }
}

/// A family of resources named by an RFC 6570 level-1 template, declared once: what
/// `resources/templates/list` shows, how to read a matching URI, and how to complete each variable.
public struct ResourceTemplate: Sendable {
    public let template: URITemplate
    public let name: String
    /// Display name; sent from 2025-06-18 on.
    public let title: String?
    public let description: String?
    /// The MIME type of every resource of the template.
    public let mimeType: String?
    /// Sent from 2025-11-25 on.
    public let icons: [Icon]
    public let cacheTTLMilliseconds: Int64
    /// Completers by variable name (only names the template has).
    public let completers: [String: Completer]
    public let read: TemplateReader

    /// A template; traps when `uriTemplate` is not level 1 or a completer names no variable of
    /// it (a programming error, found by the first test that builds the registry).
    public init(uriTemplate: String, name: String, title: String? = nil, description: String? = nil,
                mimeType: String? = nil, icons: [Icon] = [], cacheTTLMilliseconds: Int64 = 0,
                completers: [String: Completer] = [:], read: @escaping TemplateReader) {
        guard let template = URITemplate(uriTemplate) else { preconditionFailure("not a level-1 URI template: \(uriTemplate)") }
        for variable in completers.keys {
            precondition(template.variables.contains(variable), "\(uriTemplate) has no variable \(variable) to complete")
        }
        self.template = template
        self.name = name
        self.title = title
        self.description = description
        self.mimeType = mimeType
        self.icons = icons
        self.cacheTTLMilliseconds = max(0, cacheTTLMilliseconds)
        self.completers = completers
        self.read = read
    }

    /// The `ResourceTemplate` object of `resources/templates/list` with only the fields `revision` defines.
    public func json(for revision: ProtocolRevision) -> JSONValue {
        var object = JSONObject([("uriTemplate", .string(template.text)), ("name", .string(name))])
        if revision.hasStructuredOutput, let title { object.append("title", .string(title)) }
        if let description { object.append("description", .string(description)) }
        if let mimeType { object.append("mimeType", .string(mimeType)) }
        Icon.append(icons, to: &object, revision: revision)
        return .object(object)
    }
}
