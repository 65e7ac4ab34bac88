import MCP
import JSONRPC

/// Reads a tool's arguments by the rules of its input schema, so each rule — a range, a default,
/// the values of an enum, whether an argument is required — is written once, in the schema.
///
/// The registry has already checked the arguments against the same schema; the reader still checks
/// what it reads, so a tool called without that check (or a schema and reader that disagree) can
/// only fail cleanly. Every rejection is `MCP_INVALID_REQUEST` with the argument's dotted path in
/// `details.field`. A `null` argument counts as absent.
public struct ArgumentReader: Sendable {
    /// The arguments read.
    public let arguments: JSONObject
    /// The object schema they follow (its `properties` and `required`).
    public let schema: JSONValue
    private let path: String

    /// A reader of `arguments` by `schema`, an object schema.
    public init(_ arguments: JSONObject, schema: JSONValue) {
        self.init(arguments, schema: schema, path: "")
    }

    private init(_ arguments: JSONObject, schema: JSONValue, path: String) {
        self.arguments = arguments
        self.schema = schema
        self.path = path
    }

    /// The schema's `minimum` … `maximum` of integer property `name` (unbounded where it gives none).
    public func range(of name: String) -> ClosedRange<Int64> {
        let rule = schema["properties"]?[name]
        return (rule?["minimum"]?.integerValue ?? .min)...(rule?["maximum"]?.integerValue ?? .max)
    }

    /// The schema's `default` of property `name`, if it gives one.
    public func defaultValue(of name: String) -> JSONValue? {
        schema["properties"]?[name]?["default"]
    }

    /// The schema's `default` of integer property `name`, which it must give (the tests read every
    /// such default, so a schema without one fails them rather than a call).
    public func defaultInteger(of name: String) -> Int64 {
        guard let value = defaultValue(of: name)?.integerValue else {
            preconditionFailure("\(field(name)) has no integer default in its schema")
        }
        return value
    }

    /// Text argument `name`; absent: the schema's default, else nil.
    public func string(_ name: String) throws(ToolError) -> String? {
        guard let json = try value(name) else { return nil }
        guard let text = json.stringValue else { throw invalid(name, "must be a string") }
        return text
    }

    /// Integer argument `name` within the schema's range; absent: the schema's default, which the
    /// property must have (use ``optionalInteger(_:)`` for one without).
    public func integer(_ name: String) throws(ToolError) -> Int64 {
        try optionalInteger(name) ?? defaultInteger(of: name)
    }

    /// Integer argument `name` within the schema's range; absent: the schema's default, else nil.
    public func optionalInteger(_ name: String) throws(ToolError) -> Int64? {
        guard let json = try value(name) else { return nil }
        let range = range(of: name)
        guard let number = json.integerValue, range.contains(number) else {
            throw invalid(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// Boolean argument `name`; absent: the schema's default, else false.
    public func flag(_ name: String) throws(ToolError) -> Bool {
        guard let json = try value(name) else { return false }
        guard let value = json.boolValue else { throw invalid(name, "must be true or false") }
        return value
    }

    /// Text argument `name`, one of the schema's `enum` values; absent: the schema's default, else nil.
    public func choice(_ name: String) throws(ToolError) -> String? {
        guard let text = try string(name) else { return nil }
        let allowed = choices(of: name)
        guard allowed.contains(text) else { throw invalid(name, "must be \(Self.either(allowed))") }
        return text
    }

    /// ``choice(_:)`` as a `Value`; a schema value `Value` does not know is refused the same way.
    public func choice<Value: RawRepresentable>(_ name: String, as type: Value.Type) throws(ToolError) -> Value?
    where Value.RawValue == String {
        guard let text = try choice(name) else { return nil }
        guard let value = Value(rawValue: text) else { throw invalid(name, "must be \(Self.either(choices(of: name)))") }
        return value
    }

    /// A reader of object argument `name` by its schema (an absent one reads as `{}`); its fields
    /// are named `name.field`.
    public func object(_ name: String) throws(ToolError) -> ArgumentReader {
        let nested = schema["properties"]?[name] ?? .object(JSONObject())
        guard let json = try value(name) else { return ArgumentReader(JSONObject(), schema: nested, path: field(name)) }
        guard let object = json.objectValue else { throw invalid(name, "must be an object") }
        return ArgumentReader(object, schema: nested, path: field(name))
    }

    /// The `MCP_INVALID_REQUEST` error for argument `field`, with `message`.
    public static func invalid(_ field: String, _ message: String) -> ToolError {
        ToolError(.invalidRequest, message, details: JSONObject([("field", .string(field))]))
    }

    /// The argument, the schema's default when absent or null, or nil; a required one absent is refused.
    private func value(_ name: String) throws(ToolError) -> JSONValue? {
        if let json = arguments[name], json != .null { return json }
        if schema["required"]?.arrayValue?.contains(.string(name)) == true { throw invalid(name, "is required") }
        return defaultValue(of: name)
    }

    private func choices(of name: String) -> [String] {
        schema["properties"]?[name]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    private func field(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    private func invalid(_ name: String, _ reason: String) -> ToolError {
        Self.invalid(field(name), "\(field(name)) \(reason)")
    }

    /// "a", "a or b", "a, b or c".
    private static func either(_ values: [String]) -> String {
        guard values.count > 1 else { return values.first ?? "nothing" }
        return values.dropLast().joined(separator: ", ") + " or " + values.last!
    }
}
