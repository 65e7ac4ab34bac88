#if canImport(Glibc)
import Glibc
#endif

/// Reads small files whole, including those of `/proc`, which report a size of 0 and must be
/// read to their end.
public enum SmallFile {
    /// The file's text (at most `limit` bytes; invalid UTF-8 repaired), or nil when it cannot be
    /// opened.
    public static func read(_ path: String, limit: Int = 64 << 10) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
