/// How a time range `[from, to)` is read: runs of whole UTC months, days and hours served by the
/// kept totals (``KeptSalesTotals``), and the pieces left over, read from the rows.
///
/// Guarantees: the runs and row pieces are disjoint and cover the range exactly; a unit is taken
/// from the totals only at a grain the caller offers and only when it holds no dirty day (a dirty
/// day is read from the rows); the coarsest grain is used first, so a year is about twelve months,
/// the days at the edges, and at most two partial days or hours.
struct SalesTotalsPlan {
    /// Whole units per grain: `[start, end)` instants, each run at least one unit long.
    var runs: [KeptSalesTotals.Grain: [(start: Int64, end: Int64)]] = [:]
    /// Pieces read from the rows, `[start, end)`.
    var rows: [(start: Int64, end: Int64)] = []

    /// The plan of `[from, to)` using `grains` (coarsest first) and avoiding `dirtyDays` (day numbers, sorted).
    init(from: Int64, to: Int64, grains: [KeptSalesTotals.Grain], dirtyDays: [Int64]) {
        add(from, to, grains: grains[...], dirtyDays: dirtyDays)
    }

    /// Appends the plan of `[from, to)` (a further period of the same answer).
    mutating func add(_ from: Int64, _ to: Int64, grains: ArraySlice<KeptSalesTotals.Grain>, dirtyDays: [Int64]) {
        guard from < to else { return }
        guard let grain = grains.first else {
            rows.append((from, to))
            return
        }
        let finer = grains.dropFirst()
        let start = Self.ceil(from, grain)
        let end = Self.floor(to, grain)
        guard start < end else {
            add(from, to, grains: finer, dirtyDays: dirtyDays)
            return
        }
        add(from, start, grains: finer, dirtyDays: dirtyDays)
        var cursor = start
        for day in dirtyDays {
            let dayStart = day * UTCTime.secondsPerDay
            guard dayStart + UTCTime.secondsPerDay > cursor else { continue }
            guard dayStart < end else { break }
            // The unit holding the dirty day (a whole day for hours) comes out of the run.
            let unitStart = grain == .hour ? dayStart : Self.floor(dayStart, grain)
            let unitEnd = grain == .month ? Self.next(unitStart, grain) : dayStart + UTCTime.secondsPerDay
            let cutStart = max(unitStart, cursor)
            let cutEnd = min(unitEnd, end)
            if cursor < cutStart { runs[grain, default: []].append((cursor, cutStart)) }
            if grain == .month {
                add(cutStart, cutEnd, grains: finer, dirtyDays: dirtyDays)
            } else if cutStart < cutEnd {
                rows.append((cutStart, cutEnd))
            }
            cursor = max(cursor, cutEnd)
        }
        if cursor < end { runs[grain, default: []].append((cursor, end)) }
        add(end, to, grains: finer, dirtyDays: dirtyDays)
    }

    /// Adjacent runs of each grain joined, so a year of day periods is one query, not 365.
    mutating func merge() {
        for (grain, list) in runs {
            var merged: [(start: Int64, end: Int64)] = []
            for run in list.sorted(by: { $0.start < $1.start }) {
                if let last = merged.last, last.end == run.start {
                    merged[merged.count - 1].end = run.end
                } else {
                    merged.append(run)
                }
            }
            runs[grain] = merged
        }
    }

    /// The first unit boundary at or after `instant`.
    static func ceil(_ instant: Int64, _ grain: KeptSalesTotals.Grain) -> Int64 {
        let down = floor(instant, grain)
        return down == instant ? down : next(down, grain)
    }

    /// The start of the unit holding `instant`.
    static func floor(_ instant: Int64, _ grain: KeptSalesTotals.Grain) -> Int64 {
        switch grain {
        case .hour: return instant - ((instant % 3600) + 3600) % 3600
        case .day: return UTCTime.day(of: instant) * UTCTime.secondsPerDay
        case .month:
            let date = UTCTime.civil(days: UTCTime.day(of: instant))
            return UTCTime.days(year: date.year, month: date.month, day: 1) * UTCTime.secondsPerDay
        }
    }

    /// The start of the unit after the one starting at `start`.
    static func next(_ start: Int64, _ grain: KeptSalesTotals.Grain) -> Int64 {
        switch grain {
        case .hour: return start + 3600
        case .day: return start + UTCTime.secondsPerDay
        case .month:
            let date = UTCTime.civil(days: UTCTime.day(of: start))
            return start + Int64(UTCTime.daysInMonth(year: date.year, month: date.month)) * UTCTime.secondsPerDay
        }
    }

    /// The period text of the unit starting at `instant`: the first `grain.rawValue` characters of
    /// its stored time.
    static func text(_ instant: Int64, _ grain: KeptSalesTotals.Grain) -> String {
        String(UTCTime.format(instant).prefix(grain.rawValue))
    }
}
