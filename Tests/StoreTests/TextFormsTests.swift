import Testing
@testable import Store

/// Stored times, ISO 8601 arguments and exact decimals.
@Suite("Times and decimals")
struct TextFormsTests {
    @Test("UTC times round-trip through the stored text form, leap days included")
    func storedTimes() {
        #expect(UTCTime.format(0) == "1970-01-01T00:00:00Z")
        #expect(UTCTime.format(1_749_460_500) == "2025-06-09T09:15:00Z")
        #expect(UTCTime.format(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(UTCTime.format(-1) == "1969-12-31T23:59:59Z")
        #expect(UTCTime.format(.max) == "9999-12-31T23:59:59Z")
        #expect(UTCTime.format(.min) == "0001-01-01T00:00:00Z")
        for seconds: Int64 in [0, -1, 86_399, 86_400, 951_782_400, 4_102_444_800, -62_135_596_800, 253_402_300_799] {
            #expect(UTCTime.parseStored(UTCTime.format(seconds)) == seconds)
        }
        for bad in ["2025-06-09 09:15:00Z", "2025-02-29T00:00:00Z", "2025-06-09T24:00:00Z", "2025-06-09T09:15:60Z",
                    "2025-6-09T09:15:00Z", "2025-06-09T09:15:00", "+025-06-09T09:15:00Z"] {
            #expect(UTCTime.parseStored(bad) == nil, "\(bad)")
        }
    }

    @Test("days parse only when real")
    func days() {
        #expect(UTCTime.parseDay("2024-02-29") == 19_782)
        #expect(UTCTime.formatDay(19_782) == "2024-02-29")
        for bad in ["2023-02-29", "2025-13-01", "2025-00-10", "2025-04-31", "0000-01-01", "2025-1-01", "2025-01-01x", ""] {
            #expect(UTCTime.parseDay(bad) == nil, "\(bad)")
        }
        #expect(UTCTime.day(of: -1) == -1)
        #expect(UTCTime.day(of: -86_400) == -1)
        #expect(UTCTime.day(of: -86_401) == -2)
    }

    @Test("ISO 8601 times with Z, offsets, fractions or no zone")
    func iso8601() throws {
        let base: Int64 = 1_749_461_400  // 2025-06-09T09:30:00Z
        #expect(ISO8601Time.parse("2025-06-09T09:30:00Z")?.utcSeconds == base)
        #expect(ISO8601Time.parse("2025-06-09t09:30z")?.utcSeconds == base)
        #expect(ISO8601Time.parse("2025-06-09 10:30:00+01:00")?.utcSeconds == base)
        #expect(ISO8601Time.parse("2025-06-09T05:00:00-0430")?.utcSeconds == base)
        #expect(ISO8601Time.parse("2025-06-09T10:30:00+01")?.utcSeconds == base)
        #expect(ISO8601Time.parse("2025-06-09T09:30:00.000Z")?.utcSeconds == base)
        #expect(ISO8601Time.parse("2025-06-09T09:29:59.25Z")?.utcSeconds == base)  // a fraction rounds up
        let local = try #require(ISO8601Time.parse("2025-06-09T09:30:15"))
        #expect(local.offsetSeconds == nil && local.utcSeconds == nil)
        #expect(local.day == 20_248 && local.secondOfDay == 34_215)
        for bad in ["2025-06-09", "2025-06-09T9:30Z", "2025-06-09T09:30:00+24:00", "2025-06-09T09:30:00+01:60",
                    "2025-06-09T09:30:00.Z", "2025-06-09T09:30:00.1234567890Z", "2025-06-31T09:30:00Z",
                    "2025-06-09T09:30:00Zjunk", "2025-06-09T09:30:61Z", "2025-06-09X09:30:00Z", "2025-06-09T09:30:00+1:00"] {
            #expect(ISO8601Time.parse(bad) == nil, "\(bad)")
        }
    }

    @Test("decimals parse exactly at their scale or not at all")
    func decimals() {
        #expect(ScaledDecimal.parse("12.5", scale: 2) == 1250)
        #expect(ScaledDecimal.parse("0.1", scale: 2) == 10)
        #expect(ScaledDecimal.parse("19.99", scale: 2) == 1999)
        #expect(ScaledDecimal.parse("-3.10", scale: 2) == -310)
        #expect(ScaledDecimal.parse("1e2", scale: 2) == 10_000)
        #expect(ScaledDecimal.parse("1.5E-1", scale: 3) == 150)
        #expect(ScaledDecimal.parse("2.500", scale: 2) == 250)
        #expect(ScaledDecimal.parse("0.125", scale: 2) == nil)
        #expect(ScaledDecimal.parse("1e-05", scale: 4) == nil)
        #expect(ScaledDecimal.parse("99999999999999999999", scale: 2) == nil)
        for bad in ["", ".", "-", "1.2.3", "1,5", "1e", "abc", " 1"] {
            #expect(ScaledDecimal.parse(bad, scale: 2) == nil, "\(bad)")
        }
        #expect(ScaledDecimal.format(1250, scale: 2) == "12.50")
        #expect(ScaledDecimal.format(-5, scale: 2) == "-0.05")
    }

    @Test("lines round half-up to the penny")
    func lineRounding() {
        #expect(ScaledDecimal.divideRoundingHalfUp(5, by: 10) == 1)
        #expect(ScaledDecimal.divideRoundingHalfUp(4, by: 10) == 0)
        #expect(ScaledDecimal.divideRoundingHalfUp(-5, by: 10) == -1)
        #expect(ScaledDecimal.lineSubtotal(unitPricePence: 33, quantityThousandths: 1500) == 50)  // 49.5p → 50p
        #expect(ScaledDecimal.lineSubtotal(unitPricePence: 225, quantityThousandths: 500) == 113)  // 112.5p
        #expect(ScaledDecimal.lineSubtotal(unitPricePence: 1999, quantityThousandths: 2000) == 3998)
        #expect(ScaledDecimal.lineVAT(subtotalPence: 20, rateTenThousandths: 1750) == 4)  // 3.5p → 4p
        #expect(ScaledDecimal.lineVAT(subtotalPence: 113, rateTenThousandths: 2000) == 23)  // 22.6p
        #expect(ScaledDecimal.lineVAT(subtotalPence: 113, rateTenThousandths: 0) == 0)
        #expect(ScaledDecimal.lineSubtotal(unitPricePence: .max, quantityThousandths: 2) == nil)
    }
}
