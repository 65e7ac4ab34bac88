#if canImport(Glibc)
import Glibc
#endif

/// Times on the wire: ISO 8601 UTC with `Z`, to the second (`2025-06-09T10:30:00Z`).
public enum Timestamp {
    /// The current time.
    public static func now() -> String { format(secondsSinceEpoch: Int64(time(nil))) }

    /// `secondsSinceEpoch` (UTC) as ISO 8601.
    public static func format(secondsSinceEpoch: Int64) -> String {
        var seconds = time_t(secondsSinceEpoch)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }
}
