import MCP
import Testing
@testable import TestExecution

@Suite struct TimestampTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (1_749_465_000, "2025-06-09T10:30:00Z"),
        (1_709_208_000, "2024-02-29T12:00:00Z"),  // leap day
        (1_709_251_199, "2024-02-29T23:59:59Z"),
        (1_709_251_200, "2024-03-01T00:00:00Z"),
        (951_868_799, "2000-02-29T23:59:59Z"),  // leap day of a year divisible by 400
        (4_107_542_400, "2100-03-01T00:00:00Z"),  // 2100 is not a leap year
        (-1, "1969-12-31T23:59:59Z"),
    ])
    func formatsKnownEpochs(_ seconds: Int64, _ expected: String) {
        #expect(Timestamp.format(secondsSinceEpoch: seconds) == expected)
    }

    @Test func nowIsISO8601UTCToTheSecond() {
        #expect(Timestamp.now().matches(timestampPattern), "\(Timestamp.now())")
    }
}
