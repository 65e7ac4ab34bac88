#if canImport(Glibc)
import Glibc
#endif

/// Seconds as plain numbers from the system's clocks, for timeouts, windows and lifetimes kept
/// in `Double`s.
public enum MonotonicClock {
    /// Seconds since an arbitrary start, never going backwards (`CLOCK_MONOTONIC`): the clock of
    /// every timeout and window, unaffected by changes to the wall clock.
    public static func now() -> Double { read(CLOCK_MONOTONIC) }

    /// Seconds since the Unix epoch (`CLOCK_REALTIME`): for times shown to clients, never for
    /// measuring intervals.
    public static func wallNow() -> Double { read(CLOCK_REALTIME) }

    private static func read(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
