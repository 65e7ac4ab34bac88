import Foundation
import Testing

/// The repository must stand on its own: no file may send a reader to a document it does not
/// contain — a design note or protocol digest kept elsewhere, a numbered issue of a tracker, a
/// sibling folder of the checkout, a machine's absolute paths, or a test count that goes stale.
@Suite("The repository points at nothing it does not contain")
struct SelfContainedDocumentsTests {
    /// What gives such a pointer away. Each pattern is built from pieces so that this file does
    /// not match itself.
    static let forbidden: [(pattern: String, why: String)] = [
        ("DESIGN" + #"(\.md|\s*§)"#, "a design document kept outside the repository"),
        ("digest" + #"\s*§"#, "a protocol digest kept outside the repository"),
        (#"\b[Ii]ssues?\s+#?[0-9]"#, "a numbered issue of a tracker"),
        (#"\b[Tt]he "# + #"kit(?![A-Za-z])"#, "a benchmark kit outside the repository (say what it is, and take its path as an argument)"),
        (#"\.\./"# + "shared", "a folder beside the checkout"),
        ("/" + "work/", "an absolute path of one machine"),
        ("shared/" + #"(bench|mcp-schema|docs)"#, "a folder beside the checkout"),
        (#"\b[0-9][0-9,]* test functions\b"#, "a test count, which goes stale"),
        (#"\([0-9][0-9,]* tests\b"#, "a test count, which goes stale"),
        (#"\b[0-9][0-9,]* tests (pass|passed|in total|with main)\b"#, "a test count, which goes stale"),
    ]

    /// The folders and files a reader of the repository sees, relative to its root.
    static let scanned = ["Sources", "Tests", "schemas", ".ci", "README.md", "Package.swift"]

    static let repositoryRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// Every text file under `scanned`, as a path relative to the root.
    static func textFiles() -> [String] {
        let manager = FileManager.default
        var files: [String] = []
        for entry in scanned {
            let url = repositoryRoot.appendingPathComponent(entry)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
            guard isDirectory.boolValue else { files.append(entry); continue }
            guard let walker = manager.enumerator(atPath: url.path) else { continue }
            while let relative = walker.nextObject() as? String {
                let path = entry + "/" + relative
                var isFolder: ObjCBool = false
                if manager.fileExists(atPath: repositoryRoot.appendingPathComponent(path).path, isDirectory: &isFolder),
                   !isFolder.boolValue {
                    files.append(path)
                }
            }
        }
        return files.sorted()
    }

    @Test("the scan sees the sources, the tests, the schemas, CI and the README")
    func scanCoversTheRepository() {
        let files = Self.textFiles()
        for expected in ["README.md", "Package.swift", ".ci/run", "schemas/openapi.json",
                         "Tests/RepositoryTests/SelfContainedDocumentsTests.swift"] {
            #expect(files.contains(expected), "the scan missed \(expected)")
        }
        #expect(files.contains { $0.hasPrefix("Sources/") && $0.hasSuffix(".swift") })
        #expect(files.contains { $0.hasSuffix(".md") && $0.contains(".docc/") })
    }

    @Test("each pattern catches what it is for")
    func patternsMatchWhatTheyForbid() throws {
        let examples = [
            "see DESIGN " + "§4", "DESIGN" + ".md section 3", "the digest " + "§10.3", "the defaults of issue " + "5",
            "the " + "kit's schema", "../" + "shared/" + "bench", "/" + "work/main", "shared/" + "mcp-schema",
            "52 test " + "functions", "the whole package (327 " + "tests with main merged)",
        ]
        for example in examples {
            let caught = try Self.forbidden.contains { try Regex($0.pattern).firstMatch(in: example) != nil }
            #expect(caught, "no pattern catches \"\(example)\"")
        }
        let allowed = ["Executed 3 tests, with 1 failure", "failed after 0.001 seconds with 1 issue.",
                       "recorded an issue", "10 tests in 2 suites passed", "the benchmark harness"]
        for text in allowed {
            let caught = try Self.forbidden.contains { try Regex($0.pattern).firstMatch(in: text) != nil }
            #expect(!caught, "a pattern wrongly catches \"\(text)\"")
        }
    }

    @Test("no file points at a document outside the repository")
    func noPointerLeavesTheRepository() throws {
        let patterns = try Self.forbidden.map { (regex: try Regex($0.pattern), why: $0.why) }
        var findings: [String] = []
        for path in Self.textFiles() {
            guard let data = FileManager.default.contents(atPath: Self.repositoryRoot.appendingPathComponent(path).path),
                  let text = String(data: data, encoding: .utf8) else { continue }  // binary fuzz seeds
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                for pattern in patterns {
                    if let match = line.firstMatch(of: pattern.regex) {
                        findings.append("\(path):\(index + 1): \"\(line[match.range])\" points outside the repository (\(pattern.why))")
                    }
                }
            }
        }
        for finding in findings {
            Issue.record("\(finding)")
        }
    }
}
