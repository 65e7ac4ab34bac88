/// A PostgreSQL connection string as an operator gives it (`--database-url`): a `postgresql://`
/// or `postgres://` URI, or libpq `key=value` settings separated by spaces.
///
/// Guarantees: ``masked(_:)`` never returns a password that was in its input, in either form, as
/// the user part of a URI (`user:secret@host`), a `password` query parameter or a `password=`
/// setting (quoted or not). Where a URI is ambiguous (an unescaped `@` after the host), it masks
/// more than the password rather than less.
public enum ConnectionString {
    /// What stands in for a password in anything printed.
    public static let mask = "***"

    /// Whether `text` is written as a URI (`postgresql://` or `postgres://`) rather than settings.
    public static func isURI(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// `text` with every password replaced by ``mask``; safe to print, log or put in an error.
    public static func masked(_ text: String) -> String {
        isURI(text) ? maskedURI(text) : maskedSettings(text)
    }

    /// Why `text` is not a connection string libpq could read (a phrase starting "must", naming no
    /// value, to follow the name of the setting), or
    /// nil when its form is right. Only the form is checked: names, hosts and credentials are
    /// libpq's and the server's to judge.
    public static func problem(_ text: String) -> String? {
        if isURI(text) {
            let rest = text.drop(while: { $0 != ":" }).dropFirst(3)
            return rest.contains(where: \.isWhitespace) ? "must not contain spaces in a URI (escape them as %20)" : nil
        }
        guard let settings = settings(text) else {
            return "must be a postgresql:// or postgres:// URI, or key=value settings (a quoted value must be closed)"
        }
        return settings.isEmpty ? "must not be empty" : nil
    }

    private static func maskedURI(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        var rest = Substring(text[schemeEnd.upperBound...])
        var query: Substring?
        var userInfo: Substring?
        // The last `@` ends the user part: a password holding an unescaped `@` is still masked whole.
        if let at = rest.lastIndex(of: "@") {
            userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
        }
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var result = String(text[..<schemeEnd.upperBound])
        if let userInfo {
            if let colon = userInfo.firstIndex(of: ":") {
                result += String(userInfo[..<colon]) + ":" + mask
            } else {
                result += String(userInfo)
            }
            result += "@"
        }
        result += String(rest)
        if let query {
            let parameters = query.split(separator: "&", omittingEmptySubsequences: false).map { parameter -> String in
                let key = parameter.prefix(while: { $0 != "=" })
                return key.removingPercentEncodingLossy.lowercased() == "password" ? String(key) + "=" + mask : String(parameter)
            }
            result += "?" + parameters.joined(separator: "&")
        }
        return result
    }

    private static func maskedSettings(_ text: String) -> String {
        guard let settings = settings(text) else {
            // Not readable as settings: print none of it rather than guess where a password is.
            return "(unreadable connection string)"
        }
        return settings.map { key, value in
            // libpq reads a `dbname` that is itself a URI or settings as a whole connection string.
            if key == "password" { return "\(key)=\(mask)" }
            return "\(key)=\(quoted(key == "dbname" && (isURI(value) || value.contains("=")) ? masked(value) : value))"
        }.joined(separator: " ")
    }

    /// The `key=value` pairs of libpq settings (values unquoted), or nil when the text is not in
    /// that form (a word without `=`, an unclosed quote).
    static func settings(_ text: String) -> [(key: String, value: String)]? {
        var result: [(key: String, value: String)] = []
        var characters = Substring(text)
        func skipSpaces() { characters = characters.drop(while: \.isWhitespace) }
        skipSpaces()
        while !characters.isEmpty {
            let key = characters.prefix(while: { $0 != "=" && !$0.isWhitespace })
            characters = characters.dropFirst(key.count)
            skipSpaces()
            guard !key.isEmpty, characters.first == "=" else { return nil }
            characters = characters.dropFirst()
            skipSpaces()
            var value = ""
            if characters.first == "'" {
                characters = characters.dropFirst()
                var closed = false
                while let character = characters.popFirst() {
                    if character == "\\", let escaped = characters.popFirst() {
                        value.append(escaped)
                    } else if character == "'" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return nil }
            } else {
                while let character = characters.first, !character.isWhitespace {
                    characters = characters.dropFirst()
                    if character == "\\", let escaped = characters.popFirst() {
                        value.append(escaped)
                    } else {
                        value.append(character)
                    }
                }
            }
            result.append((String(key), value))
            skipSpaces()
        }
        return result
    }

    /// `value` as libpq reads it back: bare when it is a plain word, else single-quoted with `\`
    /// and `'` escaped.
    private static func quoted(_ value: String) -> String {
        if !value.isEmpty, !value.contains(where: { $0.isWhitespace || $0 == "'" || $0 == "\\" }) { return value }
        var quoted = "'"
        for character in value {
            if character == "\\" || character == "'" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "'"
    }
}

private extension Substring {
    /// The text with `%XX` escapes decoded where they form UTF-8, kept as written otherwise.
    var removingPercentEncodingLossy: String {
        var bytes: [UInt8] = []
        var index = startIndex
        while index < endIndex {
            let character = self[index]
            if character == "%", let high = self.index(index, offsetBy: 1, limitedBy: endIndex), high < endIndex,
               let low = self.index(high, offsetBy: 1, limitedBy: endIndex), low < endIndex,
               let byte = UInt8(String(self[high...low]), radix: 16) {
                bytes.append(byte)
                index = self.index(after: low)
            } else {
                bytes.append(contentsOf: character.utf8)
                index = self.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
