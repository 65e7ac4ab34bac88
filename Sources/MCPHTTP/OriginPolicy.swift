import Foundation

/// DNS-rebinding protection for `/mcp` (MCP transports §Security): the `Host` header and, when
/// present, the `Origin` header must name this machine — `localhost`, `127.0.0.1`, `[::1]`
/// (any port) — or the address the server was bound to, if it is not a wildcard.
///
/// Guarantees: a request without `Origin` (a non-browser client) is judged by `Host` alone; an
/// `Origin` of `null` or one that does not parse as `scheme://host[:port]` is refused.
public struct OriginPolicy: Sendable {
    /// Host names accepted in `Host` and `Origin`, lower-cased, without brackets.
    public let allowedHosts: Set<String>

    /// The loopback names, plus `boundHost` unless it is a wildcard address.
    public init(boundHost: String) {
        var hosts: Set<String> = ["localhost", "127.0.0.1", "::1"]
        let bound = boundHost.lowercased().trimmingCharacters(in: ["[", "]"])
        if bound != "0.0.0.0" && bound != "::" && !bound.isEmpty { hosts.insert(bound) }
        allowedHosts = hosts
    }

    /// Whether a `Host` header value names an allowed host (a missing header is HTTP/1.0's).
    public func allowsHost(_ header: String?) -> Bool {
        guard let header else { return true }
        guard let host = Self.hostName(fromAuthority: header) else { return false }
        return allowedHosts.contains(host)
    }

    /// Whether an `Origin` header value is allowed (absent is).
    public func allowsOrigin(_ header: String?) -> Bool {
        guard let header else { return true }
        let lower = header.lowercased()
        guard let schemeEnd = lower.range(of: "://") else { return false }
        let scheme = lower[..<schemeEnd.lowerBound]
        guard scheme == "http" || scheme == "https" else { return false }
        let authority = lower[schemeEnd.upperBound...]
        guard !authority.contains("/"), !authority.contains("@"),
              let host = Self.hostName(fromAuthority: String(authority)) else { return false }
        return allowedHosts.contains(host)
    }

    /// `host`, `host:port`, `[v6]` or `[v6]:port` → the lower-cased host (brackets removed).
    static func hostName(fromAuthority authority: String) -> String? {
        let lower = authority.lowercased()
        if lower.hasPrefix("[") {
            guard let close = lower.firstIndex(of: "]") else { return nil }
            let rest = lower[lower.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isNumber)) else { return nil }
            return String(lower[lower.index(after: lower.startIndex)..<close])
        }
        let parts = lower.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty else { return nil }
        if parts.count == 2 { guard !parts[1].isEmpty, parts[1].allSatisfy(\.isNumber) else { return nil } }
        return String(parts[0])
    }
}
