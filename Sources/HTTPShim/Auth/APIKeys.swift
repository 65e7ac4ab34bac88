import Foundation
import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

/// The API keys the shim accepts as `Authorization: Bearer <key>`.
///
/// Guarantees: a presented key is compared with every configured key in time that does not
/// depend on where they differ nor on which key matched; keys never appear in descriptions,
/// errors or logs (``description`` shows only the count).
public struct APIKeys: Sendable, CustomStringConvertible {
    /// Why keys could not be loaded; stable codes, messages without key material.
    public enum LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        case unreadable(path: String)
        case readableByOthers(path: String, mode: String)

        /// The stable code of this failure.
        public var code: String {
            switch self {
            case .unreadable: return "API_KEYS_FILE_UNREADABLE"
            case .readableByOthers: return "API_KEYS_FILE_TOO_OPEN"
            }
        }

        /// What went wrong, naming the file but no key.
        public var description: String {
            switch self {
            case .unreadable(let path): return "api_keys_file \(path) cannot be read"
            case .readableByOthers(let path, let mode):
                return "api_keys_file \(path) has mode \(mode): it must not be accessible to group or others (chmod 600)"
            }
        }
    }

    private let keys: [[UInt8]]

    /// Longest key accepted, so a huge header cannot make comparison slow.
    public static let maximumKeyLength = 512

    /// The keys given, minus empty ones and any longer than ``maximumKeyLength``.
    public init(_ keys: [String]) {
        self.keys = keys.map { Array($0.utf8) }.filter { !$0.isEmpty && $0.count <= Self.maximumKeyLength }
    }

    /// Whether no key is configured.
    public var isEmpty: Bool { keys.isEmpty }
    /// How many keys are configured.
    public var count: Int { keys.count }
    /// The count only, never a key.
    public var description: String { "\(keys.count) API key(s)" }

    /// Keys from `LUSTORES_API_KEYS` (comma-separated; spaces around keys ignored).
    public static func parseList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
    }

    /// Keys from a file: one per line, `#` starts a comment line, blank lines ignored. Refused
    /// when group or others have any permission on it.
    public static func loadFile(_ path: String) throws(LoadError) -> [String] {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .unreadable(path: path) }
        if status.st_mode & 0o077 != 0 {
            throw .readableByOthers(path: path, mode: String(status.st_mode & 0o777, radix: 8))
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingSpaces() }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// The index of the key presented in an `Authorization` header value, or nil when there is no
    /// bearer credential or it matches no key. Every configured key is compared.
    public func authenticate(_ authorization: String?) -> Int? {
        guard let authorization else { return nil }
        let bytes = Array(authorization.utf8)
        guard bytes.count > 7, bytes.count - 7 <= Self.maximumKeyLength,
              String(decoding: bytes[0..<7], as: UTF8.self).lowercased() == "bearer " else { return nil }
        var start = 7
        while start < bytes.count, bytes[start] == 0x20 { start += 1 }
        let presented = bytes[start...]
        var matched: Int?
        for (index, key) in keys.enumerated() {
            let equal = ConstantTime.equals(key, presented)
            if equal && matched == nil { matched = index }
        }
        return matched
    }
}
