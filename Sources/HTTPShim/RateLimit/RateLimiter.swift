import ServerSupport

/// Per-key, per-class request limits with an exact sliding window: never more than the limit in
/// any window of that length (a burst of 61 status calls gets 60 answers and one 429).
///
/// Each (key, class) keeps the times of its accepted requests still inside the window, those
/// within a thousandth of the window sharing one entry; a request is accepted when fewer than
/// `limit` fall inside the window ending now. Memory is bounded by the smaller of `limit` and a
/// thousand entries per key and class, and only what was actually used is allocated. Refused
/// requests are not recorded (a client hammering past the limit does not extend its own ban).
public actor RateLimiter {
    /// What a request learns about its limit; these become the `X-RateLimit-*` headers.
    public struct Decision: Sendable, Equatable {
        /// Whether the request may proceed.
        public let allowed: Bool
        /// The limit counted against.
        public let limit: Int
        /// Requests left in the window ending now.
        public let remaining: Int
        /// Unix time (seconds, rounded up) at which `remaining` next grows: when the oldest request
        /// in the window leaves it. At 0 remaining, when one more request will be accepted.
        public let reset: Int
        /// Seconds until then (0 when allowed), for `Retry-After`.
        public let retryAfter: Int

        /// `X-RateLimit-Limit`, `-Remaining`, `-Reset`, and `Retry-After` when refused.
        public var headers: [(name: String, value: String)] {
            var fields = [("X-RateLimit-Limit", String(limit)), ("X-RateLimit-Remaining", String(remaining)),
                          ("X-RateLimit-Reset", String(reset))]
            if !allowed { fields.append(("Retry-After", String(retryAfter))) }
            return fields
        }
    }

    private struct Key: Hashable {
        let identity: Int
        let kind: RateLimitClass
    }

    /// The accepted requests of one (key, class) still inside the window, oldest first, as
    /// (time, count) entries in a circular buffer: requests within one slot (a thousandth of the
    /// window: 60 ms of a minute) share an entry, recorded at the end of their slot. Recording a
    /// little late only keeps a request in the window longer, so the limit still holds in every
    /// window. Memory is bounded by the smaller of the limit and a thousand entries (12 KiB), and
    /// the buffer only grows when it is full: the soak benchmark found that millisecond entries in
    /// an array compacted by halves kept growing for minutes (up to 4 × 16 bytes × 60,000 per key
    /// and class; 26 MiB in 80 s with 256 busy keys).
    private struct Ring {
        static let slotsPerWindow = 1000.0
        private var times: [Double] = []
        private var counts: [Int32] = []
        /// Where the oldest entry is, and how many are live.
        private var oldest = 0
        private var live = 0
        private var total = 0

        /// Records a request at `now` if fewer than `limit` fall in the window ending now.
        /// Returns whether it was accepted, how many are in the window after it, and when the
        /// oldest of those leaves the window (`now` if none is in it). `now` never goes back.
        mutating func consume(now: Double, window: Double, limit: Int) -> (allowed: Bool, used: Int, nextFree: Double) {
            while live > 0, times[oldest] <= now - window {
                total -= Int(counts[oldest])
                oldest = (oldest + 1) % times.count
                live -= 1
            }
            let allowed = total < limit
            if allowed {
                let slotsPerSecond = Self.slotsPerWindow / window
                let recorded = max(now, (now * slotsPerSecond).rounded(.up) / slotsPerSecond)
                let newest = (oldest + live - 1 + max(1, times.count)) % max(1, times.count)
                if live > 0, times[newest] >= recorded, counts[newest] < Int32.max {
                    counts[newest] += 1
                } else {
                    if live == times.count { grow() }
                    let slot = (oldest + live) % times.count
                    times[slot] = recorded
                    counts[slot] = 1
                    live += 1
                }
                total += 1
            }
            let nextFree = live > 0 ? times[oldest] + window : now
            return (allowed, total, nextFree)
        }

        /// Forgets the newest request recorded (the one a call just counted): its entry's count
        /// goes down by one, and the entry goes when it reaches nought.
        mutating func forgetNewest() {
            guard live > 0 else { return }
            let newest = (oldest + live - 1) % times.count
            counts[newest] -= 1
            total -= 1
            if counts[newest] == 0 { live -= 1 }
        }

        /// How many requests fall in the window ending at `now`, and when the oldest of them
        /// leaves it (`now` if none is in it).
        func standing(now: Double, window: Double) -> (used: Int, nextFree: Double) {
            var used = total
            var index = oldest
            var left = live
            while left > 0, times[index] <= now - window {
                used -= Int(counts[index])
                index = (index + 1) % times.count
                left -= 1
            }
            return (used, left > 0 ? times[index] + window : now)
        }

        /// Entries the buffer has room for.
        var capacity: Int { times.count }

        /// Doubles the buffer (at least 8 entries), the live entries first and in order.
        private mutating func grow() {
            let capacity = max(8, times.count * 2)
            let order = (0..<live).map { (oldest + $0) % times.count }
            times = order.map { times[$0] } + Array(repeating: 0, count: capacity - live)
            counts = order.map { counts[$0] } + Array(repeating: 0, count: capacity - live)
            oldest = 0
        }
    }

    /// The limit of each class.
    public let limits: RateLimits
    private var rings: [Key: Ring] = [:]
    private var refused: [RateLimitClass: Int] = [:]

    /// A limiter with nothing counted yet.
    public init(limits: RateLimits) {
        self.limits = limits
    }

    /// Entries allocated across every key and class (what the limiter's memory grows with).
    func storedEntries() -> Int { rings.values.reduce(0) { $0 + $1.capacity } }

    /// Counts one request of `identity` (an API key's index) against its `kind` limit.
    /// `monotonic` and `wall` are seconds; defaults read the clocks.
    public func consume(identity: Int, kind: RateLimitClass, monotonic: Double? = nil, wall: Double? = nil) -> Decision {
        let now = monotonic ?? MonotonicClock.now()
        let wallNow = wall ?? MonotonicClock.wallNow()
        let limit = limits[kind]
        let window = Double(limit.windowSeconds)
        // Mutated in place through the dictionary: copying the ring out would copy its storage
        // on every request.
        let (allowed, used, nextFree) = rings[Key(identity: identity, kind: kind), default: Ring()]
            .consume(now: now, window: window, limit: limit.requests)
        // A request is recorded at the end of its slot, up to a thousandth of the window late:
        // never announce a wait longer than the window itself (61 s for a minute's limit).
        let wait = min(window, max(0, nextFree - now))
        if !allowed { refused[kind, default: 0] += 1 }
        return Decision(allowed: allowed, limit: limit.requests, remaining: max(0, limit.requests - used),
                        reset: Int((wallNow + wait).rounded(.up)), retryAfter: allowed ? 0 : max(1, Int(wait.rounded(.up))))
    }

    /// Requests refused since start, by class: the figures a metrics endpoint reads.
    public func refusals() -> [RateLimitClass: Int] { refused }

    /// Takes back the newest request of `identity` that `consume` accepted against `kind`: a call
    /// that turned out not to count (a test execution rejected as invalid). Returns the limit as it
    /// now stands, for the answer's `X-RateLimit-*` headers. `monotonic` and `wall` as for `consume`.
    public func refund(identity: Int, kind: RateLimitClass, monotonic: Double? = nil, wall: Double? = nil) -> Decision {
        let now = monotonic ?? MonotonicClock.now()
        let wallNow = wall ?? MonotonicClock.wallNow()
        let limit = limits[kind]
        let window = Double(limit.windowSeconds)
        let key = Key(identity: identity, kind: kind)
        rings[key]?.forgetNewest()
        let (used, nextFree) = rings[key]?.standing(now: now, window: window) ?? (0, now)
        return Decision(allowed: true, limit: limit.requests, remaining: max(0, limit.requests - used),
                        reset: Int((wallNow + min(window, max(0, nextFree - now))).rounded(.up)), retryAfter: 0)
    }
}
