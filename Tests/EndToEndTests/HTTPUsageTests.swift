import Foundation
import Testing

/// The built `lustores-mcp` binary, beside the test bundle.
func httpShimBinary() -> URL {
    var directory = Bundle.main.bundleURL
    for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
        directory = bundle.bundleURL.deletingLastPathComponent()
    }
    let candidate = directory.appendingPathComponent("lustores-mcp")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lustores-mcp")
}

@Suite struct HTTPUsageTests {
    @Test func helpNamesTheHTTPCommand() throws {
        let process = Process()
        process.executableURL = httpShimBinary()
        process.arguments = ["--help"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(output.contains("lustores-mcp http [--host H] [--port P] [--insecure-no-auth]"))
    }
}
