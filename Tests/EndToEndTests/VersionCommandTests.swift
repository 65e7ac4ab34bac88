import Foundation
import Testing

/// The built `lustores-mcp` binary, beside the test bundle.
func productBinary() -> URL {
    var directory = Bundle.main.bundleURL
    for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
        directory = bundle.bundleURL.deletingLastPathComponent()
    }
    let candidate = directory.appendingPathComponent("lustores-mcp")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lustores-mcp")
}

@Suite struct VersionCommandTests {
    @Test func versionPrintsTheServerName() throws {
        let process = Process()
        process.executableURL = productBinary()
        process.arguments = ["--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(output.hasPrefix("lustores-mcp "))
    }
}
