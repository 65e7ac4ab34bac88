/// A limit of `requests` in any window of `windowSeconds`.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    /// Requests allowed in any window.
    public var requests: Int
    /// The window's length in seconds.
    public var windowSeconds: Int

    /// A limit; both numbers must be positive.
    public init(requests: Int, windowSeconds: Int) {
        precondition(requests > 0 && windowSeconds > 0, "a rate limit needs a positive count and window")
        self.requests = requests
        self.windowSeconds = windowSeconds
    }

    /// `N per S s`.
    public var description: String { "\(requests) per \(windowSeconds) s" }

    /// Parses `N/SECONDS`, or a bare `N` over `defaultWindow` seconds (each class's documented
    /// window, as the configuration file's counts are), as the `LUSTORES_RATE_LIMIT_*` variables
    /// are written; nil if malformed.
    public static func parse(_ text: String, defaultWindow: Int) -> RateLimit? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let requests = Int(parts[0]), requests > 0 else { return nil }
        var window = defaultWindow
        if parts.count == 2 {
            guard let seconds = Int(parts[1]), seconds > 0 else { return nil }
            window = seconds
        }
        return RateLimit(requests: requests, windowSeconds: window)
    }
}
