/// A date and time of day as written in ISO 8601 / RFC 3339, before any time zone is applied:
/// `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by `Z`, an offset `±HH:MM` (or `±HHMM`, `±HH`),
/// or nothing (a local time, for the caller to place in a zone).
///
/// Guarantees: ``parse(_:)`` accepts only real calendar dates with four-digit years, hours 0…23,
/// minutes and seconds 0…59 (no leap second, no `24:00`), offsets up to ±23:59, at most
/// ``maximumFractionDigits`` fraction digits; anything else is nil. The separator may be `T`, `t`
/// or one space, as RFC 3339 allows.
public struct ISO8601Time: Sendable, Equatable {
    /// Most digits accepted after the decimal point of the seconds (nanoseconds).
    public static let maximumFractionDigits = 9

    /// Days since 1970-01-01 of the written date.
    public let day: Int64
    /// Seconds since midnight of the written time (the fraction excluded).
    public let secondOfDay: Int
    /// Whether the seconds had a non-zero fraction.
    public let hasFraction: Bool
    /// The written offset from UTC in seconds (`Z` is 0), or nil for a local time.
    public let offsetSeconds: Int?

    /// The UTC instant in whole seconds, rounded up when there was a fraction, or nil for a local
    /// time. Rounding up keeps `>=` and `<` comparisons against whole-second stored times exact.
    public var utcSeconds: Int64? {
        guard let offsetSeconds else { return nil }
        return day * UTCTime.secondsPerDay + Int64(secondOfDay - offsetSeconds) + (hasFraction ? 1 : 0)
    }

    /// Parses `text`; nil when it is not a valid ISO 8601 date-time as described above.
    public static func parse(_ text: String) -> ISO8601Time? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 16, bytes.count <= 64, let day = UTCTime.parseDay(bytes[0..<10]) else { return nil }
        let separator = bytes[10]
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"),
              let hour = UTCTime.number(bytes[11..<13]), let minute = UTCTime.number(bytes[14..<16]),
              hour < 24, minute < 60 else { return nil }
        var index = 16
        var second = 0
        var hasFraction = false
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard index + 3 <= bytes.count, let value = UTCTime.number(bytes[index + 1..<index + 3]), value < 60 else {
                return nil
            }
            second = value
            index += 3
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
                let start = index + 1
                var end = start
                while end < bytes.count, bytes[end] >= UInt8(ascii: "0"), bytes[end] <= UInt8(ascii: "9") { end += 1 }
                guard end > start, end - start <= maximumFractionDigits else { return nil }
                hasFraction = bytes[start..<end].contains { $0 != UInt8(ascii: "0") }
                index = end
            }
        }
        let offset: Int?
        if index == bytes.count {
            offset = nil
        } else if bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
            guard index + 1 == bytes.count else { return nil }
            offset = 0
        } else {
            guard let parsed = parseOffset(bytes[index...]) else { return nil }
            offset = parsed
        }
        return ISO8601Time(day: day, secondOfDay: hour * 3600 + minute * 60 + second, hasFraction: hasFraction,
                           offsetSeconds: offset)
    }

    /// `+HH:MM`, `+HHMM` or `+HH` (or `-`), hours 0…23 and minutes 0…59, as seconds east of UTC.
    private static func parseOffset(_ bytes: ArraySlice<UInt8>) -> Int? {
        let start = bytes.startIndex
        let sign: Int
        switch bytes[start] {
        case UInt8(ascii: "+"): sign = 1
        case UInt8(ascii: "-"): sign = -1
        default: return nil
        }
        let rest = Array(bytes[(start + 1)...])
        let digits: [UInt8]
        switch rest.count {
        case 2, 4: digits = rest
        case 5:
            guard rest[2] == UInt8(ascii: ":") else { return nil }
            digits = Array(rest[0..<2] + rest[3..<5])
        default: return nil
        }
        guard let hours = UTCTime.number(digits[0..<2]), hours < 24 else { return nil }
        var minutes = 0
        if digits.count == 4 {
            guard let value = UTCTime.number(digits[2..<4]), value < 60 else { return nil }
            minutes = value
        }
        return sign * (hours * 3600 + minutes * 60)
    }
}
