import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

/// The reverse proxies whose `X-Forwarded-For` is believed (config `trusted_proxies`): addresses
/// and CIDR ranges, IPv4 and IPv6.
///
/// Guarantees: a request's client address is its peer's unless the peer is trusted; then it is
/// the rightmost `X-Forwarded-For` address that is not itself trusted (each proxy appends the
/// address it received from, so everything left of the first untrusted hop could be forged by
/// the client), or the leftmost when every hop is trusted. A hop that is not an IP address ends
/// the walk at the trusted address to its right. With no trusted proxies the header is ignored.
public struct TrustedProxies: Sendable, Equatable {
    /// One address range: the first `prefixLength` bits of `address` (IPv4 as IPv4-mapped IPv6).
    struct Range: Sendable, Equatable {
        let address: [UInt8]
        let prefixLength: Int

        func contains(_ candidate: [UInt8]) -> Bool {
            var remaining = prefixLength
            for index in 0..<16 where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if address[index] & mask != candidate[index] & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    private let ranges: [Range]

    /// No proxy trusted: the peer is always the client.
    public static let none = TrustedProxies(ranges: [])

    private init(ranges: [Range]) { self.ranges = ranges }

    /// Parses `entries` (`203.0.113.7`, `10.0.0.0/8`, `::1`, `fd00::/8`); throws the first entry
    /// that is not an address or range.
    public init(_ entries: [String]) throws(InvalidEntry) {
        var ranges: [Range] = []
        for entry in entries {
            let parts = entry.trimmingSpaces().split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let address = Self.parse(String(parts[0])) else { throw InvalidEntry(entry: entry) }
            let isIPv4 = !parts[0].contains(":")
            var prefix = 128
            if parts.count == 2 {
                guard let bits = Int(parts[1]), bits >= 0, bits <= (isIPv4 ? 32 : 128) else { throw InvalidEntry(entry: entry) }
                prefix = isIPv4 ? 96 + bits : bits
            }
            ranges.append(Range(address: address, prefixLength: prefix))
        }
        self.ranges = ranges
    }

    /// An entry of `trusted_proxies` that is neither an address nor a CIDR range.
    public struct InvalidEntry: Error, Sendable, Equatable, CustomStringConvertible {
        /// The entry as written.
        public let entry: String
        /// Names the entry.
        public var description: String { "trusted_proxies: \(entry) is not an IP address or CIDR range" }
    }

    /// Whether no proxy is trusted.
    public var isEmpty: Bool { ranges.isEmpty }

    /// Whether `address` (text) lies in a trusted range.
    public func trusts(_ address: String) -> Bool {
        guard !ranges.isEmpty, let bytes = Self.parse(address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client address of a request from `peer` carrying `forwardedFor` (every
    /// `X-Forwarded-For` value, in order).
    public func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, trusts(peer), !forwardedFor.isEmpty else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces() }
        var client = peer
        for hop in hops.reversed() {
            guard let bytes = Self.parse(hop) else { return client }
            client = Self.canonical(hop, bytes)
            if !ranges.contains(where: { $0.contains(bytes) }) { return client }
        }
        return client
    }

    /// Replaces `request.clientAddress`, which the server set to the connection's peer, with the
    /// real client's (``clientAddress(peer:forwardedFor:)``). Applied once, before any handler
    /// reads the address; the server's own per-address connection cap keeps counting the peer.
    public func resolve(_ request: inout HTTPRequest) {
        guard !ranges.isEmpty else { return }
        request.clientAddress = clientAddress(peer: request.clientAddress, forwardedFor: request.headerValues("x-forwarded-for"))
    }

    /// 16 bytes, IPv4 as IPv4-mapped IPv6; nil when `text` is neither.
    static func parse(_ text: String) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: 16)
        if text.contains(":") {
            guard inet_pton(AF_INET6, text, &bytes) == 1 else { return nil }
            return bytes
        }
        var four = [UInt8](repeating: 0, count: 4)
        guard inet_pton(AF_INET, text, &four) == 1 else { return nil }
        bytes[10] = 0xFF
        bytes[11] = 0xFF
        bytes.replaceSubrange(12..<16, with: four)
        return bytes
    }

    /// An IPv4-mapped IPv6 address as IPv4, as the server spells peers; others as written.
    private static func canonical(_ text: String, _ bytes: [UInt8]) -> String {
        guard text.contains(":"), bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF else { return text }
        return bytes[12..<16].map(String.init).joined(separator: ".")
    }
}
