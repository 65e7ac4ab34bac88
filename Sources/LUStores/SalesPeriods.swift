import Foundation
import Store

/// The days, ISO weeks and months of `analyze_sales`, in the configured zone.
///
/// Guarantees: periods start at the first instant of a local day (``ZonedCalendar``), so they are
/// exact across daylight-saving changes; weeks start on Monday and are numbered as ISO 8601 does
/// (week 1 holds the year's first Thursday), so `2024-12-30` is in `2025-W01`.
struct SalesPeriods {
    /// Most periods one answer may cover (about 55 years of days).
    static let maximumCount = 20_000

    /// One period: its key, label and local first day.
    struct Period {
        let key: String
        let label: String
        let firstDay: Int64
    }

    /// The periods, oldest first, covering the local days `firstDay...lastDay`.
    let periods: [Period]
    /// Their UTC boundaries: `periods.count + 1` instants, period `i` being `[boundaries[i], boundaries[i + 1])`.
    let boundaries: [Int64]

    /// The periods of kind `grouping` covering `[from, to)`; nil when there would be more than
    /// ``maximumCount``.
    init?(_ grouping: SalesAnalysisArguments.Grouping, from: Int64, to: Int64, calendar: ZonedCalendar) {
        let firstDay = calendar.localDay(at: from)
        let lastDay = calendar.localDay(at: max(from, to - 1))
        var periods: [Period] = []
        var day = Self.start(of: firstDay, grouping)
        while day <= lastDay {
            guard periods.count < Self.maximumCount else { return nil }
            periods.append(Self.period(startingOn: day, grouping))
            day = Self.next(after: day, grouping)
        }
        self.periods = periods
        boundaries = periods.map { calendar.range(ofDay: $0.firstDay).start } + [calendar.range(ofDay: day).start]
    }

    private static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                                     "September", "October", "November", "December"]
    private static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// Monday = 0 … Sunday = 6 (1970-01-01, day 0, was a Thursday).
    static func weekday(_ day: Int64) -> Int { Int(((day + 3) % 7 + 7) % 7) }

    static func start(of day: Int64, _ grouping: SalesAnalysisArguments.Grouping) -> Int64 {
        switch grouping {
        case .week: return day - Int64(weekday(day))
        case .month:
            let date = UTCTime.civil(days: day)
            return UTCTime.days(year: date.year, month: date.month, day: 1)
        default: return day
        }
    }

    static func next(after start: Int64, _ grouping: SalesAnalysisArguments.Grouping) -> Int64 {
        switch grouping {
        case .week: return start + 7
        case .month:
            let date = UTCTime.civil(days: start)
            return start + Int64(UTCTime.daysInMonth(year: date.year, month: date.month))
        default: return start + 1
        }
    }

    static func period(startingOn day: Int64, _ grouping: SalesAnalysisArguments.Grouping) -> Period {
        let date = UTCTime.civil(days: day)
        switch grouping {
        case .week:
            let thursday = UTCTime.civil(days: day + 3)  // the ISO week belongs to its Thursday's year
            let week = (day + 3 - UTCTime.days(year: thursday.year, month: 1, day: 1)) / 7 + 1
            let number = week < 10 ? "0\(week)" : "\(week)"
            return Period(key: "\(thursday.year)-W\(number)", label: "Week \(week), \(thursday.year)", firstDay: day)
        case .month:
            let key = String(UTCTime.formatDay(day).prefix(7))
            return Period(key: key, label: "\(monthNames[date.month - 1]) \(date.year)", firstDay: day)
        default:
            return Period(key: UTCTime.formatDay(day),
                          label: "\(weekdayNames[weekday(day)]) \(date.day) \(monthNames[date.month - 1]) \(date.year)",
                          firstDay: day)
        }
    }
}
