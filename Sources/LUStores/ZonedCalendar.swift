import Foundation
import Store

/// Calendar days and local times of the configured time zone, as UTC instants (whole seconds
/// since the epoch) that the store compares with its UTC times.
///
/// Guarantees: a day is `[its first instant, the next day's first instant)` in the zone, so days
/// of 23 or 25 hours (daylight-saving changes) and days that do not start at midnight are exact;
/// for UTC (or any zone with a fixed offset and no transitions) everything is plain arithmetic.
/// A local time that does not exist (skipped by a clock change) is placed where Foundation puts it
/// (after the gap); one that happens twice takes the first.
public struct ZonedCalendar: Sendable {
    /// The zone days and local times are in.
    public let timeZone: TimeZone
    private let calendar: Calendar
    /// The zone's offset in seconds when it never changes, nil otherwise.
    private let fixedOffset: Int?

    /// A calendar for `timeZone`.
    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
        let now = Date()
        let transitionsAhead = timeZone.nextDaylightSavingTimeTransition(after: now) != nil
        let offsetNow = timeZone.secondsFromGMT(for: now)
        // A zone with no transitions ahead and the same offset a century back never changes for
        // the dates a store holds; any other zone goes through Foundation.
        let past = now.addingTimeInterval(-100 * 365.25 * 86_400)
        fixedOffset = !transitionsAhead && timeZone.secondsFromGMT(for: past) == offsetNow
            && timeZone.nextDaylightSavingTimeTransition(after: past) == nil ? offsetNow : nil
    }

    /// A calendar for the zone called `identifier` (IANA name such as `Europe/London`, or `UTC`),
    /// nil when the name is unknown.
    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.init(timeZone: zone)
    }

    /// The local date (day number since 1970-01-01) at instant `seconds`.
    public func localDay(at seconds: Int64) -> Int64 {
        if let fixedOffset {
            return UTCTime.day(of: seconds + Int64(fixedOffset))
        }
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return UTCTime.days(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// The local day `text` names: `today` or `yesterday` at `now`, or a real date `YYYY-MM-DD`;
    /// nil for anything else.
    public func day(named text: String, now: Date) -> Int64? {
        let today = localDay(at: Int64(now.timeIntervalSince1970.rounded(.down)))
        switch text {
        case "today": return today
        case "yesterday": return today - 1
        default: return UTCTime.parseDay(text)
        }
    }

    /// The UTC instants `[start, end)` of local day `day` (day number since 1970-01-01).
    public func range(ofDay day: Int64) -> (start: Int64, end: Int64) {
        if let fixedOffset {
            let start = day * UTCTime.secondsPerDay - Int64(fixedOffset)
            return (start, start + UTCTime.secondsPerDay)
        }
        let date = UTCTime.civil(days: day)
        let noon = DateComponents(year: date.year, month: date.month, day: date.day, hour: 12)
        guard let instant = calendar.date(from: noon), let interval = calendar.dateInterval(of: .day, for: instant) else {
            let start = day * UTCTime.secondsPerDay - Int64(timeZone.secondsFromGMT())
            return (start, start + UTCTime.secondsPerDay)
        }
        return (Int64(interval.start.timeIntervalSince1970.rounded(.down)),
                Int64(interval.end.timeIntervalSince1970.rounded(.down)))
    }

    /// The UTC instant of local time `secondOfDay` on local day `day`.
    public func instant(day: Int64, secondOfDay: Int) -> Int64 {
        if let fixedOffset {
            return day * UTCTime.secondsPerDay + Int64(secondOfDay - fixedOffset)
        }
        let date = UTCTime.civil(days: day)
        let parts = DateComponents(year: date.year, month: date.month, day: date.day, hour: secondOfDay / 3600,
                                   minute: secondOfDay / 60 % 60, second: secondOfDay % 60)
        guard let instant = calendar.date(from: parts) else {
            return day * UTCTime.secondsPerDay + Int64(secondOfDay - timeZone.secondsFromGMT())
        }
        return Int64(instant.timeIntervalSince1970.rounded(.down))
    }
}
