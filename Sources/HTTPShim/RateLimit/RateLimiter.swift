import ServerSupport

/// Per-key, per-class request limits with an exact sliding window: never more than the limit in
/// any window of that length (a burst of 61 status calls gets 60 answers and one 429).
///
/// Each (key, class) keeps the times of its accepted requests still inside the window, those
/// within a millisecond sharing one entry; a request is accepted when fewer than `limit` fall
/// inside the window ending now. Memory is bounded by the smaller of `limit` and the window's
/// milliseconds, entries per key and class, and only what was actually used is allocated. Refused
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
    /// (time, count) entries: requests within one millisecond share an entry, recorded at the end
    /// of their millisecond. Recording a little late only keeps a request in the window longer, so the
    /// limit still holds in every window; memory is bounded by the window's milliseconds (60,000
    /// for a minute), not by the limit — a lifted limit of 10⁹ a minute no longer keeps a timestamp
    /// per request (it cost the HTTP benchmark ~15 MiB of peak RSS).
    private struct Ring {
        static let ticksPerSecond = 1000.0
        var times: [Double] = []
        var counts: [Int] = []
        var head = 0
        var total = 0

        /// Records a request at `now` if fewer than `limit` fall in the window ending now.
        /// Returns whether it was accepted, how many are in the window after it, and when the
        /// oldest of those leaves the window (`now` if none is in it). `now` never goes back.
        mutating func consume(now: Double, window: Double, limit: Int) -> (allowed: Bool, used: Int, nextFree: Double) {
            while head < times.count, times[head] <= now - window {
                total -= counts[head]
                head += 1
            }
            if head > 64 && head * 2 >= times.count {
                times.removeFirst(head)
                counts.removeFirst(head)
                head = 0
            }
            let allowed = total < limit
            if allowed {
                let recorded = (now * Self.ticksPerSecond).rounded(.up) / Self.ticksPerSecond
                if head < times.count, times[times.count - 1] >= recorded {
                    counts[counts.count - 1] += 1
                } else {
                    times.append(recorded)
                    counts.append(1)
                }
                total += 1
            }
            let nextFree = head < times.count ? times[head] + window : now
            return (allowed, total, nextFree)
        }
    }

    /// The limit of each class.
    public let limits: RateLimits
    private var rings: [Key: Ring] = [:]

    /// A limiter with nothing counted yet.
    public init(limits: RateLimits) {
        self.limits = limits
    }

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
        let wait = max(0, nextFree - now)
        return Decision(allowed: allowed, limit: limit.requests, remaining: max(0, limit.requests - used),
                        reset: Int((wallNow + wait).rounded(.up)), retryAfter: allowed ? 0 : max(1, Int(wait.rounded(.up))))
    }
}
