import Foundation
import JSONRPC
import Testing

/// The JSON Lines transcript `Tests/Interop/validate_messages.py` reads: one entry per line the
/// server wrote, `{"revision", "request", "message"}`, where `request` is what the client sent
/// that the message answers (null when there is none, e.g. a parse error) and `message` is the
/// line parsed (or, when it is not JSON, the line as a string, which the validator rejects).
struct Transcript {
    private(set) var entries: [JSONValue] = []

    /// Records every line of `stdout` as answering the request of `sent` with the same id.
    mutating func record(revision: String, sent: [JSONValue], stdout: [UInt8]) {
        var requests: [String: JSONValue] = [:]
        for message in sent {
            if let id = message["id"], message["method"] != nil { requests[id.line] = message }
        }
        for line in rawLines(stdout) {
            let message = (try? JSONParser.parse(line)) ?? .string(String(decoding: line, as: UTF8.self))
            let request = message["id"].flatMap { $0 == .null ? nil : requests[$0.line] } ?? .null
            entries.append(["revision": .string(revision), "request": request, "message": message])
        }
    }

    /// Records one message the server sent in answer to (or on behalf of) `request`.
    mutating func append(revision: String, request: JSONValue?, message: JSONValue) {
        entries.append(["revision": .string(revision), "request": request ?? .null, "message": message])
    }

    var text: String { entries.map { $0.line + "\n" }.joined() }
}

/// Runs validate_messages.py (with the interop environment's python) on `transcript`, written to
/// `directory`, and expects it to pass, printing its output otherwise.
func expectValidTranscript(_ transcript: Transcript, in directory: String, allowNullErrorID: Bool = true,
                           sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let python = try await InteropEnvironment.readyPython()
    let path = directory + "/transcript.jsonl"
    try Data(transcript.text.utf8).write(to: URL(fileURLWithPath: path))
    let arguments = [InteropEnvironment.interopDirectory + "/validate_messages.py"]
        + (allowNullErrorID ? ["--allow-null-error-id"] : []) + ["-v", path]
    let run = try await Subprocess.run(python, arguments, environment: InteropEnvironment.environment(directory),
                                       timeout: .seconds(120))
    let output = run.stdoutText + run.stderr
    let shown = transcript.text.prefix(20_000)
    #expect(run.exit.termination == .exited(0),
            "validate_messages.py rejected the transcript:\n\(output)\n--- transcript ---\n\(shown)",
            sourceLocation: sourceLocation)
    #expect(output.contains("checked \(transcript.entries.count) messages"),
            "the validator did not check every message:\n\(output)", sourceLocation: sourceLocation)
    #expect(output.contains(" 0 invalid"), "\(output)", sourceLocation: sourceLocation)
}
