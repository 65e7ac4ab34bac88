import JSONRPC

/// A revision of the Model Context Protocol this server speaks, with the features each one has.
///
/// Version strings are opaque identifiers: order comes from `allCases`, never from comparing
/// the strings as dates.
public enum ProtocolRevision: String, Sendable, CaseIterable, Comparable {
    case v2024_11_05 = "2024-11-05"
    case v2025_03_26 = "2025-03-26"
    case v2025_06_18 = "2025-06-18"
    case v2025_11_25 = "2025-11-25"
    case v2026_07_28 = "2026-07-28"

    /// Revisions negotiated through `initialize`, oldest first.
    public static let handshakeRevisions: [ProtocolRevision] = [.v2024_11_05, .v2025_03_26, .v2025_06_18, .v2025_11_25]
    /// Revisions used per request, without a handshake.
    public static let statelessRevisions: [ProtocolRevision] = [.v2026_07_28]
    /// The answer to an `initialize` asking for a version this server does not speak.
    public static let latestHandshake: ProtocolRevision = .v2025_11_25

    /// Whether this revision works without `initialize` (per-request `_meta`).
    public var isStateless: Bool { self == .v2026_07_28 }
    /// `annotations` on tools (2025-03-26 on).
    public var hasToolAnnotations: Bool { self >= .v2025_03_26 }
    /// `title`, `outputSchema` and `structuredContent` (2025-06-18 on).
    public var hasStructuredOutput: Bool { self >= .v2025_06_18 }
    /// JSON-RPC batches must be accepted (2025-03-26 only).
    public var acceptsBatches: Bool { self == .v2025_03_26 }
    /// `message` on progress notifications (2025-03-26 on).
    public var hasProgressMessage: Bool { self >= .v2025_03_26 }
    /// `ping` and `logging/setLevel` exist (removed in 2026-07-28).
    public var hasPingAndSetLevel: Bool { !isStateless }

    private var order: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: ProtocolRevision, rhs: ProtocolRevision) -> Bool { lhs.order < rhs.order }
}
