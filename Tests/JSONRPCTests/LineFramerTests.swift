import Testing
@testable import JSONRPC

@Suite struct LineFramerTests {
    func frames(_ chunks: [[UInt8]], limit: Int = 16, finish: Bool = true) -> [LineFramer.Frame] {
        var framer = LineFramer(maximumLineBytes: limit)
        var out: [LineFramer.Frame] = []
        for chunk in chunks {
            chunk.withUnsafeBytes { framer.append($0) { out.append($0) } }
        }
        if finish { framer.finish { out.append($0) } }
        return out
    }

    func text(_ string: String) -> [UInt8] { Array(string.utf8) }

    @Test func splitsLinesAcrossChunks() {
        #expect(frames([text("ab\ncd"), text("e\nf")]) == [.line(text("ab")), .line(text("cde")), .line(text("f"))])
    }

    @Test func dropsCarriageReturnsAndBlankLines() {
        #expect(frames([text("a\r\n\n  \r\n\tb\n")]) == [.line(text("a")), .line(text("\tb"))])
    }

    @Test func reportsAnOversizedLineOnceAndCarriesOn() {
        let long = [UInt8](repeating: 0x61, count: 40)
        #expect(frames([text("x\n"), long, long, text("\ny\n")]) == [.line(text("x")), .oversized(byteCount: 80), .line(text("y"))])
    }

    @Test func acceptsALineOfExactlyTheLimit() {
        let exact = [UInt8](repeating: 0x61, count: 16)
        #expect(frames([exact + [0x0A]]) == [.line(exact)])
        #expect(frames([exact + [0x61, 0x0A]]) == [.oversized(byteCount: 17)])
    }

    @Test func deliversTheUnterminatedTailAtTheEnd() {
        #expect(frames([text("a\n{\"half")]) == [.line(text("a")), .line(text("{\"half"))])
        #expect(frames([text("a\n{\"half")], finish: false) == [.line(text("a"))])
        #expect(frames([[UInt8](repeating: 0x61, count: 20)]) == [.oversized(byteCount: 20)])
    }

    @Test func passesBinaryBytesThrough() {
        let binary: [UInt8] = [0x00, 0xFF, 0x80, 0x0D, 0x0A]
        #expect(frames([binary]) == [.line([0x00, 0xFF, 0x80])])
    }

    @Test func holdsNoMoreThanTheLimitWhileDiscarding() {
        var framer = LineFramer(maximumLineBytes: 1024)
        var delivered: [LineFramer.Frame] = []
        let chunk = [UInt8](repeating: 0x7B, count: 64 << 10)
        for _ in 0..<160 {  // 10 MiB without a newline
            chunk.withUnsafeBytes { framer.append($0) { delivered.append($0) } }
        }
        text("\n").withUnsafeBytes { framer.append($0) { delivered.append($0) } }
        #expect(delivered == [.oversized(byteCount: 160 * (64 << 10))])
    }
}
