import Foundation
import HTTPServer
import JSONRPC

/// The 2026-07-28 rule that the standard headers repeat the body (`MCP-Protocol-Version`,
/// `Mcp-Method`, `Mcp-Name`, `Mcp-Param-*`): values are trimmed, `=?base64?…?=` values decoded,
/// and any difference is -32020.
enum MCPHeaderCheck {
    /// -32020: the headers do not match the body.
    static let headerMismatchCode = -32020

    static func mismatch(_ detail: String, header: String) -> JSONRPCError {
        JSONRPCError(code: headerMismatchCode, message: "Header mismatch: \(detail)",
                     data: .object(JSONObject([("header", .string(header))])))
    }

    /// The header's value as the client meant it: trimmed, base64 sentinel decoded; nil if the
    /// sentinel is malformed.
    static func decoded(_ raw: String) -> String? {
        let value = raw.trimmingSpaces()
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="), value.count >= 11 else { return value }
        let encoded = String(value.dropFirst(9).dropLast(2))
        guard encoded.utf8.count % 4 == 0,
              encoded.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/" || $0 == "=") }),
              let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else { return nil }
        return text
    }

    /// Checks a 2026-07-28 request's headers against its body; nil when they agree.
    static func check(_ request: HTTPRequest, method: String, params: JSONObject, version: String) -> JSONRPCError? {
        guard let header = request.header("mcp-protocol-version").flatMap(decoded), header == version else {
            return mismatch("MCP-Protocol-Version must equal _meta protocolVersion", header: "MCP-Protocol-Version")
        }
        guard let methodHeader = request.header("mcp-method").flatMap(decoded), methodHeader == method else {
            return mismatch("Mcp-Method must equal the body's method", header: "Mcp-Method")
        }
        let nameField: String? = switch method {
        case "tools/call", "prompts/get": "name"
        case "resources/read": "uri"
        default: nil
        }
        if let nameField, let expected = params[nameField]?.stringValue {
            guard let name = request.header("mcp-name").flatMap(decoded), name == expected else {
                return mismatch("Mcp-Name must equal params.\(nameField)", header: "Mcp-Name")
            }
        }
        // No tool of this server declares x-mcp-header parameters, so any Mcp-Param-* is extra.
        if let extra = request.headers.first(where: { $0.name.hasPrefix("mcp-param-") }) {
            return mismatch("unexpected \(extra.name)", header: extra.name)
        }
        return nil
    }
}
