import Foundation
import Testing

/// TestExecution knows nothing of the store's SQL, the sales tools or MCP: it imports only the
/// toolchain and JSONRPC, and reaches a store only through `StoreChecks` and `ExecutionLog`.
@Suite struct ModuleBoundaryTests {
    static let allowedImports: Set<String> = ["Foundation", "FoundationXML", "Dispatch", "Synchronization", "Glibc", "JSONRPC", "ServerSupport"]

    @Test func testExecutionImportsOnlyTheToolchainAndJSONRPC() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        let sources = url.appendingPathComponent("Sources/TestExecution")
        let files = try #require(FileManager.default.enumerator(atPath: sources.path)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > 10)
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            let imports = text.split(separator: "\n").compactMap { line -> String? in
                let words = line.split(separator: " ")
                guard let index = words.firstIndex(of: "import"), index <= 1 else { return nil }
                return words.count > index + 1 ? String(words[index + 1]) : nil
            }
            #expect(Set(imports).isSubset(of: Self.allowedImports), "\(file) imports \(imports)")
        }
    }
}
