/// How much demo data to make, and from which seed.
public struct DemoDataOptions: Sendable, Equatable {
    /// Sales made when no number is given (also what a new default database gets).
    public static let defaultSales = 5_000
    /// Items made when no number is given.
    public static let defaultItems = 500
    /// The seed when none is given.
    public static let defaultSeed: UInt64 = 42
    /// Charge codes made: a few dozen research groups and facilities.
    public static let chargeCodeCount = 36
    /// Days of trading history, ending on the day of `end`.
    public static let historyDays = 730
    /// Most sales one run may make.
    public static let maximumSales = 20_000_000
    /// Most items one run may make.
    public static let maximumItems = 1_000_000

    /// Sales to make.
    public var sales: Int
    /// Items to make.
    public var items: Int
    /// Seed of the pseudo-random sequence: the same seed, the same rows.
    public var seed: UInt64
    /// Every sale is made before this instant (seconds since the epoch, UTC): normally "now", so
    /// the data runs up to today without a sale in the future.
    public var end: Int64

    /// Options for a run ending before `end`; counts are checked by `DemoData.generate`.
    public init(sales: Int = defaultSales, items: Int = defaultItems, seed: UInt64 = defaultSeed, end: Int64) {
        self.sales = sales
        self.items = items
        self.seed = seed
        self.end = end
    }
}

/// What a demo-data run wrote.
public struct DemoDataSummary: Sendable, Equatable {
    /// Categories written.
    public var categories: Int
    /// Items written.
    public var items: Int
    /// Charge codes written.
    public var chargeCodes: Int
    /// Sales written.
    public var sales: Int
    /// Sale lines written.
    public var lines: Int
    /// `created_at` of the oldest and newest sale, when there are sales.
    public var firstSale: String?
    public var lastSale: String?
}

/// Why demo data was not made.
public enum DemoDataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database already holds data; demo data only fills an empty store.
    case notEmpty(items: Int64, sales: Int64)
    /// A count outside its limit.
    case outOfRange(String)
    /// The store failed.
    case store(StoreError)

    /// One line saying why nothing was written.
    public var description: String {
        switch self {
        case .notEmpty(let items, let sales):
            return "the database already holds \(items) items and \(sales) sales; demo-data only fills an empty "
                + "database (name a new file with --database)"
        case .outOfRange(let message): return message
        case .store(let error): return error.description
        }
    }
}

/// Deterministic, realistic data for a physics department's stores counter: components, cables,
/// chemicals and cryogens (sold by the litre or kilogram, in fractions), glassware, consumables,
/// optics, vacuum parts, fasteners, tools, PPE, zero-rated books and stationery; a few dozen charge
/// codes with validity windows and holds; sales of 1–6 lines in opening hours (08:30–17:00 UTC) on
/// every day of the two years before `end`, today included (before 08:30, in its first hours),
/// quieter at weekends, over Christmas and in summer, 2.5% refunded.
///
/// Guarantees: the same options give the same rows, byte for byte; with at least one sale per day
/// of the history, every day has a sale; every sale's totals are the sums
/// of its lines, each line rounded half-up to the penny (`ScaledDecimal`); sale references are
/// unique; nothing is written unless the whole run succeeds (one transaction), and nothing at all
/// when the store already holds items or sales.
public enum DemoData {
    /// How often `progress` is told, in sales.
    public static let progressInterval = 50_000

    /// Fills `store` (which must hold no items and no sales) and returns what was written.
    /// `progress(done, total)` is called from the writer's thread as sales are written.
    public static func generate(_ options: DemoDataOptions, into store: Store,
                                progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws(DemoDataError)
        -> DemoDataSummary
    {
        try await generate(options, on: store.writer, progress: progress)
    }

    /// Fills the database at `path` (created and migrated first if needed; it must hold no items and
    /// no sales) through a single connection, in one transaction through the rollback journal: a
    /// process killed meanwhile leaves a hot journal that SQLite rolls back on the next open, so
    /// the run is all or nothing.
    public static func generate(_ options: DemoDataOptions, atPath path: String,
                                progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws(DemoDataError)
        -> DemoDataSummary
    {
        let db: SQLiteConnection
        do {
            try DatabaseDirectory.create(Store.parentDirectory(of: path))
            db = try SQLiteConnection(path: path, readOnly: false)
            try await Migrator.migrate(db)
        } catch {
            throw .store(error)
        }
        return try await generate(options, on: db, progress: progress)
    }

    /// Checks the options, then writes the whole run in one transaction on `writer`.
    private static func generate(_ options: DemoDataOptions, on writer: SQLiteConnection,
                                 progress: @escaping @Sendable (Int, Int) -> Void) async throws(DemoDataError)
        -> DemoDataSummary
    {
        guard (0...DemoDataOptions.maximumSales).contains(options.sales) else {
            throw .outOfRange("--sales must be from 0 to \(DemoDataOptions.maximumSales), not \(options.sales)")
        }
        guard (1...DemoDataOptions.maximumItems).contains(options.items) else {
            throw .outOfRange("--items must be from 1 to \(DemoDataOptions.maximumItems), not \(options.items)")
        }
        let plan = try DemoSchedule(options: options)
        let large = options.sales >= largeRunSales
        do {
            if large {
                try await writer.execute("PRAGMA cache_size = -\(largeRunCacheKiB)")
            }
            let outcome: Result<DemoDataSummary, any Error>
            do {
                outcome = .success(try await writer.transaction { db in
                    try KeptSalesTotals.beginBatch(on: db)
                    let summary = try DemoWriter(options: options, schedule: plan, progress: progress).write(on: db)
                    try KeptSalesTotals.finishBatch(on: db)
                    return summary
                })
            } catch {
                outcome = .failure(error)
            }
            if large {
                try? await writer.execute("PRAGMA cache_size = -2000")  // SQLite's default
            }
            return try outcome.get()
        } catch let error as DemoDataError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(.sqlite(code: 1, message: "\(error)", sql: "demo data"))
        }
    }

    /// Runs of at least this many sales get a larger page cache while the indexes grow.
    static let largeRunSales = 100_000
    /// That cache, in KiB (256 MiB).
    static let largeRunCacheKiB = 262_144
}

/// When the demo sales happen: trading days in the history window and how many sales each gets.
struct DemoSchedule: Sendable {
    /// Opening hours, seconds after midnight UTC.
    static let opening = 8 * 3600 + 30 * 60
    static let closing = 17 * 3600

    struct Day: Sendable {
        /// Day number since 1970-01-01.
        let day: Int64
        /// First second of the sales window (seconds since the epoch) and its length.
        let start: Int64
        let length: Int
        let count: Int
    }

    let days: [Day]

    init(options: DemoDataOptions) throws(DemoDataError) {
        var random = DemoRandom(seed: options.seed ^ 0x5EED_0000_DA7A)
        // The day of the last second before `end`: an end at midnight closes the day before.
        let lastDay = UTCTime.day(of: options.end - 1)
        let firstDay = lastDay - Int64(DemoDataOptions.historyDays) + 1
        for wholeDay in [false, true] {
            var candidates: [(day: Int64, start: Int64, length: Int, weight: Double)] = []
            for day in firstDay...lastDay {
                let date = UTCTime.civil(days: day)
                let weekday = Int((day % 7 + 7 + 3) % 7)  // 0 = Monday; 1970-01-01 was a Thursday
                let holiday = (date.month == 12 && date.day >= 24) || (date.month == 1 && date.day == 1)
                // Open every day, so any date a person asks about has sales; quieter at weekends and holidays.
                let quiet = holiday ? 0.1 : weekday >= 5 ? 0.25 : 1.0
                let seasonal = date.month == 8 ? 0.55 : (date.month == 7 || date.month == 9 ? 0.8 : 1.0)
                let jitter = 0.8 + 0.4 * random.unit()
                let midnight = day * UTCTime.secondsPerDay
                var open = midnight + Int64(wholeDay ? 0 : Self.opening)
                let close = min(midnight + Int64(wholeDay ? 86_400 : Self.closing), options.end)
                if close <= open { open = midnight }  // today, before opening: its first hours
                guard close > open else { continue }
                let full = Double(wholeDay ? 86_400 : Self.closing - Self.opening)
                candidates.append((day, open, Int(close - open), quiet * seasonal * jitter * Double(close - open) / full))
            }
            var counts = Self.apportion(options.sales, weights: candidates.map(\.weight),
                                        minimumEach: options.sales >= candidates.count ? 1 : 0)
            if options.sales > 0, options.sales < candidates.count, counts.last == 0 {
                // Too few sales for every day: today still gets one, taken from the busiest day.
                counts[counts.indices.max { counts[$0] < counts[$1] }!] -= 1
                counts[counts.count - 1] = 1
            }
            if zip(candidates, counts).allSatisfy({ $0.length >= $1 }) {
                days = zip(candidates, counts).map { Day(day: $0.day, start: $0.start, length: $0.length, count: $1) }
                return
            }
        }
        throw .outOfRange("\(options.sales) sales do not fit in \(DemoDataOptions.historyDays) days at one a second; "
            + "ask for fewer")
    }

    /// `total` split in proportion to `weights` by the largest-remainder method (sums exactly),
    /// after `minimumEach` to every share.
    static func apportion(_ total: Int, weights: [Double], minimumEach: Int = 0) -> [Int] {
        if minimumEach > 0 {
            let rest = apportion(total - minimumEach * weights.count, weights: weights)
            return rest.map { $0 + minimumEach }
        }
        let sum = weights.reduce(0, +)
        guard total > 0, sum > 0 else { return weights.map { _ in 0 } }
        let quotas = weights.map { Double(total) * $0 / sum }
        var counts = quotas.map { Int($0) }
        let remainder = total - counts.reduce(0, +)
        let order = quotas.indices.sorted { (quotas[$0] - Double(counts[$0]), $1) > (quotas[$1] - Double(counts[$1]), $0) }
        for index in order.prefix(remainder) { counts[index] += 1 }
        return counts
    }
}
