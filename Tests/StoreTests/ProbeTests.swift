import Dispatch
import Foundation
import Testing
@testable import Store

/// `Store.probe`: inline on the caller's thread when it can be, on a pooled reader when it cannot.
@Suite("The database probe")
struct ProbeTests {
    @Test("a probe times its ping and returns its query's rows; a bad query is an error, not a fallback")
    func answers() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await Store.open(path: dir + "/store.sqlite")
            let probe = try await store.probe("SELECT ?, 'x'", [.integer(42)])
            #expect(probe.rows == [[.integer(42), .text("x")]])
            #expect(probe.latency >= .zero && probe.latency < .seconds(5))
            let error = await #expect(throws: StoreError.self) { _ = try await store.probe("SELECT FROM nowhere") }
            #expect(error?.code == "sqlite_error")
        }
    }

    @Test("while another caller holds the inline reader, a probe does not wait for it but uses a pooled reader")
    func inlineReaderInUse() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await Store.open(path: dir + "/store.sqlite")
            let (held, holding) = AsyncStream<Void>.makeStream()
            let release = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                _ = try? store.inlineReader.ifAvailable { _ throws(StoreError) in
                    holding.yield()
                    release.wait()
                }
            }
            var isHeld = held.makeAsyncIterator()
            await isHeld.next()
            #expect(try store.inlineReader.ifAvailable { _ throws(StoreError) in true } == nil)
            #expect(try await store.probe("SELECT 7").rows == [[.integer(7)]])
            release.signal()
        }
    }

    @Test("the inline reader never sleeps on a lock: its busy timeout is zero and busy means nil, not an error")
    func inlineReaderNeverWaits() async throws {
        try await withTemporaryDirectory { dir in
            let store = try await Store.open(path: dir + "/store.sqlite")
            let timeout = try store.inlineReader.ifAvailable { handle throws(StoreError) in try handle.query("PRAGMA busy_timeout") }
            #expect(timeout == [[.integer(Int64(InlineReader.busyTimeoutMilliseconds))]])
            #expect(InlineReader.busyTimeoutMilliseconds == 0)
            let busy = try store.inlineReader.ifAvailable { _ throws(StoreError) -> Int in
                throw .busy(message: "database is locked", sql: "SELECT")
            }
            #expect(busy == nil, "a busy read is left for a pooled reader to retry")
        }
    }
}
