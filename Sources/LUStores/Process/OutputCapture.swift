import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What a child process printed, captured with bounded memory whatever it prints: the last
/// ``tailLimit`` bytes, a running byte count, optionally the first `documentLimit` bytes whole
/// (for a JUnit or jest report printed on stdout), and optionally every line fed to a streaming
/// report parser (TAP, `swift test`) so tests are counted as they finish.
///
/// Guarantees: memory held is at most 2 × ``tailLimit`` + the document limit + ``maxLineLength``
/// bytes plus the parser's own bounded state; `onProgress` is called (outside the lock) each time
/// the count of finished tests grows.
public final class OutputCapture: Sendable {
    /// Bytes of output kept for `output_tail`.
    public static let tailLimit = 64 << 10
    /// Longest line handed to the line parser; the rest of a longer line is dropped.
    public static let maxLineLength = 64 << 10

    private struct State: Sendable {
        var tail: [UInt8] = []
        var totalBytes = 0
        var document: [UInt8]?
        var documentOverflowed = false
        var line: [UInt8] = []
        var parser: LineReportParser?
    }

    private let state: Mutex<State>
    private let documentLimit: Int?
    private let onProgress: @Sendable (Int) -> Void

    /// A capture; `documentLimit` keeps the start of the output whole up to that many bytes,
    /// `lineFormat` parses the output as that line-oriented report format while it arrives.
    public init(documentLimit: Int? = nil, lineFormat: ReportFormat? = nil,
                onProgress: @escaping @Sendable (Int) -> Void = { _ in }) {
        var initial = State()
        if documentLimit != nil { initial.document = [] }
        if let lineFormat, lineFormat.isLineOriented { initial.parser = LineReportParser(format: lineFormat) }
        state = Mutex(initial)
        self.documentLimit = documentLimit
        self.onProgress = onProgress
    }

    /// Takes one chunk of output.
    public func append(_ chunk: ArraySlice<UInt8>) {
        let progress: Int? = state.withLock { state in
            state.totalBytes += chunk.count
            state.tail.append(contentsOf: chunk)
            if state.tail.count > 2 * Self.tailLimit {
                state.tail.removeFirst(state.tail.count - Self.tailLimit)
            }
            if let documentLimit, state.document != nil, !state.documentOverflowed {
                if state.document!.count + chunk.count > documentLimit {
                    state.documentOverflowed = true
                    state.document = nil
                } else {
                    state.document!.append(contentsOf: chunk)
                }
            }
            guard state.parser != nil else { return nil }
            let before = state.parser!.finishedCount
            Self.feedLines(chunk, into: &state)
            let after = state.parser!.finishedCount
            return after > before ? after : nil
        }
        if let progress { onProgress(progress) }
    }

    /// Splits `chunk` into lines for the parser, carrying a partial line over to the next chunk.
    private static func feedLines(_ chunk: ArraySlice<UInt8>, into state: inout State) {
        chunk.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            var start = 0
            while start < bytes.count {
                // memchr: a gigabyte without newlines must not cost a Swift loop per byte.
                let found = memchr(base + start, 0x0A, bytes.count - start)
                let end = found.map { UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0)) } ?? bytes.count
                let room = maxLineLength - state.line.count
                if room > 0 { state.line.append(contentsOf: bytes[start..<min(end, start + room)]) }
                guard found != nil else { return }
                state.parser?.consume(line: state.line[...])
                state.line.removeAll(keepingCapacity: true)
                start = end + 1
            }
        }
    }

    /// The last ``tailLimit`` bytes, as text (invalid UTF-8 replaced).
    public var tail: String {
        state.withLock { state in
            String(decoding: state.tail.suffix(Self.tailLimit), as: UTF8.self)
        }
    }

    /// Bytes received in all.
    public var totalBytes: Int { state.withLock { $0.totalBytes } }

    /// Tests the line parser has seen finish (0 without one).
    public var finishedCount: Int { state.withLock { $0.parser?.finishedCount ?? 0 } }

    /// The line parser's cases so far (nil without a parser), for a run still going.
    public var partialReport: TestReport? { state.withLock { $0.parser?.partialReport } }

    /// The whole output when a document limit was set and not exceeded; nil otherwise.
    public var document: [UInt8]? { state.withLock { $0.document } }

    /// Whether the output outgrew the document limit.
    public var documentOverflowed: Bool { state.withLock { $0.documentOverflowed } }

    /// The line parser's report, after feeding the unterminated last line; nil without a parser.
    public func lineReport() -> Result<TestReport, ReportError>? {
        state.withLock { state in
            guard var parser = state.parser else { return nil }
            if !state.line.isEmpty { parser.consume(line: state.line[...]) }
            do throws(ReportError) {
                return .success(try parser.finish())
            } catch {
                return .failure(error)
            }
        }
    }
}
