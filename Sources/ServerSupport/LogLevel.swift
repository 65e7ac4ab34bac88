/// The RFC 5424 severities MCP uses for `logging/setLevel` and `notifications/message`, least
/// severe first.
public enum LogLevel: String, Sendable, CaseIterable, Comparable {
    case debug, info, notice, warning, error, critical, alert, emergency

    private var order: Int { Self.allCases.firstIndex(of: self)! }

    /// Ordered by severity: `debug` is the least.
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.order < rhs.order }
}
