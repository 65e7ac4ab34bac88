import Synchronization
import Testing
@testable import MCP

/// `InFlightRequests`: registration, immediate starts and cancellation, whichever comes first.
@Suite struct InFlightRequestsTests {
    @Test func anImmediateRequestThatNeverSuspendsHasFinishedWhenStartReturns() {
        let requests = InFlightRequests()
        let ran = Mutex(false)
        requests.start(id: .integer(1), immediately: true) { ran.withLock { $0 = true } }
        let ranBeforeReturn = ran.withLock { $0 }
        #expect(ranBeforeReturn, "the body ran on the caller's thread, before start returned")
        #expect(requests.count == 0, "a finished request leaves no entry behind")
    }

    @Test func aCancellationReachesAnImmediateRequestThatSuspended() async {
        let requests = InFlightRequests()
        let outcome = AsyncStream<Bool>.makeStream()
        requests.start(id: .string("suspends"), immediately: true) {
            try? await Task.sleep(for: .seconds(30))
            outcome.continuation.yield(Task.isCancelled)
        }
        #expect(requests.count == 1)
        requests.cancel(id: .string("suspends"))
        var results = outcome.stream.makeAsyncIterator()
        #expect(await results.next() == true)
        #expect(requests.count == 0)
    }

    @Test func aCancellationArrivingBeforeTheTaskIsRecordedStillReachesIt() async {
        // The body cancels itself before its first suspension: at that moment `start` has not
        // yet recorded the task, so the cancellation must be remembered and delivered.
        let requests = InFlightRequests()
        let outcome = AsyncStream<Bool>.makeStream()
        requests.start(id: .integer(7), immediately: true) {
            requests.cancel(id: .integer(7))
            try? await Task.sleep(for: .seconds(30))
            outcome.continuation.yield(Task.isCancelled)
        }
        var results = outcome.stream.makeAsyncIterator()
        #expect(await results.next() == true)
        #expect(requests.count == 0)
    }

    @Test func cancellingAnUnknownOrFinishedRequestDoesNothing() async {
        let requests = InFlightRequests()
        requests.cancel(id: .string("never-started"))
        requests.start(id: .integer(2), immediately: true) {}
        requests.cancel(id: .integer(2))
        #expect(requests.count == 0)
        // The id may be reused by the client once answered; the new request is not cancelled.
        let outcome = AsyncStream<Bool>.makeStream()
        requests.start(id: .integer(2), immediately: false) {
            try? await Task.sleep(for: .milliseconds(20))
            outcome.continuation.yield(Task.isCancelled)
        }
        var results = outcome.stream.makeAsyncIterator()
        #expect(await results.next() == false)
    }

    @Test(arguments: [
        ("x\n", true), ("\n", true), ("{\"id\":1}\r\n", true),
        ("x\ny\n", false), ("x", false), ("x\ny", false), ("", false), ("\nx", false),
    ])
    func onlyAReadEndingItsOnlyLineCountsAsALoneRequest(text: String, lone: Bool) {
        let bytes = Array(text.utf8)
        #expect(bytes.withUnsafeBytes { StdioTransport.endsItsOnlyLine($0) } == lone)
    }
}
