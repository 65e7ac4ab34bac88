import PostgresTesting
import PostgresStore
import Store
import Testing

/// `salesPage` against the fixtures (Tests/Postgres/fixtures.sql), in both schema variants, read
/// as the SELECT-only role. Every expected figure is worked out by hand from the fixture rows.
@Suite(requiresPostgreSQL)
struct SalesMappingTests {
    static let variants = ["lus_drizzle", "lus_init"]

    private static func sale(_ id: Int64, _ ref: String, _ code: String, total: Int64, subtotal: Int64, vat: Int64,
                             lines: Int64, _ status: String, _ created: String) -> SaleRecord {
        SaleRecord(id: id, saleRef: ref, chargeCode: code, totalPence: total, subtotalPence: subtotal, vatPence: vat,
                   lineCount: lines, status: status, createdAt: created)
    }

    static let s1 = sale(1, "S001", "DEPT001", total: 1100, subtotal: 917, vat: 183, lines: 2, "completed", "2026-11-26T23:59:59Z")
    static let s2 = sale(2, "S002", "dept001", total: 600, subtotal: 500, vat: 100, lines: 1, "paid", "2026-11-27T00:00:00Z")
    static let s3 = sale(3, "S003", "DEPT002", total: 240, subtotal: 200, vat: 40, lines: 1, "refunded", "2026-11-27T09:00:00Z")
    static let s4 = sale(4, "S004", "Dept001", total: 4917, subtotal: 4764, vat: 153, lines: 3, "completed", "2026-11-27T12:30:45Z")
    static let s6 = sale(6, "S006", "DEPT002", total: 851, subtotal: 709, vat: 142, lines: 2, "completed", "2026-11-27T23:59:59Z")
    static let s7 = sale(7, "S007", "unknown9", total: 8003, subtotal: 8003, vat: 0, lines: 1, "paid", "2026-11-28T00:00:00Z")
    static let s8 = sale(8, "S008", "DEPT002", total: 399, subtotal: 333, vat: 66, lines: 1, "completed", "2026-11-28T10:15:00Z")
    static let s9 = sale(9, "S009", "lab9", total: 60, subtotal: 50, vat: 10, lines: 1, "completed", "2026-11-28T10:15:00Z")
    static let s10 = sale(10, "S010", "DEPT001", total: 0, subtotal: 0, vat: 0, lines: 0, "completed", "2026-11-25T08:00:00Z")

    @Test("every sale: newest first (id breaks ties), NULL created_at left out, revenue = completed + paid",
          arguments: variants)
    func everySale(database: String) async throws {
        let source = try readerSource(database)
        let page = try await source.salesPage(SalesQuery(limit: 50))
        await source.close()
        #expect(page.sales == [Self.s9, Self.s8, Self.s7, Self.s6, Self.s4, Self.s3, Self.s2, Self.s1, Self.s10])
        #expect(page.total == 9)
        #expect(page.revenuePence == 15930)  // every sale but the refunded S003 (and S005, undated)
    }

    @Test("a page: offset and limit over the same order, figures of every match", arguments: variants)
    func pagination(database: String) async throws {
        let source = try readerSource(database)
        let page = try await source.salesPage(SalesQuery(offset: 3, limit: 3))
        let beyond = try await source.salesPage(SalesQuery(offset: 9, limit: 3))
        await source.close()
        #expect(page.sales == [Self.s6, Self.s4, Self.s3])
        #expect(page.total == 9)
        #expect(beyond.sales.isEmpty && beyond.total == 9 && beyond.revenuePence == 15930)
    }

    @Test("charge codes match case-insensitively and are reported as typed", arguments: variants)
    func chargeCode(database: String) async throws {
        let source = try readerSource(database)
        let lower = try await source.salesPage(SalesQuery(chargeCode: "dept001", limit: 50))
        let mixed = try await source.salesPage(SalesQuery(chargeCode: "DePt001", limit: 50))
        let unknown = try await source.salesPage(SalesQuery(chargeCode: "NOPE", limit: 50))
        await source.close()
        #expect(lower.sales == [Self.s4, Self.s2, Self.s1, Self.s10])
        #expect(lower.total == 4 && lower.revenuePence == 6617)
        #expect(mixed == lower)
        #expect(unknown == SalesPage(sales: [], total: 0, revenuePence: 0))
    }

    @Test("a UTC day: microseconds on both boundaries, the upper bound exclusive", arguments: variants)
    func oneDay(database: String) async throws {
        let source = try readerSource(database)
        let day = try await source.salesPage(SalesQuery(from: midnight(2026, 11, 27), to: midnight(2026, 11, 28), limit: 50))
        let openEnded = try await source.salesPage(SalesQuery(from: midnight(2026, 11, 28), limit: 50))
        let before = try await source.salesPage(SalesQuery(to: midnight(2026, 11, 27), limit: 50))
        let empty = try await source.salesPage(SalesQuery(from: midnight(2026, 11, 28), to: midnight(2026, 11, 27), limit: 50))
        await source.close()
        #expect(day.sales == [Self.s6, Self.s4, Self.s3, Self.s2])
        #expect(day.total == 4 && day.revenuePence == 6368)
        #expect(openEnded.sales == [Self.s9, Self.s8, Self.s7])
        #expect(before.sales == [Self.s1, Self.s10])
        #expect(empty == SalesPage(sales: [], total: 0, revenuePence: 0))
    }

    @Test("status filters compare the stored value; paid earns, refunded does not", arguments: variants)
    func status(database: String) async throws {
        let source = try readerSource(database)
        let paid = try await source.salesPage(SalesQuery(status: .paid, limit: 50))
        let refunded = try await source.salesPage(SalesQuery(status: .refunded, limit: 50))
        let completedOneCode = try await source.salesPage(SalesQuery(chargeCode: "dept002", status: .completed,
                                                                      from: midnight(2026, 11, 27), limit: 50))
        await source.close()
        #expect(paid.sales == [Self.s7, Self.s2] && paid.total == 2 && paid.revenuePence == 8603)
        #expect(refunded.sales == [Self.s3] && refunded.total == 1 && refunded.revenuePence == 0)
        #expect(completedOneCode.sales == [Self.s8, Self.s6] && completedOneCode.revenuePence == 1250)
    }
}
