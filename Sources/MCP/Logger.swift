#if canImport(Glibc)
import Glibc
#endif

/// Levelled log lines on stderr — never stdout, which carries protocol messages only.
///
/// Each line is written with one `write` call, so lines from different threads do not mix.
public struct Logger: Sendable {
    /// The least severe level written.
    public let level: LogLevel
    private let label: String

    /// A logger writing lines at `level` or above, each prefixed with `label` and the level.
    public init(level: LogLevel, label: String = "lustores-mcp") {
        self.level = level
        self.label = label
    }

    /// Writes `message` if `messageLevel` is at or above the logger's level.
    public func log(_ messageLevel: LogLevel, _ message: @autoclosure () -> String) {
        guard messageLevel >= level else { return }
        var line = "\(label) \(messageLevel.rawValue): \(message())"
        line.removeAll { $0 == "\n" || $0 == "\r" }
        line.append("\n")
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if written > 0 { offset += written } else if written < 0, errno == EINTR { continue } else { return }
            }
        }
    }

    /// Writes `message` at ``LogLevel/debug``; the text is not built when that level is off.
    public func debug(_ message: @autoclosure () -> String) { log(.debug, message()) }
    /// Writes `message` at ``LogLevel/info``; the text is not built when that level is off.
    public func info(_ message: @autoclosure () -> String) { log(.info, message()) }
    /// Writes `message` at ``LogLevel/warning``; the text is not built when that level is off.
    public func warning(_ message: @autoclosure () -> String) { log(.warning, message()) }
    /// Writes `message` at ``LogLevel/error``; the text is not built when that level is off.
    public func error(_ message: @autoclosure () -> String) { log(.error, message()) }
}
