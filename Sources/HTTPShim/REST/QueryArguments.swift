import HTTPServer
import JSONRPC

/// Turns a query string into a tool's JSON arguments, typed by the tool's input schema.
///
/// Each parameter becomes the type its schema property declares (`integer`, `number`, `boolean`,
/// else string). A value that does not convert, or a parameter the schema does not declare, is
/// passed on as a string so that the tool's own validator rejects it with its own message — the
/// REST twin validates exactly as the tool does. A repeated parameter is an error.
enum QueryArguments {
    enum Failure: Error, Equatable {
        case badEncoding(String)
        case repeated(String)
    }

    static func arguments(query: String, schema: JSONValue, captures: [(String, String)]) throws(Failure) -> JSONObject {
        var object = JSONObject()
        var seen = Set<String>()
        for (name, value) in captures {
            seen.insert(name)
            object.append(name, convert(value, for: name, schema: schema))
        }
        for piece in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = piece.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = HTTPRequestParser.percentDecode(parts[0], plusIsSpace: true) else {
                throw .badEncoding(String(parts[0]))
            }
            guard let value = HTTPRequestParser.percentDecode(parts.count > 1 ? parts[1] : "", plusIsSpace: true) else {
                throw .badEncoding(name)
            }
            guard seen.insert(name).inserted else { throw .repeated(name) }
            object.append(name, convert(value, for: name, schema: schema))
        }
        return object
    }

    /// The declared type of property `name`, ignoring `null` in a type list.
    static func declaredType(of name: String, in schema: JSONValue) -> String? {
        guard let type = schema["properties"]?[name]?["type"] else { return nil }
        switch type {
        case .string(let single): return single
        case .array(let list): return list.compactMap(\.stringValue).first { $0 != "null" }
        default: return nil
        }
    }

    static func convert(_ value: String, for name: String, schema: JSONValue) -> JSONValue {
        switch declaredType(of: name, in: schema) {
        case "integer"?:
            if let number = Int64(value), value.first != "+" { return .integer(number) }
        case "number"?:
            if let number = Double(value), number.isFinite, value.first != "+",
               value.allSatisfy({ $0.isASCII && ($0.isNumber || "-.eE".contains($0)) }) {
                return Int64(value).map(JSONValue.integer) ?? .double(number)
            }
        case "boolean"?:
            if value == "true" { return .bool(true) }
            if value == "false" { return .bool(false) }
        default:
            break
        }
        return .string(value)
    }
}
