// libFuzzer target for the JSON-RPC layer and the MCP engine of lustores-mcp.
//
// One input is a byte stream as a client would write it to stdin. It is framed by `LineFramer`
// (fed in chunks whose boundaries are derived from the input), every line goes through one
// `MCPServer` with one `SessionState` kept across the lines of the input, `.work` closures and
// batches are run to completion, and the invariants below are checked; a violation prints what
// broke to stderr and calls `abort()`, which libFuzzer reports as a crash.
//
// Built with `-DFUZZING` it only exports `LLVMFuzzerTestOneInput` (libFuzzer supplies `main`);
// built without it, it is a plain executable that replays the files named on its command line.
// See README.md and run.sh.

import Dispatch
import JSONRPC
import MCP
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// MARK: - Configuration

/// Longest line the framer accepts (the real transport uses 1 MiB; small here so oversized
/// lines are reachable within libFuzzer's -max_len).
let maximumLineBytes = 4096

let sampleToolName = "sample_stock"
let statusToolName = "get_status"

/// What the sample tool returns whenever its arguments are valid.
let sampleResult: JSONValue = ["sampled": 3, "ratio": 0.25, "items": ["A-100", "B-200", "\u{00e9}\u{1F600}"], "ok": true]
/// What the status tool returns (as a tool error) whenever its arguments are valid.
let statusFailure = ToolError(.unavailable, "down for maintenance", details: JSONObject([("retryAfterSeconds", 30)]),
                              timestamp: "2025-06-09T10:30:00Z")

let sampleSchema: JSONValue = [
    "type": "object",
    "properties": [
        "count": ["type": "integer", "minimum": 1, "maximum": 100, "description": "How many items"],
        "mode": ["type": "string", "enum": ["fast", "thorough"]],
        "verbose": ["type": "boolean"],
        "filter": [
            "type": "object",
            "properties": [
                "depth": ["type": "integer", "minimum": 0, "maximum": 5],
                "label": ["type": "string", "minLength": 1, "maxLength": 16],
            ],
            "required": ["depth"],
            "additionalProperties": false,
        ],
        "tags": ["type": "array", "items": ["type": "string", "maxLength": 8], "maxItems": 4],
    ],
    "required": ["count"],
    "additionalProperties": false,
]

let statusSchema: JSONValue = [
    "type": "object",
    "properties": ["detail": ["type": "string", "enum": ["brief", "full"]]],
    "additionalProperties": false,
]

let server: MCPServer = {
    let sample = Tool(
        name: sampleToolName, title: "Sample stock", description: "Samples items from the stock table.",
        inputSchema: sampleSchema,
        outputSchema: ["type": "object", "properties": ["sampled": ["type": "integer"]]],
        annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true)
    ) { arguments, context in
        // The registry promises a handler only ever sees arguments that satisfy its schema.
        if !independentlyValidSample(arguments) {
            violation("sample_stock handler received arguments that break its schema: \(JSONWriter.string(.object(arguments)))")
        }
        context.reportProgress(0.5, total: 1, message: "half way")
        context.reportProgress(0.25)  // not increasing: must not be sent
        context.log(.info, .object(arguments), logger: "fuzz")
        context.reportProgress(1, total: 1)
        return .success(sampleResult)
    }
    let status = Tool(
        name: statusToolName, title: "Status", description: "Reports the system status.",
        inputSchema: statusSchema, outputSchema: nil,
        annotations: ToolAnnotations(readOnlyHint: false, destructiveHint: true, idempotentHint: false)
    ) { arguments, context in
        if !independentlyValidStatus(arguments) {
            violation("get_status handler received arguments that break its schema: \(JSONWriter.string(.object(arguments)))")
        }
        context.log(.warning, "maintenance")
        return .failure(statusFailure)
    }
    let registry = ToolRegistry([sample, status]) { violation in
        ToolError(.invalidRequest, violation.description, details: JSONObject([("field", .string(violation.path))]))
    }
    return MCPServer(
        implementation: Implementation(name: "fuzz-server", version: "0.0.1", title: "Fuzz", description: "Fuzzing"),
        instructions: "Fuzz instructions\nwith a newline", registry: registry, toolsPageSize: 1)
}()

// MARK: - Entry point

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = UnsafeBufferPointer(start: data, count: size)

    // 1. JSONParser on the raw input: whatever it accepts must survive a write/parse round trip.
    if let value = try? JSONParser.parse(input) {
        checkRoundTrip(value, what: "raw input")
    }

    // 2. LineFramer: chunked feeding must give exactly the frames of a one-shot reference split.
    let frames = frame(input)
    let expected = referenceFrames(input)
    if frames != expected {
        violation("LineFramer frames depend on chunking: got \(frames.count) frames, expected \(expected.count)")
    }

    // 3. The engine, line by line, with one session per input.
    var session = SessionState()
    for frame in frames {
        switch frame {
        case .oversized(let byteCount):
            if byteCount <= maximumLineBytes { violation("oversized frame of \(byteCount) bytes") }
            // What the stdio transport answers.
            let error = JSONRPCError.invalidRequest("message of \(byteCount) bytes exceeds the limit")
            checkAnswer(JSONRPCMessage.errorJSON(id: nil, error: error), expectedID: nil, context: "oversized")
        case .line(let line):
            if line.count > maximumLineBytes || line.contains(0x0A) { violation("framer delivered a bad line") }
            handleLine(line, session: &session)
        }
    }
    return 0
}

// MARK: - Framing

/// Frames `input` through `LineFramer` in up to four chunks, each copied to its own exact-size
/// allocation (so AddressSanitizer sees any read past a chunk).
func frame(_ input: UnsafeBufferPointer<UInt8>) -> [LineFramer.Frame] {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in input { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    var cuts: [Int] = []
    if input.count > 0 {
        let pieces = Int(hash % 4)
        var bits = hash >> 2
        for _ in 0..<pieces {
            cuts.append(Int(bits % UInt64(input.count + 1)))
            bits = bits.multipliedFullWidth(by: 0x9E37_79B9_7F4A_7C15).low ^ (bits >> 29)
        }
    }
    cuts.append(contentsOf: [0, input.count])
    cuts.sort()

    var framer = LineFramer(maximumLineBytes: maximumLineBytes)
    var frames: [LineFramer.Frame] = []
    for index in 0..<(cuts.count - 1) {
        let start = cuts[index], end = cuts[index + 1]
        let count = end - start
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { chunk.deallocate() }
        if count > 0 { chunk.copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(input)[start..<end])) }
        framer.append(UnsafeRawBufferPointer(chunk)) { frames.append($0) }
    }
    framer.finish { frames.append($0) }
    return frames
}

/// The frames LineFramer documents, computed on the whole input at once.
func referenceFrames(_ input: UnsafeBufferPointer<UInt8>) -> [LineFramer.Frame] {
    var frames: [LineFramer.Frame] = []
    var segments = input.split(separator: 0x0A, omittingEmptySubsequences: false)
    if segments.last?.isEmpty == true { segments.removeLast() }  // nothing after the last newline
    for segment in segments {
        if segment.count > maximumLineBytes {
            frames.append(.oversized(byteCount: segment.count))
            continue
        }
        var line = Array(segment)
        if line.last == 0x0D { line.removeLast() }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
        frames.append(.line(line))
    }
    return frames
}

// MARK: - One line

/// The parts of a session the invariants look at.
struct SessionSnapshot: Equatable {
    var revision: ProtocolRevision?
    var logLevel: LogLevel?
    var initializedNotificationReceived: Bool

    init(_ session: SessionState) {
        revision = session.revision
        logLevel = session.logLevel
        initializedNotificationReceived = session.initializedNotificationReceived
    }
}

func handleLine(_ line: [UInt8], session: inout SessionState) {
    let parsed = try? JSONParser.parse(line)
    if let parsed { checkRoundTrip(parsed, what: "line") }
    let before = SessionSnapshot(session)
    let disposition = server.receive(line: line, session: &session)
    let after = SessionSnapshot(session)

    guard let parsed else {
        // Not JSON: exactly one parse error with a null id.
        guard case .reply(let answer) = disposition else { violation("unparseable line not answered with a reply") }
        checkAnswer(answer, expectedID: .null, context: "parse error")
        guard answer["error"]?["code"] == .integer(-32700) else { violation("unparseable line answered without -32700") }
        if after != before { violation("unparseable line changed the session") }
        return
    }

    checkSessionChange(before: before, after: after, message: parsed, disposition: disposition)

    if case .array(let elements) = parsed {
        guard case .batch(let dispositions) = disposition else {
            // Refused batch: one error reply, id null.
            guard case .reply(let answer) = disposition else { violation("refused batch not answered with a reply") }
            checkAnswer(answer, expectedID: .null, context: "refused batch")
            if before.revision == .v2025_03_26 && !elements.isEmpty { violation("batch refused on 2025-03-26") }
            return
        }
        if before.revision != .v2025_03_26 { violation("batch accepted on \(before.revision?.rawValue ?? "no revision")") }
        if dispositions.count != elements.count { violation("batch of \(elements.count) gave \(dispositions.count) dispositions") }
        for (element, disposition) in zip(elements, dispositions) {
            if case .batch = disposition { violation("nested batch disposition") }
            check(disposition, for: element, logLevel: nil, runWork: false)
        }
        let sink = NotificationSink()
        let answer = runBlocking { await Disposition.runBatch(dispositions, sink: sink.send) }
        let answering = zip(elements, dispositions).filter { _, disposition in
            switch disposition {
            case .reply, .work: return true
            default: return false
            }
        }
        guard let answer else {
            if !answering.isEmpty { violation("batch with \(answering.count) answers produced none") }
            return
        }
        checkWire(answer, context: "batch answer")
        guard case .array(let answers) = answer, answers.count == answering.count else {
            violation("batch answer is not an array of \(answering.count) answers: \(JSONWriter.string(answer))")
        }
        for ((element, disposition), answer) in zip(answering, answers) {
            checkAnswer(answer, expectedID: expectedID(of: element), context: "batch element")
            if case .work = disposition { checkToolResult(answer, request: element) }
        }
        for notification in sink.messages { checkNotification(notification, request: nil, logLevel: nil) }
        return
    }

    // Which log level applies to a tool call on this line.
    var logLevel: LogLevel?? = .some(before.logLevel)
    if let meta = parsed["params"]?["_meta"]?.objectValue, meta["io.modelcontextprotocol/protocolVersion"] != nil {
        logLevel = .some(meta["io.modelcontextprotocol/logLevel"]?.stringValue.flatMap(LogLevel.init(rawValue:)))
    }
    check(disposition, for: parsed, logLevel: logLevel, runWork: true)
}

/// The id an answer to `message` must carry: its id when it is a string or a whole number (as
/// JSON Schema counts them: `1.0` is the integer 1), else nil (`null` when the id was unreadable).
func expectedID(of message: JSONValue) -> JSONValue? {
    guard let id = message["id"] else { return nil }
    if case .string = id { return id }
    return id.integerValue.map { .integer($0) }
}

/// Whether `message` is a well-formed JSON-RPC request / notification.
func isWellFormedCall(_ message: JSONValue) -> (request: Bool, notification: Bool) {
    guard case .object(let object) = message, object["jsonrpc"] == "2.0", case .string? = object["method"] else {
        return (false, false)
    }
    switch object["params"] {
    case nil, .object?, .array?: break
    default: return (false, false)
    }
    guard let id = object["id"] else { return (false, true) }
    if case .string = id { return (true, false) }
    return id.integerValue == nil ? (false, false) : (true, false)
}

/// Checks one disposition against the message it answers; runs `.work` when `runWork`.
func check(_ disposition: Disposition, for message: JSONValue, logLevel: LogLevel??, runWork: Bool) {
    let expected = expectedID(of: message)
    let kind = isWellFormedCall(message)
    switch disposition {
    case .none:
        if kind.request { violation("request got no answer: \(JSONWriter.string(message))") }
    case .cancel:
        if !kind.notification || message["method"] != "notifications/cancelled" {
            violation("cancel from something other than notifications/cancelled: \(JSONWriter.string(message))")
        }
    case .reply(let answer):
        if kind.notification { violation("notification answered: \(JSONWriter.string(message))") }
        checkAnswer(answer, expectedID: expected, context: "reply")
    case .work(let requestID, let work):
        guard kind.request, message["method"] == "tools/call" else {
            violation("work for something other than a tools/call request: \(JSONWriter.string(message))")
        }
        if requestID?.json != expected { violation("work registered under the wrong id") }
        guard runWork else { return }
        let sink = NotificationSink()
        guard let answer = runBlocking({ await work(sink.send) }) else { violation("uncancelled work returned nil") }
        checkAnswer(answer, expectedID: expected, context: "work answer")
        checkToolResult(answer, request: message)
        for notification in sink.messages { checkNotification(notification, request: message, logLevel: logLevel) }
        checkProgressOrder(sink.messages)
    case .batch:
        violation("batch disposition for a non-array message")
    }
}

// MARK: - Invariants

func checkSessionChange(before: SessionSnapshot, after: SessionSnapshot, message: JSONValue, disposition: Disposition) {
    guard before != after else { return }
    func mentions(_ method: String) -> Bool {
        if message["method"] == .string(method) { return true }
        if case .array(let elements) = message { return elements.contains { $0["method"] == .string(method) } }
        return false
    }
    if before.revision != after.revision {
        guard before.revision == nil, let revision = after.revision, !revision.isStateless else {
            violation("revision changed from \(before.revision?.rawValue ?? "nil") to \(after.revision?.rawValue ?? "nil")")
        }
        guard case .object = message, message["method"] == "initialize",
              case .reply(let answer) = disposition,
              answer["result"]?["protocolVersion"] == .string(revision.rawValue)
        else { violation("session initialized by something other than an answered initialize") }
    }
    if before.logLevel != after.logLevel, !mentions("logging/setLevel") {
        violation("log level changed without logging/setLevel")
    }
    if before.initializedNotificationReceived != after.initializedNotificationReceived {
        guard !before.initializedNotificationReceived, after.revision != nil, mentions("notifications/initialized") else {
            violation("initialized flag changed wrongly")
        }
    }
}

/// Serialises as one line of valid UTF-8 and reads back as the same value.
func checkWire(_ value: JSONValue, context: String) {
    let bytes = JSONWriter.bytes(value)
    if bytes.contains(where: { $0 < 0x20 }) { violation("\(context): written JSON contains a control byte") }
    if String(validating: bytes, as: UTF8.self) == nil { violation("\(context): written JSON is not UTF-8") }
    let reparsed: JSONValue
    do {
        reparsed = try JSONParser.parse(bytes)
    } catch {
        violation("\(context): written JSON does not parse (\(error)): \(String(decoding: bytes, as: UTF8.self))")
    }
    if reparsed != value { violation("\(context): written JSON reads back differently: \(String(decoding: bytes, as: UTF8.self))") }
}

func checkRoundTrip(_ value: JSONValue, what: String) {
    let bytes = JSONWriter.bytes(value)
    if bytes.contains(0x0A) { violation("\(what): written JSON contains a newline") }
    guard let reparsed = try? JSONParser.parse(bytes) else {
        violation("\(what): written JSON does not parse: \(String(decoding: bytes, as: UTF8.self))")
    }
    if reparsed != value {
        violation("\(what): JSON does not round-trip: wrote \(String(decoding: bytes, as: UTF8.self))")
    }
}

/// A JSON-RPC 2.0 response: "jsonrpc":"2.0", an id (the request's when readable), and exactly
/// one of a result or a well-formed error.
func checkAnswer(_ answer: JSONValue, expectedID: JSONValue?, context: String) {
    checkWire(answer, context: context)
    let text = { JSONWriter.string(answer) }
    guard case .object(let object) = answer else { violation("\(context): answer is not an object: \(text())") }
    guard object["jsonrpc"] == "2.0" else { violation("\(context): answer without \"jsonrpc\":\"2.0\": \(text())") }
    guard let id = object["id"] else { violation("\(context): answer without an id: \(text())") }
    switch id {
    case .null, .string, .integer: break
    default: violation("\(context): answer id is not a string, integer or null: \(text())")
    }
    if let expectedID, JSONWriter.bytes(id) != JSONWriter.bytes(expectedID) {
        violation("\(context): answer id \(JSONWriter.string(id)) but request id \(JSONWriter.string(expectedID))")
    }
    switch (object["result"], object["error"]) {
    case (.some(.object), nil): break
    case (nil, .some(.object(let error))):
        guard case .integer? = error["code"], case .string? = error["message"] else {
            violation("\(context): malformed error object: \(text())")
        }
    default: violation("\(context): answer needs exactly one of an object result or error: \(text())")
    }
}

/// The answer to a tools/call: a CallToolResult whose text block is the handler's fixed result
/// when the arguments were valid, the invalid-arguments object otherwise.
func checkToolResult(_ answer: JSONValue, request: JSONValue) {
    guard let result = answer["result"]?.objectValue else { violation("tools/call work answered without a result") }
    guard case .bool(let isError)? = result["isError"],
          case .array(let content)? = result["content"], content.count == 1,
          content[0]["type"] == "text", let text = content[0]["text"]?.stringValue,
          let shown = try? JSONParser.parse(text)
    else { violation("malformed CallToolResult: \(JSONWriter.string(answer))") }
    if let structured = result["structuredContent"], structured != shown {
        violation("structuredContent differs from the text block")
    }
    let params = request["params"]
    let arguments: JSONObject
    switch params?["arguments"] {
    case nil, .null?: arguments = JSONObject()
    case .object(let object)?: arguments = object
    default: violation("work for a tools/call with non-object arguments")
    }
    let name = params?["name"]
    let valid: Bool
    let success: JSONValue
    if name == .string(sampleToolName) {
        valid = independentlyValidSample(arguments)
        success = sampleResult
    } else if name == .string(statusToolName) {
        valid = independentlyValidStatus(arguments)
        success = statusFailure.json
    } else {
        violation("work for an unknown tool")
    }
    if valid {
        if shown != success {
            violation("valid arguments \(JSONWriter.string(.object(arguments))) rejected: \(JSONWriter.string(answer))")
        }
        if isError != (name == .string(statusToolName)) { violation("wrong isError for valid arguments") }
    } else {
        if !isError || shown["error"]?["code"] != "MCP_INVALID_REQUEST" {
            violation("invalid arguments \(JSONWriter.string(.object(arguments))) accepted: \(JSONWriter.string(answer))")
        }
    }
}

/// A notification from a tool: one line, "jsonrpc":"2.0", no id; progress only with the
/// request's token, log messages only at or above the requested level.
func checkNotification(_ notification: JSONValue, request: JSONValue?, logLevel: LogLevel??) {
    checkWire(notification, context: "notification")
    guard case .object(let object) = notification, object["jsonrpc"] == "2.0", object["id"] == nil,
          let method = object["method"]?.stringValue, let params = object["params"]?.objectValue
    else { violation("malformed notification: \(JSONWriter.string(notification))") }
    switch method {
    case "notifications/progress":
        guard let token = params["progressToken"], case .double? = params["progress"] else {
            violation("malformed progress notification")
        }
        if let request {
            // A whole number written `90.0` is the integer 90 (JSON Schema's view), echoed as `90`.
            guard let sent = request["params"]?["_meta"]?["progressToken"].flatMap(RequestID.init),
                  sent == RequestID(token)
            else { violation("progress sent without the request's progressToken: \(JSONWriter.string(notification))") }
        }
    case "notifications/message":
        guard let name = params["level"]?.stringValue, let level = LogLevel(rawValue: name) else {
            violation("log notification without a level")
        }
        if case .some(let requested) = logLevel {
            guard let requested, level >= requested else {
                violation("log message at \(name) sent when the client asked for \(requested?.rawValue ?? "none")")
            }
        }
    default:
        violation("unexpected notification \(method)")
    }
}

func checkProgressOrder(_ notifications: [JSONValue]) {
    var last = -Double.infinity
    for notification in notifications where notification["method"] == "notifications/progress" {
        guard let progress = notification["params"]?["progress"]?.doubleValue, progress > last else {
            violation("progress not strictly increasing")
        }
        last = progress
    }
}

// MARK: - Independent argument checks (JSON Schema semantics, written without SchemaValidator)

/// Members by exact UTF-8 key, the last of a repeated key winning.
func members(_ object: JSONObject) -> [[UInt8]: JSONValue] {
    var result: [[UInt8]: JSONValue] = [:]
    for member in object.members { result[Array(member.key.utf8)] = member.value }
    return result
}

func isInteger(_ value: JSONValue, in range: ClosedRange<Double>) -> Bool {
    switch value {
    case .integer(let number): return range.contains(Double(number))
    case .double(let number): return number.rounded(.towardZero) == number && range.contains(number)
    default: return false
    }
}

func isString(_ value: JSONValue, oneOf allowed: [String]) -> Bool {
    guard case .string(let text) = value else { return false }
    return allowed.contains { Array($0.utf8) == Array(text.utf8) }
}

func isString(_ value: JSONValue, scalars range: ClosedRange<Int>) -> Bool {
    guard case .string(let text) = value else { return false }
    return range.contains(text.unicodeScalars.count)
}

func independentlyValidSample(_ arguments: JSONObject) -> Bool {
    let fields = members(arguments)
    let known: Set<[UInt8]> = Set(["count", "mode", "verbose", "filter", "tags"].map { Array($0.utf8) })
    guard fields.keys.allSatisfy(known.contains) else { return false }
    guard let count = fields[Array("count".utf8)], isInteger(count, in: 1...100) else { return false }
    if let mode = fields[Array("mode".utf8)], !isString(mode, oneOf: ["fast", "thorough"]) { return false }
    if let verbose = fields[Array("verbose".utf8)] {
        guard case .bool = verbose else { return false }
    }
    if let filter = fields[Array("filter".utf8)] {
        guard case .object(let object) = filter else { return false }
        let inner = members(object)
        let innerKnown: Set<[UInt8]> = [Array("depth".utf8), Array("label".utf8)]
        guard inner.keys.allSatisfy(innerKnown.contains) else { return false }
        guard let depth = inner[Array("depth".utf8)], isInteger(depth, in: 0...5) else { return false }
        if let label = inner[Array("label".utf8)], !isString(label, scalars: 1...16) { return false }
    }
    if let tags = fields[Array("tags".utf8)] {
        guard case .array(let elements) = tags, elements.count <= 4 else { return false }
        guard elements.allSatisfy({ isString($0, scalars: 0...8) }) else { return false }
    }
    return true
}

func independentlyValidStatus(_ arguments: JSONObject) -> Bool {
    let fields = members(arguments)
    guard fields.keys.allSatisfy({ $0 == Array("detail".utf8) }) else { return false }
    if let detail = fields[Array("detail".utf8)], !isString(detail, oneOf: ["brief", "full"]) { return false }
    return true
}

// MARK: - Helpers

/// Collects what a tool sends besides its answer.
final class NotificationSink: Sendable {
    private let state = Mutex<[JSONValue]>([])
    var send: MessageSink { { [self] message in self.state.withLock { $0.append(message) } } }
    var messages: [JSONValue] { state.withLock { $0 } }
}

final class ResultBox<Value: Sendable>: Sendable {
    private let state = Mutex<Value?>(nil)
    var value: Value? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}

/// Runs an async closure to completion from synchronous code (acceptable in a fuzz harness:
/// the closure never waits on this thread).
func runBlocking<Value: Sendable>(_ body: @escaping @Sendable () async -> Value) -> Value {
    let box = ResultBox<Value>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value!
}

func violation(_ message: String) -> Never {
    printError("FUZZ INVARIANT VIOLATED: \(message)")
    abort()
}

/// Writes one line to stderr (the C `stderr` global is off limits in Swift 6 mode).
func printError(_ message: String) {
    var bytes = Array((message + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
        if written <= 0 { return }
        offset += written
    }
}

// MARK: - Replay mode

#if !FUZZING
@main
enum Replay {
    static func main() {
        let paths = CommandLine.arguments.dropFirst()
        if paths.isEmpty {
            printError("usage: \(CommandLine.arguments[0]) FILE...\n  runs each file through the fuzz target once")
            exit(2)
        }
        for path in paths {
            guard let bytes = readFile(path) else {
                printError("cannot read \(path)")
                exit(1)
            }
            bytes.withUnsafeBufferPointer { buffer in
                // A pointer is needed even for an empty file.
                let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
                _ = fuzz(base, buffer.count)
            }
            print("ok \(path) (\(bytes.count) bytes)")
        }
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count { break }
        }
        return ferror(file) == 0 ? bytes : nil
    }
}
#endif
