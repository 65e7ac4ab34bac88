import ServerSupport

/// Failed authentications (no key, or a key that matches none) per client address: each is
/// counted, logged at `notice` with the address (never what was presented), and past ``limit``
/// in its window the address's unauthenticated requests are answered 429 with `Retry-After`
/// instead of 401, so guessing keys is slow.
///
/// Guarantees: only failures are limited — a request with a valid key never reaches this
/// limiter, so clients sharing an address with a guesser (behind one NAT or proxy) are never
/// refused by it; log lines per address are bounded by ``limit`` plus one per window; memory is
/// bounded by ``maximumAddresses`` addresses of at most ``limit`` timestamps each.
public actor FailedAuthentications {
    /// What has been counted since start: the figures a metrics endpoint reads.
    public struct Count: Sendable, Equatable {
        /// Requests without a valid key (answered 401 or 429).
        public var failures = 0
        /// Of those, the ones answered 429 because their address was over the limit.
        public var refused = 0

        /// Nothing counted.
        public init() {}
    }

    /// What the caller answers to one failed authentication.
    public enum Verdict: Sendable, Equatable {
        /// 401, as usual.
        case unauthorized
        /// 429: the address is over the limit for `retryAfter` more seconds (at least 1).
        case limited(retryAfter: Int)
    }

    /// Failures allowed per address in any window.
    public let limit: RateLimit
    /// The product default: 30 failures per address per minute.
    public static let defaultLimit = RateLimit(requests: 30, windowSeconds: 60)
    /// Addresses tracked at once; past it, those whose window has passed are forgotten first.
    public static let maximumAddresses = 10_000
    private let logger: Logger?
    private var recent: [String: [Double]] = [:]
    private var announced: [String: Double] = [:]
    private var counted = Count()

    /// A limiter allowing `limit` failures per address, logging to `logger`.
    public init(limit: RateLimit = defaultLimit, logger: Logger? = nil) {
        self.limit = limit
        self.logger = logger
    }

    /// The counts since start.
    public func count() -> Count { counted }

    /// Records a failed authentication from `address` (`keyPresented`: a wrong key rather than
    /// none); `now` is monotonic seconds (default: the clock).
    public func record(address: String, keyPresented: Bool, now: Double? = nil) -> Verdict {
        let now = now ?? MonotonicClock.now()
        let window = Double(limit.windowSeconds)
        counted.failures += 1
        if recent.count >= Self.maximumAddresses && recent[address] == nil { forgetExpired(now: now, window: window) }
        var times = recent[address, default: []]
        times.removeAll { $0 <= now - window }
        let shown = address.isEmpty ? "an unknown address" : address
        if times.count >= limit.requests {
            counted.refused += 1
            recent[address] = times
            let retryAfter = max(1, Int((times[0] + window - now).rounded(.up)))
            if announced[address].map({ $0 <= now - window }) ?? true {
                announced[address] = now
                logger?.log(.notice, "authentication: \(shown) is over \(limit) failed attempts; refusing its unauthenticated requests with 429 for \(retryAfter) s")
            }
            return .limited(retryAfter: retryAfter)
        }
        times.append(now)
        recent[address] = times
        logger?.log(.notice, "authentication failed from \(shown): \(keyPresented ? "the API key is not valid" : "no API key")")
        return .unauthorized
    }

    private func forgetExpired(now: Double, window: Double) {
        recent = recent.filter { $0.value.last.map { $0 > now - window } ?? false }
        announced = announced.filter { $0.value > now - window }
        // Still full (a flood from more addresses than are tracked): start again rather than
        // grow without bound; only the limit's memory is lost, never a valid client's access.
        if recent.count >= Self.maximumAddresses {
            recent.removeAll()
            announced.removeAll()
        }
    }
}
