import Foundation
import Testing

/// The module graph the HTTP layers promise, read from the sources themselves: the HTTP server
/// knows no application, the MCP transport knows no LUStores, and the test harness stays out of
/// the executable.
@Suite struct ModuleGraphTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// The modules imported by each Swift file of `module` (`import X`, `@testable import X`,
    /// `@_exported import X`, `import struct X.Y`), by file name.
    static func imports(of module: String) throws -> [String: Set<String>] {
        let root = sources.appendingPathComponent(module)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [:] }
        var result: [String: Set<String>] = [:]
        let pattern = try Regex(#"^\s*(?:@\w+\s+)*import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?(\w+)"#)
        for case let url as URL in walker where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            var modules = Set<String>()
            for line in text.split(separator: "\n") {
                if let match = line.firstMatch(of: pattern), let name = match.output[1].substring { modules.insert(String(name)) }
            }
            result[url.lastPathComponent] = modules
        }
        return result
    }

    static let application: Set<String> = ["LUStores", "Store", "MCP", "MCPHTTP", "HTTPShim", "JSONRPC"]

    @Test func theHTTPServerImportsNothingOfTheApplication() throws {
        let files = try Self.imports(of: "HTTPServer")
        #expect(files["HTTPRequestParser.swift"] != nil && files["HTTPListener.swift"] != nil, "\(files.keys.sorted())")
        #expect(files.values.contains { $0.contains("ServerSupport") }, "the scan must see the server's real imports")
        for (file, modules) in files {
            #expect(modules.isDisjoint(with: Self.application), "\(file) imports \(modules.intersection(Self.application).sorted())")
        }
        let support = try Self.imports(of: "ServerSupport")
        #expect(!support.isEmpty)
        for (file, modules) in support {
            #expect(modules.isDisjoint(with: Self.application), "\(file) imports \(modules.intersection(Self.application).sorted())")
        }
    }

    @Test func theMCPTransportImportsNoLUStores() throws {
        let files = try Self.imports(of: "MCPHTTP")
        #expect(files["MCPEndpoint.swift"]?.contains("MCP") == true, "\(files)")
        for (file, modules) in files {
            let forbidden = modules.intersection(["LUStores", "Store", "HTTPShim"])
            #expect(forbidden.isEmpty, "\(file) imports \(forbidden.sorted())")
        }
    }

    @Test func theTestHarnessIsNotPartOfTheExecutable() throws {
        let files = try Self.imports(of: "lustores-mcp")
        #expect(files["HTTPCommand.swift"]?.contains("HTTPServer") == true, "\(files)")
        for (file, modules) in files {
            #expect(!modules.contains("HTTPServerTesting"), "\(file) imports the test harness")
        }
        for module in ["HTTPServer", "MCPHTTP", "HTTPShim"] {
            for (file, modules) in try Self.imports(of: module) {
                #expect(!modules.contains("HTTPServerTesting"), "\(module)/\(file) imports the test harness")
            }
        }
    }
}
