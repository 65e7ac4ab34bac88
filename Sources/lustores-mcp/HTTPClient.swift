import Foundation
import LUStores
import MCP
#if canImport(Glibc)
import Glibc
#endif

/// Where a running `lustores-mcp http` is: `http://HOST[:PORT][/PREFIX]` (a prefix when a reverse
/// proxy serves it under a path). Plain HTTP only: this client speaks no TLS, so an `https` server
/// is reached through a local TLS-terminating proxy (or the check runs on the server's host).
struct ServerAddress: Equatable, CustomStringConvertible {
    /// The host name or address, without the brackets of an IPv6 literal.
    let host: String
    let port: Int
    /// "" or a path starting with "/" and not ending with one.
    let prefix: String

    /// Reads `text`; the reason it cannot be used otherwise.
    init(parsing text: String) throws(ClientFailure) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("https://") {
            throw .configuration("--url \(text): https is not supported; use http on a trusted network, or a local "
                + "TLS-terminating proxy in front of the server")
        }
        guard lowered.hasPrefix("http://") else {
            throw .configuration("--url must start with http://, not \(text)")
        }
        var rest = Substring(text.dropFirst("http://".count))
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        rest = rest[slash...]
        while rest.hasSuffix("/") { rest = rest.dropLast() }
        var host = Substring(authority)
        var port = 80
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()), (1...65535).contains(number) else {
                    throw .configuration("--url \(text) has a bad port")
                }
                port = number
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                throw .configuration("--url \(text) has a bad port")
            }
            port = number
        }
        guard !host.isEmpty, !host.contains("@") else { throw .configuration("--url \(text) names no host") }
        self.host = String(host)
        self.port = port
        self.prefix = String(rest)
    }

    var description: String {
        "http://\(host.contains(":") ? "[\(host)]" : host):\(port)\(prefix)"
    }
}

/// Why a client command got no usable answer.
enum ClientFailure: Error, Equatable, CustomStringConvertible {
    /// A bad `--url`, an unreadable token file: the person must fix the command.
    case configuration(String)
    /// No answer: refused connection, unknown host, timeout, or an answer that is not HTTP.
    case unreachable(String)

    var description: String {
        switch self {
        case .configuration(let text), .unreachable(let text): return text
        }
    }
}

/// One HTTP/1.1 answer: status and body.
struct HTTPClientResponse {
    let status: Int
    let body: [UInt8]
}

/// A small HTTP/1.1 client over a POSIX socket, for the client commands: one request per
/// connection (`Connection: close`), a deadline over the whole exchange (connect, send, receive),
/// bodies with `Content-Length`, chunked, or up to the end of the connection. The blocking socket
/// work runs on a thread of its own, never on Swift's cooperative pool.
enum HTTPClient {
    /// Sends one request and reads the whole answer, within `timeout`.
    static func exchange(_ address: ServerAddress, method: String, path: String, headers: [(String, String)] = [],
                         body: [UInt8] = [], timeout: Duration) async -> Result<HTTPClientResponse, ClientFailure> {
        var head = "\(method) \(address.prefix)\(path) HTTP/1.1\r\n"
        head += "Host: \(address.host.contains(":") ? "[\(address.host)]" : address.host):\(address.port)\r\n"
        head += "User-Agent: lustores-mcp/\(LUStoresVersion.current)\r\nAccept: application/json\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        let deadline = ContinuousClock.now + timeout
        return await withCheckedContinuation { continuation in
            PosixThread {
                continuation.resume(returning: perform(request, to: address, deadline: deadline))
            }.start()
        }
    }

    private static func perform(_ request: [UInt8], to address: ServerAddress,
                                deadline: ContinuousClock.Instant) -> Result<HTTPClientResponse, ClientFailure> {
        let socket: Int32
        switch connect(address, deadline: deadline) {
        case .success(let descriptor): socket = descriptor
        case .failure(let failure): return .failure(failure)
        }
        defer { close(socket) }
        var offset = 0
        while offset < request.count {
            guard wait(socket, for: Int16(POLLOUT), until: deadline) else { return .failure(timedOut(address)) }
            let count = request[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return .failure(.unreachable("\(address): \(String(cString: strerror(errno)))"))
            }
            offset += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            guard wait(socket, for: Int16(POLLIN), until: deadline) else { return .failure(timedOut(address)) }
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received.append(contentsOf: buffer[0..<count])
                if let response = parse(received, complete: false) { return .success(response) }
            } else if count == 0 {
                break
            } else if errno != EINTR && errno != EAGAIN {
                if received.isEmpty { return .failure(.unreachable("\(address): \(String(cString: strerror(errno)))")) }
                break
            }
        }
        guard let response = parse(received, complete: true) else {
            return .failure(.unreachable("\(address) did not answer with HTTP"))
        }
        return .success(response)
    }

    private static func timedOut(_ address: ServerAddress) -> ClientFailure {
        .unreachable("\(address) did not answer in time")
    }

    /// A connected non-blocking socket to the first address of `address.host` that accepts.
    private static func connect(_ address: ServerAddress, deadline: ContinuousClock.Instant) -> Result<Int32, ClientFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host, String(address.port), &hints, &list)
        guard status == 0, list != nil else {
            return .failure(.unreachable("cannot resolve \(address.host): \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(list) }
        var reason = "no address"
        var entry = list
        while let current = entry {
            entry = current.pointee.ai_next
            let descriptor = socket(current.pointee.ai_family,
                                    Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { continue }
            if Glibc.connect(descriptor, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 {
                return .success(descriptor)
            }
            if errno == EINPROGRESS {
                if wait(descriptor, for: Int16(POLLOUT), until: deadline) {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
                    if error == 0 { return .success(descriptor) }
                    reason = String(cString: strerror(error))
                } else {
                    reason = "no answer in time"
                }
            } else {
                reason = String(cString: strerror(errno))
            }
            close(descriptor)
        }
        return .failure(.unreachable("cannot connect to \(address): \(reason.lowercased())"))
    }

    /// Whether `descriptor` became ready for `events` before `deadline`.
    private static func wait(_ descriptor: Int32, for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            let milliseconds = Int32(min(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1,
                                         Int64(Int32.max)))
            var entry = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0, errno != EINTR { return false }
        }
    }

    /// The answer in `bytes`, once whole: with `complete` (the connection ended) a body without
    /// a length runs to the end; otherwise nil until the body announced has arrived.
    static func parse(_ bytes: [UInt8], complete: Bool) -> HTTPClientResponse? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.dropLast(3).first(where: { bytes[$0..<$0 + 4].elementsEqual(separator) }) else {
            return nil
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = head.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else { return nil }
        var fields: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let rest = Array(bytes[(end + 4)...])
        if fields["transfer-encoding"]?.lowercased().contains("chunked") == true {
            return dechunk(rest).map { HTTPClientResponse(status: status, body: $0) }
        }
        if let length = fields["content-length"].flatMap(Int.init) {
            guard rest.count >= length else { return nil }
            return HTTPClientResponse(status: status, body: Array(rest.prefix(length)))
        }
        return complete ? HTTPClientResponse(status: status, body: rest) : nil
    }

    /// The body of a chunked transfer, or nil until its last chunk has arrived.
    private static func dechunk(_ bytes: [UInt8]) -> [UInt8]? {
        var body: [UInt8] = []
        var index = 0
        while true {
            guard let lineEnd = bytes[index...].firstIndex(of: 13), lineEnd + 1 < bytes.count else { return nil }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            index = lineEnd + 2
            if size == 0 { return body }
            guard index + size + 2 <= bytes.count else { return nil }
            body.append(contentsOf: bytes[index..<index + size])
            index += size + 2
        }
    }
}
