#if canImport(Glibc)
import Glibc
#endif

/// The text form of an accepted connection's peer address.
enum PeerAddress {
    /// `127.0.0.1`, `2001:db8::1`; an IPv4-mapped IPv6 address (a dual-stack listener) as its
    /// IPv4 form, so one client has one spelling. Nil for a family other than IPv4 and IPv6.
    static func text(of storage: sockaddr_storage) -> String? {
        let family = Int32(storage.ss_family)
        var copy = storage
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let capacity = socklen_t(buffer.count)
        let written: Bool = withUnsafeBytes(of: &copy) { raw in
            switch family {
            case AF_INET:
                var bytes = raw.load(as: sockaddr_in.self).sin_addr
                return inet_ntop(AF_INET, &bytes, &buffer, capacity) != nil
            case AF_INET6:
                var bytes = raw.load(as: sockaddr_in6.self).sin6_addr
                return inet_ntop(AF_INET6, &bytes, &buffer, capacity) != nil
            default:
                return false
            }
        }
        guard written else { return nil }
        let length = buffer.firstIndex(of: 0) ?? buffer.count
        let text = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("::ffff:"), text.contains(".") { return String(text.dropFirst(7)) }
        return text
    }
}
