// libFuzzer target for the HTTP/1.1 request parser of lustores-mcp (the HTTPServer module).
//
// One input is the byte stream a client writes to a connection. It is parsed twice — whole, and
// in pieces whose sizes come from the input — and the invariants below are checked; a violation
// prints what broke and calls `abort()`, which libFuzzer reports as a crash.
//
// Built with `-DFUZZING` it only exports `LLVMFuzzerTestOneInput`; without it, it replays the
// files named on its command line. See README.md and run.sh.

import HTTPServer
#if canImport(Glibc)
import Glibc
#endif

/// Small limits, so every limit is reachable within -max_len.
let fuzzLimits: HTTPLimits = {
    var limits = HTTPLimits()
    limits.maxRequestLineBytes = 256
    limits.maxHeaderBytes = 512
    limits.maxHeaderCount = 8
    limits.maxBodyBytes = 1024
    return limits
}()

func violated(_ what: String) -> Never {
    printError("FUZZ INVARIANT VIOLATED: \(what)")
    abort()
}

/// Writes one line to stderr (the C `stderr` global is off limits in Swift 6 mode).
func printError(_ message: String) {
    let bytes = Array((message + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
        if written <= 0 { return }
        offset += written
    }
}

/// Parses `pieces` in order and returns every result up to the first error.
func parse(_ pieces: [ArraySlice<UInt8>]) -> [HTTPRequestParser.Result] {
    var parser = HTTPRequestParser(limits: fuzzLimits)
    var results: [HTTPRequestParser.Result] = []
    for piece in pieces {
        parser.append(piece)
        while true {
            let result = parser.next()
            if case .needMore = result { break }
            results.append(result)
            if case .error = result {
                // Errors are sticky: more bytes change nothing.
                parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
                guard parser.next() == result else { violated("error not sticky") }
                return results
            }
            if results.count > 10_000 { violated("runaway parse") }
        }
    }
    return results
}

func check(_ request: HTTPRequest) {
    if request.body.count > fuzzLimits.maxBodyBytes { violated("body over the limit") }
    if request.headers.count > fuzzLimits.maxHeaderCount { violated("too many headers") }
    if request.path.utf8.contains(0) { violated("NUL in path") }
    if !request.path.hasPrefix("/") && request.path != "*" { violated("path \(request.path) not absolute") }
    if request.method.isEmpty || !request.method.utf8.allSatisfy(HTTPRequestParser.isTokenByte) { violated("bad method") }
    if request.minorVersion != 0 && request.minorVersion != 1 { violated("bad version") }
    for (name, value) in request.headers {
        if name.isEmpty || name != name.lowercased() { violated("header name \(name)") }
        if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) { violated("control byte in header value") }
        if value.first == " " || value.last == " " { violated("untrimmed header value") }
    }
    if request.minorVersion == 1 && request.headers.filter({ $0.name == "host" }).count != 1 { violated("host count") }
    let lengths = request.headers.filter { $0.name == "content-length" }
    if lengths.count > 1 { violated("duplicate content-length accepted") }
    if request.headers.contains(where: { $0.name == "transfer-encoding" }) { violated("transfer-encoding accepted") }
    if let length = lengths.first, Int(length.value) != request.body.count { violated("body length mismatch") }
}

func fuzzOne(_ bytes: [UInt8]) {
    let whole = parse([bytes[...]])
    var pieces: [ArraySlice<UInt8>] = []
    var offset = 0
    var index = 0
    while offset < bytes.count {
        let size = 1 + Int(bytes[index % bytes.count] % 17)
        let end = min(bytes.count, offset + size)
        pieces.append(bytes[offset..<end])
        offset = end
        index += 1
    }
    let split = parse(pieces)
    if whole != split { violated("whole and split parses differ") }
    for result in whole {
        if case .request(let request) = result { check(request) }
    }
}

#if FUZZING
@_cdecl("LLVMFuzzerTestOneInput")
public func LLVMFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    fuzzOne(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
#else
@main
struct Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let file = fopen(path, "rb") else { printError("cannot open \(path)"); continue }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = fread(&buffer, 1, buffer.count, file)
                if count <= 0 { break }
                bytes.append(contentsOf: buffer[0..<count])
            }
            fclose(file)
            fuzzOne(bytes)
            print("ok \(path)")
        }
    }
}
#endif
