import Foundation
import Testing

/// The CI scripts' output must survive being sent to a log file (CI may run `.ci/run > log 2>&1`).
@Suite("CI scripts keep their log")
struct CIScriptTests {
    /// `tee /dev/stderr` (or stdout, or `/dev/fd/N`) opens the log again with truncation: when
    /// stderr is a file, everything written before it — the whole test run — became NUL bytes.
    @Test("no script reopens its own output by path without appending")
    func noScriptTruncatesItsOwnLog() throws {
        let reopening = try Regex(#"\btee\s+(?!-a\b)[^|;]*/dev/(stdout|stderr|fd/)"#)
        let scripts = SelfContainedDocumentsTests.textFiles().filter { $0.hasPrefix(".ci/") || $0.hasSuffix(".sh") }
        #expect(scripts.contains(".ci/docs"))
        for path in scripts {
            let text = try String(contentsOf: SelfContainedDocumentsTests.repositoryRoot.appendingPathComponent(path), encoding: .utf8)
            for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                #expect(!line.contains(reopening), "\(path): \(line)")
            }
        }
    }
}
