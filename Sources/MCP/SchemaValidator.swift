import JSONRPC

/// The first way a value breaks its schema: where (a dotted path such as `options.timeout`, empty
/// for the root) and what.
public struct SchemaViolation: Error, Sendable, Equatable, CustomStringConvertible {
    /// Dotted path of the offending field; array elements appear as `lines[2]`.
    public let path: String
    /// What is wrong, e.g. `must be at most 500`.
    public let reason: String

    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

/// Validates JSON values against the subset of JSON Schema (2020-12 / draft-07 common ground) that
/// the tool schemas use.
///
/// Supported keywords are listed in ``supportedKeywords``; a test checks every schema the server
/// serves uses only those, so a schema can never promise a check this validator does not make.
public enum SchemaValidator {
    /// Keywords that constrain values and are enforced here.
    public static let assertionKeywords: Set<String> = [
        "type", "properties", "required", "additionalProperties", "enum", "const", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "items", "minItems", "maxItems",
    ]
    /// Keywords that only describe (no effect on validity).
    public static let annotationKeywords: Set<String> = [
        "$schema", "$id", "title", "description", "default", "examples", "format", "$comment",
    ]
    /// Every keyword a served schema may use.
    public static var supportedKeywords: Set<String> { assertionKeywords.union(annotationKeywords) }

    /// Returns nil when `value` satisfies `schema`, else the first violation found.
    public static func validate(_ value: JSONValue, against schema: JSONValue, path: String = "") -> SchemaViolation? {
        guard case .object(let rules) = schema else { return nil }
        if let types = rules["type"], !matches(value, types: types) {
            return SchemaViolation(path: path, reason: "must be \(describe(types)), got \(value.typeName)")
        }
        if let allowed = rules["enum"]?.arrayValue, !allowed.contains(value) {
            let list = allowed.map { JSONWriter.string($0) }.joined(separator: ", ")
            return SchemaViolation(path: path, reason: "must be one of \(list)")
        }
        if let constant = rules["const"], constant != value {
            return SchemaViolation(path: path, reason: "must be \(JSONWriter.string(constant))")
        }
        switch value {
        case .integer, .double:
            return checkNumber(value.doubleValue ?? 0, rules: rules, path: path)
        case .string(let text):
            let length = text.unicodeScalars.count
            if let minimum = rules["minLength"]?.integerValue, length < minimum {
                return SchemaViolation(path: path, reason: minimum == 1 ? "must not be empty" : "must be at least \(minimum) characters")
            }
            if let maximum = rules["maxLength"]?.integerValue, length > maximum {
                return SchemaViolation(path: path, reason: "must be at most \(maximum) characters")
            }
        case .array(let elements):
            if let minimum = rules["minItems"]?.integerValue, elements.count < minimum {
                return SchemaViolation(path: path, reason: "must have at least \(minimum) elements")
            }
            if let maximum = rules["maxItems"]?.integerValue, elements.count > maximum {
                return SchemaViolation(path: path, reason: "must have at most \(maximum) elements")
            }
            if let itemSchema = rules["items"] {
                for (index, element) in elements.enumerated() {
                    if let violation = validate(element, against: itemSchema, path: "\(path)[\(index)]") { return violation }
                }
            }
        case .object(let object):
            return checkObject(object, rules: rules, path: path)
        case .null, .bool:
            break
        }
        return nil
    }

    private static func checkNumber(_ number: Double, rules: JSONObject, path: String) -> SchemaViolation? {
        if let minimum = rules["minimum"], let bound = minimum.doubleValue, number < bound {
            return SchemaViolation(path: path, reason: "must be at least \(JSONWriter.string(minimum))")
        }
        if let maximum = rules["maximum"], let bound = maximum.doubleValue, number > bound {
            return SchemaViolation(path: path, reason: "must be at most \(JSONWriter.string(maximum))")
        }
        if let minimum = rules["exclusiveMinimum"], let bound = minimum.doubleValue, number <= bound {
            return SchemaViolation(path: path, reason: "must be greater than \(JSONWriter.string(minimum))")
        }
        if let maximum = rules["exclusiveMaximum"], let bound = maximum.doubleValue, number >= bound {
            return SchemaViolation(path: path, reason: "must be less than \(JSONWriter.string(maximum))")
        }
        return nil
    }

    private static func checkObject(_ object: JSONObject, rules: JSONObject, path: String) -> SchemaViolation? {
        let properties = rules["properties"]?.objectValue ?? JSONObject()
        for required in rules["required"]?.arrayValue ?? [] {
            if let name = required.stringValue, object[name] == nil {
                return SchemaViolation(path: join(path, name), reason: "is required")
            }
        }
        for key in object.keys {
            let fieldPath = join(path, key)
            if let propertySchema = properties[key] {
                if let violation = validate(object[key]!, against: propertySchema, path: fieldPath) { return violation }
                continue
            }
            switch rules["additionalProperties"] {
            case .bool(false)?:
                let known = properties.keys
                let hint = known.isEmpty ? "this tool takes no arguments" : "expected one of \(known.joined(separator: ", "))"
                return SchemaViolation(path: fieldPath, reason: "unknown field (\(hint))")
            case .object(let extra)?:
                if let violation = validate(object[key]!, against: .object(extra), path: fieldPath) { return violation }
            default:
                break
            }
        }
        return nil
    }

    private static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private static func matches(_ value: JSONValue, types: JSONValue) -> Bool {
        switch types {
        case .string(let name): return matches(value, type: name)
        case .array(let names): return names.contains { $0.stringValue.map { matches(value, type: $0) } ?? false }
        default: return true
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): return true
        case ("number", .integer), ("number", .double): return true
        case ("integer", _): return value.integerValue != nil
        default: return false
        }
    }

    private static func describe(_ types: JSONValue) -> String {
        func article(_ name: String) -> String { name == "integer" || name == "object" || name == "array" ? "an \(name)" : "a \(name)" }
        switch types {
        case .string(let name): return article(name)
        case .array(let names): return names.compactMap(\.stringValue).map(article).joined(separator: " or ")
        default: return "valid"
        }
    }
}
