import CEventLoop
#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking TCP socket bound and listening on one address.
struct ListeningSocket: Sendable {
    let descriptor: Int32
    /// The port actually bound (the one the kernel chose when asked for 0).
    let port: Int

    /// Binds `host` (a numeric address or a name such as `localhost`) and `port` (0: any free).
    /// Never with `SO_REUSEPORT`: a port another process listens on fails here with
    /// `address already in use`, and no other process can later join this port.
    static func open(host: String, port: Int, backlog: Int32 = 1024) throws(HTTPServerError) -> ListeningSocket {
        guard (0...65535).contains(port) else { throw HTTPServerError(.invalidAddress, "port \(port) is out of range") }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw HTTPServerError(.invalidAddress, "cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        let descriptor = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw HTTPServerError(.socketFailed, "socket: \(errnoText())") }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) == 0 else {
            let text = errnoText()
            close(descriptor)
            throw HTTPServerError(.bindFailed, "cannot bind \(host):\(port): \(text)")
        }
        guard listen(descriptor, backlog) == 0 else {
            let text = errnoText()
            close(descriptor)
            throw HTTPServerError(.listenFailed, "listen: \(text)")
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        var bound = port
        withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                if getsockname(descriptor, address, &length) == 0 {
                    if Int32(address.pointee.sa_family) == AF_INET {
                        address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { bound = Int(UInt16(bigEndian: $0.pointee.sin_port)) }
                    } else if Int32(address.pointee.sa_family) == AF_INET6 {
                        address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { bound = Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
                    }
                }
            }
        }
        return ListeningSocket(descriptor: descriptor, port: bound)
    }

    /// A second descriptor for the same socket, for another event loop: both loops accept from one
    /// queue, and each closes its own descriptor.
    func duplicate() throws(HTTPServerError) -> ListeningSocket {
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { throw HTTPServerError(.socketFailed, "dup: \(errnoText())") }
        return ListeningSocket(descriptor: copy, port: port)
    }
}

/// `strerror(errno)`.
func errnoText() -> String { String(cString: strerror(errno)) }

/// The numeric form of an accepted peer's address (`203.0.113.9`, `2001:db8::1`).
func numericAddress(_ storage: sockaddr_storage) -> String {
    var storage = storage
    var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    let family = Int32(storage.ss_family)
    let converted: UnsafePointer<CChar>? = withUnsafePointer(to: &storage) { pointer in
        if family == AF_INET {
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                withUnsafePointer(to: address.pointee.sin_addr) { inet_ntop(AF_INET, $0, &text, socklen_t(text.count)) }
            }
        } else if family == AF_INET6 {
            return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                withUnsafePointer(to: address.pointee.sin6_addr) { inet_ntop(AF_INET6, $0, &text, socklen_t(text.count)) }
            }
        }
        return nil
    }
    guard converted != nil else { return "unknown" }
    return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
