import JSONRPC
import Synchronization
import Testing
@testable import MCP

/// Collects what a listen stream is sent and lets a test wait for the n-th message.
final class StreamRecorder: Sendable {
    private let state = Mutex<(messages: [JSONValue], waiters: [(Int, CheckedContinuation<Void, Never>)])>(([], []))

    var sink: MessageSink {
        { value in
            let ready = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.messages.append(value)
                let count = state.messages.count
                let ready = state.waiters.filter { $0.0 <= count }.map(\.1)
                state.waiters.removeAll { $0.0 <= count }
                return ready
            }
            for continuation in ready { continuation.resume() }
        }
    }

    var messages: [JSONValue] { state.withLock { $0.messages } }

    /// Returns once `count` messages have arrived.
    func wait(for count: Int) async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                if state.messages.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }
}

@Suite struct SubscriptionTests {
    @Test(arguments: ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"])
    func notifiesSubscribersUntilTheyUnsubscribe(_ revision: String) async throws {
        var driver = EngineDriver.demo()
        _ = await driver.initialize(revision)
        driver.server.notifyResourceUpdated("demo://status")
        #expect(driver.recorder.recorded.isEmpty, "nothing before a subscription")

        #expect(await driver.send(request(2, "resources/subscribe", ["uri": "demo://status"]))?.result == [:])
        #expect(await driver.send(request(3, "resources/subscribe", ["uri": "demo://runs/17"]))?.result == [:])
        driver.server.notifyResourceUpdated("demo://status")
        driver.server.notifyResourceUpdated("demo://logo")
        driver.server.notifyResourceUpdated("demo://runs/17")
        #expect(driver.recorder.recorded == [
            ["jsonrpc": "2.0", "method": "notifications/resources/updated", "params": ["uri": "demo://status"]],
            ["jsonrpc": "2.0", "method": "notifications/resources/updated", "params": ["uri": "demo://runs/17"]],
        ])

        #expect(await driver.send(request(4, "resources/unsubscribe", ["uri": "demo://status"]))?.result == [:])
        driver.server.notifyResourceUpdated("demo://status")
        #expect(driver.recorder.recorded.count == 2, "nothing after unsubscribing")
        #expect(driver.session.notifications?.subscribedURIs == ["demo://runs/17"])

        for method in ["resources/subscribe", "resources/unsubscribe"] {
            let unknown = await driver.send(request(5, method, ["uri": "demo://nothing"]))
            #expect(unknown?.errorCode == -32002 && unknown?["error"]?["data"]?["uri"] == "demo://nothing")
            #expect(await driver.send(request(6, method, [:]))?.errorCode == -32602)
        }
    }

    @Test func reachesEveryConnectionThatSubscribed() async {
        let server = Demo.server()
        var first = EngineDriver(server: server)
        first.session.notifications = server.openChannel(sink: first.recorder.sink)
        var second = EngineDriver(server: server)
        second.session.notifications = server.openChannel(sink: second.recorder.sink)
        for index in [0, 1] {
            var driver = index == 0 ? first : second
            _ = await driver.initialize("2025-06-18")
            _ = await driver.send(request(2, "resources/subscribe", ["uri": "demo://status"]))
        }
        server.notifyResourceUpdated("demo://status")
        #expect(first.recorder.recorded.count == 1 && second.recorder.recorded.count == 1)
        second.session.notifications?.close()
        server.notifyResourceUpdated("demo://status")
        #expect(first.recorder.recorded.count == 2 && second.recorder.recorded.count == 1, "a closed channel gets nothing")
    }

    @Test func refusesToSubscribeWithoutAChannel() async {
        var driver = EngineDriver(server: Demo.server())
        _ = await driver.initialize("2025-11-25")
        #expect(await driver.send(request(2, "resources/subscribe", ["uri": "demo://status"]))?.errorCode == -32600)
    }

    @Test func removedHandshakeSubscriptionsIn20260728() async {
        var driver = EngineDriver.demo()
        for method in ["resources/subscribe", "resources/unsubscribe"] {
            #expect(await driver.send(statelessRequest(2, method, JSONObject([("uri", "demo://status")])))?.errorCode == -32601)
        }
        _ = await driver.initialize("2025-11-25")
        #expect(await driver.send(request(3, "subscriptions/listen", ["notifications": [:]]))?.errorCode == -32601,
                "subscriptions/listen does not exist before 2026-07-28")
    }

    /// Starts `subscriptions/listen` with id `id` on `driver`'s channel; its messages go to `stream`.
    func listen(_ driver: inout EngineDriver, id: Int64, notifications: JSONValue,
                stream: StreamRecorder) -> Task<JSONValue?, Never>? {
        let disposition = driver.server.receive(statelessRequest(id, "subscriptions/listen", JSONObject([("notifications", notifications)])),
                                                session: &driver.session)
        guard case .work(let requestID, let work) = disposition else { return nil }
        #expect(requestID == .integer(id))
        let sink = stream.sink
        return Task { await work(sink) }
    }

    @Test func listenStreamsAcknowledgeThenCarryTheirUpdatesUntilCancelled() async throws {
        var driver = EngineDriver.demo()
        let stream = StreamRecorder()
        let task = try #require(listen(&driver, id: 7, notifications: [
            "resourceSubscriptions": ["demo://status", "demo://nothing", "demo://runs/18"], "toolsListChanged": true,
        ], stream: stream))
        await stream.wait(for: 1)
        let meta: JSONValue = ["io.modelcontextprotocol/subscriptionId": 7]
        #expect(stream.messages[0] == ["jsonrpc": "2.0", "method": "notifications/subscriptions/acknowledged", "params": [
            "_meta": meta, "notifications": ["resourceSubscriptions": ["demo://status", "demo://runs/18"]]]],
                "the acknowledgement names only what is honoured: known URIs, no tool list changes")
        driver.server.notifyResourceUpdated("demo://logo")
        driver.server.notifyResourceUpdated("demo://runs/18")
        await stream.wait(for: 2)
        #expect(stream.messages[1] == ["jsonrpc": "2.0", "method": "notifications/resources/updated",
                                       "params": ["uri": "demo://runs/18", "_meta": meta]])
        #expect(driver.recorder.recorded.isEmpty, "listen updates go on the stream, not the handshake channel")
        task.cancel()
        let answer = await task.value
        #expect(answer == Optional<JSONValue>.none, "a cancelled stream gets no response, got \(String(describing: answer))")
        driver.server.notifyResourceUpdated("demo://runs/18")
        #expect(stream.messages.count == 2, "nothing after cancellation")
        #expect(driver.session.notifications?.isListening(.integer(7)) == false)
    }

    @Test func closingTheChannelEndsListenStreamsWithTheirFinalResult() async throws {
        var driver = EngineDriver.demo()
        let stream = StreamRecorder()
        let task = try #require(listen(&driver, id: 8, notifications: ["resourceSubscriptions": ["demo://status"]], stream: stream))
        await stream.wait(for: 1)
        driver.session.notifications?.close(sendingCancelled: true)
        let final = try #require(await task.value)
        #expect(final["id"] == 8)
        #expect(final.result?["resultType"] == "complete")
        #expect(final.result?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == 8)
        #expect(final.result?["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"] == "demo")
        #expect(stream.messages.last == ["jsonrpc": "2.0", "method": "notifications/cancelled",
                                         "params": ["requestId": 8, "reason": "the server is shutting down"]])
        driver.server.notifyResourceUpdated("demo://status")
        #expect(stream.messages.count == 2)
    }

    @Test func aListenWithoutAConnectionChannelEndsWhenTheServerClosesEverything() async throws {
        var driver = EngineDriver(server: Demo.server())  // as an HTTP request: no channel in the session
        let stream = StreamRecorder()
        let task = try #require(listen(&driver, id: 9, notifications: ["resourceSubscriptions": ["demo://status"]], stream: stream))
        await stream.wait(for: 1)
        driver.server.notifyResourceUpdated("demo://status")
        await stream.wait(for: 2)
        driver.server.closeAllChannels()
        #expect(await task.value?.result?["_meta"]?["io.modelcontextprotocol/subscriptionId"] == 9)
        #expect(stream.messages.count == 2, "no notifications/cancelled off stdio")
    }

    @Test func refusesMalformedListenRequests() async {
        var driver = EngineDriver.demo()
        #expect(await driver.send(statelessRequest(1, "subscriptions/listen"))?.errorCode == -32602)
        #expect(await driver.send(statelessRequest(2, "subscriptions/listen", JSONObject([("notifications", ["resourceSubscriptions": "x"])])))?
            .errorCode == -32602)
        #expect(await driver.send(statelessRequest(3, "subscriptions/listen", JSONObject([("notifications", ["resourceSubscriptions": [1]])])))?
            .errorCode == -32602)
    }
}
