import MCP
import Foundation
import HTTPServerTesting
@testable import HTTPServer
@testable import HTTPShim
@testable import MCPHTTP
#if canImport(Glibc)
import Glibc
#endif

/// Runs blocking work on a thread of its own, never on the cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        PosixThread { continuation.resume(returning: body()) }.start()
    }
}

/// A blocking TCP client for tests (use it inside ``onThread(_:)``).
struct SocketClient: Sendable {
    let descriptor: Int32

    /// Connects to 127.0.0.1:`port`; reads time out after `timeout` seconds. The default is long
    /// because it is a bound, not a measure: the handlers run on the shared cooperative pool, which
    /// a full parallel test run on 2 cores can keep busy for seconds (5 s once lost an answer).
    init?(port: Int, timeout: Double = 30) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { _ = Glibc.close(descriptor); return nil }
        var interval = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size))
        self.descriptor = descriptor
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    /// Reads until the server closes, the timeout passes, or `until` is satisfied by what was read.
    func read(until done: (String) -> Bool = { _ in false }) -> String {
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            all.append(contentsOf: buffer[0..<count])
            if done(String(decoding: all, as: UTF8.self)) { break }
        }
        return String(decoding: all, as: UTF8.self)
    }

    /// Reads until `count` complete answers have arrived (by Content-Length).
    func readResponses(_ count: Int) -> String {
        read { responses($0).count >= count && completeBodies($0) }
    }

    func shutdownWrite() { Glibc.shutdown(descriptor, Int32(SHUT_WR)) }

    func close() { _ = Glibc.close(descriptor) }
}

/// Whether every answer in `text` has its whole body.
func completeBodies(_ text: String) -> Bool {
    var rest = Substring(text)
    while let end = rest.range(of: "\r\n\r\n") {
        let head = rest[..<end.lowerBound].lowercased()
        guard let line = head.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
              let length = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) else { return true }
        rest = rest[end.upperBound...]
        guard rest.utf8.count >= length else { return false }
        rest = Substring(String(rest.utf8.dropFirst(length)) ?? "")
    }
    return true
}
