/// A JSON-RPC request id: a string or an integer, echoed back with the same type (`1` ≠ `"1"`).
public enum RequestID: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case integer(Int64)

    /// The id carried by `value`, if it is a string or a whole number; nil otherwise (null,
    /// fractions, objects…), which MCP does not allow as an id. A whole number written with a
    /// fraction or exponent (`1.0`, `1e2`) is an integer to JSON Schema, so it is accepted and
    /// echoed as the integer.
    public init?(_ value: JSONValue) {
        switch value {
        case .string(let text): self = .string(text)
        default:
            guard let number = value.integerValue else { return nil }
            self = .integer(number)
        }
    }

    /// The id as JSON.
    public var json: JSONValue {
        switch self {
        case .string(let text): return .string(text)
        case .integer(let number): return .integer(number)
        }
    }

    public var description: String { JSONWriter.string(json) }
}
