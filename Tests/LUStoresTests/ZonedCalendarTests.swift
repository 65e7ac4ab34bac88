import Foundation
import Store
import Testing
@testable import LUStores

/// Days and local times of a zone as UTC instants, daylight-saving changes included.
@Suite("Zoned calendar")
struct ZonedCalendarTests {
    func utc(_ text: String) -> Int64 { UTCTime.parseStored(text)! }

    @Test("UTC days are plain arithmetic")
    func utcDays() throws {
        let calendar = try #require(ZonedCalendar(identifier: "UTC"))
        let day = try #require(UTCTime.parseDay("2025-06-10"))
        #expect(calendar.range(ofDay: day) == (utc("2025-06-10T00:00:00Z"), utc("2025-06-11T00:00:00Z")))
        #expect(calendar.localDay(at: utc("2025-06-10T23:59:59Z")) == day)
        #expect(calendar.instant(day: day, secondOfDay: 3600) == utc("2025-06-10T01:00:00Z"))
    }

    @Test("London days have 23 and 25 hours on the clock changes")
    func londonDaylightSaving() throws {
        let london = try #require(ZonedCalendar(identifier: "Europe/London"))
        let spring = try #require(UTCTime.parseDay("2025-03-30"))
        #expect(london.range(ofDay: spring) == (utc("2025-03-30T00:00:00Z"), utc("2025-03-30T23:00:00Z")))
        let autumn = try #require(UTCTime.parseDay("2025-10-26"))
        #expect(london.range(ofDay: autumn) == (utc("2025-10-25T23:00:00Z"), utc("2025-10-27T00:00:00Z")))
        #expect(london.localDay(at: utc("2025-06-09T23:30:00Z")) == spring + 72)  // 00:30 BST on 10 June
        #expect(london.instant(day: spring + 72, secondOfDay: 1800) == utc("2025-06-09T23:30:00Z"))
        #expect(london.instant(day: autumn, secondOfDay: 3600 + 1800) == utc("2025-10-26T00:30:00Z"))  // first 01:30
    }

    @Test("half-hour zones and unknown names")
    func otherZones() throws {
        let kolkata = try #require(ZonedCalendar(identifier: "Asia/Kolkata"))
        let day = try #require(UTCTime.parseDay("2025-06-11"))
        #expect(kolkata.range(ofDay: day).start == utc("2025-06-10T18:30:00Z"))
        #expect(ZonedCalendar(identifier: "Mars/Olympus_Mons") == nil)
    }
}
