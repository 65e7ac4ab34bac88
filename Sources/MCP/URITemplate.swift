/// An RFC 6570 level-1 URI template (`lustores://tests/{execution_id}/output`): literal text and
/// simple `{name}` variables, nothing else.
///
/// Guarantees: a template is accepted only when every expression is a plain variable name
/// (`[A-Za-z0-9_]+`, no operators or modifiers), names are unique, and two variables never touch
/// (a literal separates them, so matching is unambiguous). A URI matches when its literal parts
/// are equal and every variable's value is non-empty, free of `/ ? #`, percent-decodes to valid
/// UTF-8 without control characters, and is not `.` or `..`: a matched value is always a single
/// safe path segment.
public struct URITemplate: Sendable, Equatable {
    enum Part: Sendable, Equatable {
        case literal(String)
        case variable(String)
    }

    /// The template as written.
    public let text: String
    /// The variable names, in order of appearance.
    public let variables: [String]
    let parts: [Part]

    /// Parses `text`; nil when it is not a level-1 template as described above.
    public init?(_ text: String) {
        var parts: [Part] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            if let open = rest.firstIndex(of: "{") {
                if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
                guard let close = rest[open...].firstIndex(of: "}") else { return nil }
                let name = rest[rest.index(after: open)..<close]
                guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                    return nil
                }
                if case .variable? = parts.last { return nil }
                parts.append(.variable(String(name)))
                rest = rest[rest.index(after: close)...]
            } else {
                parts.append(.literal(String(rest)))
                rest = ""
            }
        }
        if parts.contains(where: { if case .literal(let literal) = $0 { literal.contains("}") } else { false } }) {
            return nil
        }
        let variables = parts.compactMap { part -> String? in
            if case .variable(let name) = part { name } else { nil }
        }
        guard Set(variables).count == variables.count else { return nil }
        self.text = text
        self.parts = parts
        self.variables = variables
    }

    /// The decoded value of each variable when `uri` is an expansion of this template, else nil.
    public func match(_ uri: String) -> [String: String]? {
        var values: [String: String] = [:]
        var rest = Substring(uri)
        for (position, part) in parts.enumerated() {
            switch part {
            case .literal(let literal):
                guard rest.hasPrefix(literal) else { return nil }
                rest = rest.dropFirst(literal.count)
            case .variable(let name):
                let raw: Substring
                if position + 1 < parts.count, case .literal(let next) = parts[position + 1] {
                    guard let found = rest.indices.first(where: { rest[$0...].hasPrefix(next) }) else { return nil }
                    raw = rest[..<found]
                } else {
                    raw = rest
                }
                guard let value = Self.segmentValue(raw) else { return nil }
                values[name] = value
                rest = rest[raw.endIndex...]
            }
        }
        return rest.isEmpty ? values : nil
    }

    /// The percent-decoded value of one variable, if it is a safe single segment.
    static func segmentValue(_ raw: Substring) -> String? {
        guard !raw.isEmpty, !raw.contains(where: { "/?#{}".contains($0) }) else { return nil }
        var bytes: [UInt8] = []
        var utf8 = raw.utf8.makeIterator()
        while let byte = utf8.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = utf8.next().flatMap(Self.hexValue), let low = utf8.next().flatMap(Self.hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        guard let value = String(validating: bytes, as: UTF8.self),
              value != ".", value != "..", !value.contains("/"),
              !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
