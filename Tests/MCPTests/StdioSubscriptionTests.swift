import JSONRPC
import Testing
@testable import MCP
#if canImport(Glibc)
import Glibc
#endif

extension PipedTransport {
    /// Reads from the server's stdout until `count` more lines have arrived; returns them.
    func readLines(_ count: Int) async -> [JSONValue?] {
        let descriptor = clientRead
        let bytes = await onThread { () -> [UInt8] in
            var all: [UInt8] = []
            var byte: UInt8 = 0
            while all.filter({ $0 == 0x0A }).count < count, read(descriptor, &byte, 1) == 1 { all.append(byte) }
            return all
        }
        return lines(bytes)
    }
}

@Suite(.serialized) struct StdioSubscriptionTests {
    @Test func subscriptionsAndListenStreamsGoThroughTheWriterAndEndAtEndOfInput() async throws {
        let server = Demo.server()
        let piped = PipedTransport(server: server)
        let running = Task { await piped.run() }
        piped.write(initializeLine + #"{"jsonrpc":"2.0","method":"notifications/initialized"}"# + "\n"
                    + #"{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"demo://status"}}"# + "\n")
        let handshake = await piped.readLines(2)
        #expect(handshake.map { $0?["id"] } == [0, 2])
        piped.write(#"{"jsonrpc":"2.0","id":"s","method":"subscriptions/listen","params":{"notifications":{"resourceSubscriptions":["demo://status"]},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"# + "\n")
        let acknowledged = await piped.readLines(1)
        #expect(acknowledged.first??["method"] == "notifications/subscriptions/acknowledged")

        server.notifyResourceUpdated("demo://status")
        let updates = await piped.readLines(2)
        #expect(updates.compactMap { $0?["method"] } == ["notifications/resources/updated", "notifications/resources/updated"])
        #expect(updates.compactMap { $0?["params"]?["_meta"]?["io.modelcontextprotocol/subscriptionId"] } == ["s"],
                "one update for the handshake subscription, one on the listen stream")

        piped.closeInput()
        let rest = lines(await piped.readAll().value)
        #expect(await running.value == .endOfInput, "an open listen stream must not keep the transport from ending")
        #expect(rest.count == 2, "\(rest)")
        #expect(rest.first??["method"] == "notifications/cancelled" && rest.first??["params"]?["requestId"] == "s")
        #expect(rest.last??["id"] == "s" && rest.last??["result"]?["resultType"] == "complete")
    }
}
