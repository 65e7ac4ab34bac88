import Foundation
import JSONRPC
import MCP

/// What a client command got back from one tool call.
enum ToolAnswer {
    /// The tool's result.
    case result(JSONValue)
    /// The tool's error object (`code`, `message`, `details`).
    case toolError(JSONValue)
    /// The server refused the API key (HTTP 401 or 403); the server's message.
    case refused(String)
    /// No usable answer (see ``ClientFailure``).
    case failed(ClientFailure)
}

/// How the client commands (`check`, `test`) reach the tools: in this process through the registry,
/// or a running `lustores-mcp http` through its REST routes. Either way the answers are the tools'
/// own JSON, so the commands judge them the same.
enum ToolClient: Sendable {
    case local(ToolRegistry)
    case remote(ServerAddress, token: String?)

    /// The client `options` ask for: remote with `--url` (the key from `--token-file`, else
    /// `LUSTORES_TOKEN`), else nil (the caller opens the store and uses ``local(_:)``).
    static func remote(_ options: ClientOptions, environment: [String: String]) throws(ClientFailure) -> ToolClient? {
        guard let url = options.url else { return nil }
        let address = try ServerAddress(parsing: url)
        var token: String?
        if let path = options.tokenFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .configuration("--token-file \(path) cannot be read")
            }
            let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first
            token = line.map { $0.trimmingCharacters(in: .whitespaces) }
            guard token?.isEmpty == false else { throw .configuration("--token-file \(path) holds no key on its first line") }
        } else if let value = environment["LUSTORES_TOKEN"], !value.isEmpty {
            token = value
        }
        return .remote(address, token: token)
    }

    /// Calls `tool`; a remote call waits at most `timeout` for its answer.
    func call(_ tool: String, _ arguments: JSONObject = JSONObject(), timeout: Duration) async -> ToolAnswer {
        switch self {
        case .local(let registry):
            guard let found = registry[tool] else { return .failed(.configuration("no tool \(tool) in this server")) }
            let context = ToolContext(requestID: nil, revision: ProtocolRevision.allCases.last!)
            switch await registry.call(found, arguments: arguments, context: context) {
            case .success(let value), .started(let value, _): return .result(value)
            case .failure(let error): return .toolError(error.json["error"] ?? error.json)
            }
        case .remote(let address, let token):
            return await remoteCall(address, token: token, tool, arguments, timeout: timeout)
        }
    }

    /// The REST twin of each tool the client commands call.
    private func remoteCall(_ address: ServerAddress, token: String?, _ tool: String, _ arguments: JSONObject,
                            timeout: Duration) async -> ToolAnswer {
        var headers: [(String, String)] = []
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let method: String
        var path: String
        var body: [UInt8] = []
        switch tool {
        case "get_status":
            (method, path) = ("GET", "/api/mcp/status")
        case "run_tests":
            (method, path) = ("POST", "/api/mcp/test")
            body = JSONWriter.bytes(.object(arguments))
            headers.append(("Content-Type", "application/json"))
        case "get_test_result":
            let id = arguments["execution_id"]?.stringValue ?? ""
            (method, path) = ("GET", "/api/mcp/test/" + Self.percentEncoded(id))
            if let wait = arguments["wait_seconds"]?.integerValue { path += "?wait_seconds=\(wait)" }
        default:
            return .failed(.configuration("no REST route for \(tool)"))
        }
        let response: HTTPClientResponse
        switch await HTTPClient.exchange(address, method: method, path: path, headers: headers, body: body, timeout: timeout) {
        case .success(let answer): response = answer
        case .failure(let failure): return .failed(failure)
        }
        let json = try? JSONParser.parse(response.body)
        let error = json?["error"]
        if response.status == 401 || response.status == 403 {
            return .refused(error?["message"]?.stringValue ?? "HTTP \(response.status)")
        }
        if (200..<300).contains(response.status), let json, error == nil { return .result(json) }
        if let error, error["code"] != nil { return .toolError(error) }
        return .failed(.unreachable("\(address) answered HTTP \(response.status), not a LUStores answer"))
    }

    /// Unreserved characters as they are; every other byte as `%XX`.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}
