import Foundation
import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

/// Who a presented API key belongs to: its name and what it may do. Never the key itself.
public struct APIKey: Sendable, Equatable {
    /// The name of the keys file line (`name=ci`), or `key-N` for the Nth plaintext key.
    public let name: String
    /// What the key may call.
    public let scopes: Set<APIKeyScope>
    /// Where the key is in the configuration: the rate limiter counts per key by it.
    public let position: Int

    /// A key called `name` with `scopes` at `position`.
    public init(name: String, scopes: Set<APIKeyScope>, position: Int) {
        self.name = name
        self.scopes = scopes
        self.position = position
    }

    /// Whether the key may call what needs `scope`.
    public func allows(_ scope: APIKeyScope) -> Bool { scopes.contains(scope) }

    /// Everyone, when the server runs with `--insecure-no-auth`: every scope.
    public static let anonymous = APIKey(name: "anonymous", scopes: Set(APIKeyScope.allCases), position: -1)
}

/// The API keys the shim accepts as `Authorization: Bearer <key>`: hashed, scoped entries of the
/// keys file (`name=ci scopes=data,status sha256=HEX`) and plaintext keys (every scope).
///
/// Guarantees: a presented key is compared with every configured key in time that does not
/// depend on where they differ nor on which key matched (a hashed entry is compared by the
/// SHA-256 of the presented key); keys never appear in descriptions, errors or logs
/// (``description`` shows only the count, errors name a key by its name or line).
public struct APIKeys: Sendable, CustomStringConvertible {
    /// Why keys could not be loaded; stable codes, messages without key material.
    public enum LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        case unreadable(path: String)
        case readableByOthers(path: String, mode: String)
        /// A line of `source` that is neither a plaintext key nor a valid `name=… scopes=… sha256=…` entry.
        case malformedEntry(source: String, line: Int, reason: String)
        /// A plaintext key shorter than ``minimumPlaintextLength``, named `key-N`.
        case tooShort(source: String, name: String)
        /// Two entries with one name.
        case duplicateName(source: String, name: String)

        /// The stable code of this failure.
        public var code: String {
            switch self {
            case .unreadable: return "API_KEYS_FILE_UNREADABLE"
            case .readableByOthers: return "API_KEYS_FILE_TOO_OPEN"
            case .malformedEntry: return "API_KEYS_ENTRY_MALFORMED"
            case .tooShort: return "API_KEY_TOO_SHORT"
            case .duplicateName: return "API_KEYS_DUPLICATE_NAME"
            }
        }

        /// What went wrong, naming the file, the line or the key's name, never a key.
        public var description: String {
            switch self {
            case .unreadable(let path): return "api_keys_file \(path) cannot be read"
            case .readableByOthers(let path, let mode):
                return "api_keys_file \(path) has mode \(mode): it must not be accessible to group or others (chmod 600)"
            case .malformedEntry(let source, let line, let reason): return "\(source) line \(line): \(reason)"
            case .tooShort(let source, let name):
                return "\(source): API key \(name) is shorter than \(APIKeys.minimumPlaintextLength) characters; "
                    + "make one with lustores-mcp keys new"
            case .duplicateName(let source, let name): return "\(source): two keys are named \(name)"
            }
        }
    }

    private enum Credential: Sendable {
        case plaintext([UInt8])
        case sha256([UInt8])
    }

    private let entries: [(key: APIKey, credential: Credential)]

    /// Longest key accepted, so a huge header cannot make comparison slow.
    public static let maximumKeyLength = 512
    /// Shortest plaintext key the server starts with.
    public static let minimumPlaintextLength = 16

    /// Plaintext keys with every scope, named `key-1`, `key-2`, … (for programs and tests; the
    /// server loads keys through ``parse(lines:source:)``, which also refuses short ones). Empty
    /// keys and keys longer than ``maximumKeyLength`` are left out.
    public init(_ keys: [String]) {
        let usable = keys.map { Array($0.utf8) }.filter { !$0.isEmpty && $0.count <= Self.maximumKeyLength }
        entries = usable.enumerated().map { index, bytes in
            (APIKey(name: "key-\(index + 1)", scopes: Set(APIKeyScope.allCases), position: index), .plaintext(bytes))
        }
    }

    private init(entries: [(key: APIKey, credential: Credential)]) {
        self.entries = entries
    }

    /// Whether no key is configured.
    public var isEmpty: Bool { entries.isEmpty }
    /// How many keys are configured.
    public var count: Int { entries.count }
    /// The count only, never a key.
    public var description: String { "\(entries.count) API key(s)" }
    /// The names of the keys configured in plaintext (for the start-up warning).
    public var plaintextNames: [String] {
        entries.compactMap { if case .plaintext = $0.credential { return $0.key.name } else { return nil } }
    }

    /// Keys from `LUSTORES_API_KEYS` (comma-separated; spaces around keys ignored).
    public static func parseList(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
    }

    /// The keys of `lines` (blank lines and `#` comments already removed, or not: both are
    /// skipped). A line starting `name=` is a hashed entry, `name=NAME scopes=S1,S2 sha256=HEX`
    /// in any order; any other line is a plaintext key with every scope, named `key-N` by its
    /// position among the keys. `source` (`api_keys_file PATH`, `LUSTORES_API_KEYS`) is named in errors.
    public static func parse(lines: [String], source: String) throws(LoadError) -> APIKeys {
        var entries: [(key: APIKey, credential: Credential)] = []
        var names: Set<String> = []
        for (number, rawLine) in lines.enumerated() {
            let line = rawLine.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let position = entries.count
            let entry: (key: APIKey, credential: Credential)
            if line.hasPrefix("name=") {
                entry = try hashedEntry(line, position: position, source: source, line: number + 1)
            } else {
                let name = "key-\(position + 1)"
                guard line.count >= minimumPlaintextLength else { throw .tooShort(source: source, name: name) }
                guard line.utf8.count <= maximumKeyLength else {
                    throw .malformedEntry(source: source, line: number + 1, reason: "a key longer than \(maximumKeyLength) bytes")
                }
                entry = (APIKey(name: name, scopes: Set(APIKeyScope.allCases), position: position), .plaintext(Array(line.utf8)))
            }
            guard names.insert(entry.key.name).inserted else { throw .duplicateName(source: source, name: entry.key.name) }
            entries.append(entry)
        }
        return APIKeys(entries: entries)
    }

    private static func hashedEntry(_ line: String, position: Int, source: String,
                                    line number: Int) throws(LoadError) -> (key: APIKey, credential: Credential) {
        var fields: [String: String] = [:]
        for token in line.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            guard let equals = token.firstIndex(of: "=") else {
                throw .malformedEntry(source: source, line: number, reason: "expected name=… scopes=… sha256=…")
            }
            let field = String(token[..<equals])
            guard ["name", "scopes", "sha256"].contains(field), fields[field] == nil else {
                throw .malformedEntry(source: source, line: number, reason: "unexpected or repeated field \(field)")
            }
            fields[field] = String(token[token.index(after: equals)...])
        }
        guard let name = fields["name"], isValidName(name) else {
            throw .malformedEntry(source: source, line: number, reason: "name must be 1 to 64 letters, digits, '.', '_' or '-'")
        }
        guard let scopeList = fields["scopes"], !scopeList.isEmpty else {
            throw .malformedEntry(source: source, line: number, reason: "key \(name) needs scopes=…")
        }
        let scopes: Set<APIKeyScope>
        switch APIKeyScope.parseList(scopeList) {
        case .success(let parsed): scopes = parsed
        case .failure(let unknown):
            let known = APIKeyScope.allCases.map(\.rawValue).joined(separator: ", ")
            throw .malformedEntry(source: source, line: number, reason: "key \(name): unknown scope \(unknown.name) (scopes: \(known))")
        }
        guard let hex = fields["sha256"], let digest = decodeHex(hex), digest.count == 32 else {
            throw .malformedEntry(source: source, line: number, reason: "key \(name) needs sha256= and 64 hexadecimal digits")
        }
        return (APIKey(name: name, scopes: scopes, position: position), .sha256(digest))
    }

    /// Whether `name` may name a key: 1 to 64 of `A-Z a-z 0-9 . _ -`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    private static func decodeHex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case 0x30...0x39: return digit - 0x30
            case 0x41...0x46: return digit - 0x41 + 10
            case 0x61...0x66: return digit - 0x61 + 10
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// The keys of a keys file (``parse(lines:source:)``), refused when group or others have any
    /// permission on it.
    public static func load(file path: String) throws(LoadError) -> APIKeys {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .unreadable(path: path) }
        if status.st_mode & 0o077 != 0 {
            throw .readableByOthers(path: path, mode: String(status.st_mode & 0o777, radix: 8))
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable(path: path) }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        return try parse(lines: lines, source: "api_keys_file \(path)")
    }

    /// The key presented in an `Authorization` header value, or nil when there is no bearer
    /// credential or it matches no key. Every configured key is compared.
    public func authenticate(_ authorization: String?) -> APIKey? {
        guard let authorization else { return nil }
        let bytes = Array(authorization.utf8)
        guard bytes.count > 7, bytes.count - 7 <= Self.maximumKeyLength,
              String(decoding: bytes[0..<7], as: UTF8.self).lowercased() == "bearer " else { return nil }
        var start = 7
        while start < bytes.count, bytes[start] == 0x20 { start += 1 }
        let presented = bytes[start...]
        guard !presented.isEmpty else { return nil }
        let digest = SHA256.digest(presented)
        var matched: APIKey?
        for entry in entries {
            let equal: Bool
            switch entry.credential {
            case .plaintext(let key): equal = ConstantTime.equals(key, presented)
            case .sha256(let expected): equal = ConstantTime.equals(expected, digest[...])
            }
            if equal && matched == nil { matched = entry.key }
        }
        return matched
    }
}
