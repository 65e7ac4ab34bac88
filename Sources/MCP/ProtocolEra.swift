import JSONRPC

/// The two ways of speaking MCP this server accepts side by side, and the one rule that tells
/// them apart — used by the engine for every message and by the HTTP transport for its headers.
public enum ProtocolEra: Sendable, Equatable {
    /// `initialize` negotiates a revision once for a session (2024-11-05 … 2025-11-25).
    case handshake
    /// Every request names its revision and capabilities in `params._meta` (2026-07-28).
    case stateless

    /// The era of a request judged by its own content: `server/discover`, and any method other
    /// than `initialize` whose `params._meta` names a protocol version, are stateless; everything
    /// else belongs to a handshake session.
    public init(method: String, params: JSONObject?) {
        let describesItself = params?["_meta"]?[MCPServer.metaProtocolVersion] != nil
        self = method == "server/discover" || (method != "initialize" && describesItself) ? .stateless : .handshake
    }

    /// The era an HTTP `MCP-Protocol-Version` header announces: no header, or a revision
    /// negotiated through `initialize`, is the handshake; any other value is stateless (where a
    /// version this server does not speak is refused with -32022).
    public init(versionHeader: String?) {
        guard let versionHeader else {
            self = .handshake
            return
        }
        let handshake = ProtocolRevision.handshakeRevisions.contains { $0.rawValue == versionHeader }
        self = handshake ? .handshake : .stateless
    }
}
