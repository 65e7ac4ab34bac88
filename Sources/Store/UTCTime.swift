/// Instants as whole seconds since the Unix epoch (UTC), and the text forms the store keeps:
/// times `YYYY-MM-DDTHH:MM:SSZ` (which sort as text in time order) and days `YYYY-MM-DD`.
///
/// Pure arithmetic on the proleptic Gregorian calendar (no time zone database, no Foundation), so
/// it is exact, allocation-light and the same on every platform. Years 1…9999 only: the text forms
/// have four-digit years, and ``clamp(_:)`` keeps any instant inside that range.
public enum UTCTime {
    /// Seconds in a day.
    public static let secondsPerDay: Int64 = 86_400
    /// `0001-01-01T00:00:00Z`, the earliest instant with a four-digit year.
    public static let earliest: Int64 = -62_135_596_800
    /// `9999-12-31T23:59:59Z`, the latest instant with a four-digit year.
    public static let latest: Int64 = 253_402_300_799

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`). The date must be
    /// valid (see ``isValidDate(year:month:day:)``).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day number (inverse of ``days(year:month:day:)``).
    public static func civil(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// Whether `year-month-day` names a real day with a four-digit year.
    public static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        return day <= daysInMonth(year: year, month: month)
    }

    /// Days in `month` of `year` (February 29 in leap years).
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `seconds` moved into [``earliest``, ``latest``].
    public static func clamp(_ seconds: Int64) -> Int64 {
        min(max(seconds, earliest), latest)
    }

    /// The day number (days since 1970-01-01) holding `seconds`.
    public static func day(of seconds: Int64) -> Int64 {
        seconds >= 0 ? seconds / secondsPerDay : -((-seconds + secondsPerDay - 1) / secondsPerDay)
    }

    /// `seconds` (clamped) as `YYYY-MM-DDTHH:MM:SSZ`.
    public static func format(_ seconds: Int64) -> String {
        let clamped = clamp(seconds)
        let day = day(of: clamped)
        let secondOfDay = Int(clamped - day * secondsPerDay)
        var text = formatDay(day)
        text.reserveCapacity(20)
        text += "T"
        appendPadded(secondOfDay / 3600, width: 2, to: &text)
        text += ":"
        appendPadded(secondOfDay / 60 % 60, width: 2, to: &text)
        text += ":"
        appendPadded(secondOfDay % 60, width: 2, to: &text)
        text += "Z"
        return text
    }

    /// Day number `day` as `YYYY-MM-DD`.
    public static func formatDay(_ day: Int64) -> String {
        let date = civil(days: day)
        var text = ""
        text.reserveCapacity(10)
        appendPadded(date.year, width: 4, to: &text)
        text += "-"
        appendPadded(date.month, width: 2, to: &text)
        text += "-"
        appendPadded(date.day, width: 2, to: &text)
        return text
    }

    /// The instant of a stored time `YYYY-MM-DDTHH:MM:SSZ`, or nil when `text` is not exactly that
    /// form with a valid date and time.
    public static func parseStored(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
              bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z"),
              let day = parseDay(bytes[0..<10]),
              let hour = number(bytes[11..<13]), let minute = number(bytes[14..<16]), let second = number(bytes[17..<19]),
              hour < 24, minute < 60, second < 60 else { return nil }
        return day * secondsPerDay + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The day number of `YYYY-MM-DD`, or nil when the text is not exactly that form with a valid date.
    public static func parseDay(_ text: String) -> Int64? {
        parseDay(Array(text.utf8)[...])
    }

    static func parseDay(_ bytes: ArraySlice<UInt8>) -> Int64? {
        guard bytes.count == 10 else { return nil }
        let start = bytes.startIndex
        guard bytes[start + 4] == UInt8(ascii: "-"), bytes[start + 7] == UInt8(ascii: "-"),
              let year = number(bytes[start..<start + 4]), let month = number(bytes[start + 5..<start + 7]),
              let day = number(bytes[start + 8..<start + 10]),
              isValidDate(year: year, month: month, day: day) else { return nil }
        return days(year: year, month: month, day: day)
    }

    /// The value of a run of ASCII digits, or nil when any byte is not a digit (or the run is empty).
    static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 9 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func appendPadded(_ value: Int, width: Int, to text: inout String) {
        let digits = String(value)
        if digits.count < width {
            text += String(repeating: "0", count: width - digits.count)
        }
        text += digits
    }
}
