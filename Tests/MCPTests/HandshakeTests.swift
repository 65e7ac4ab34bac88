import JSONRPC
import Testing
@testable import MCP

@Suite struct HandshakeTests {
    @Test(arguments: ProtocolRevision.handshakeRevisions)
    func echoesEverySupportedRevision(_ revision: ProtocolRevision) async {
        var driver = EngineDriver()
        let answer = await driver.initialize(revision.rawValue)
        #expect(answer?.result?["protocolVersion"] == .string(revision.rawValue))
        #expect(answer?.result?["capabilities"]?["tools"] != nil)
        #expect(answer?.result?["instructions"] == "Be kind.")
        let info = answer?.result?["serverInfo"]
        #expect(info?["name"] == "test-server")
        #expect((info?["title"] != nil) == (revision >= .v2025_06_18))
        #expect((info?["description"] != nil) == (revision >= .v2025_11_25))
    }

    @Test(arguments: ["1999-01-01", "2026-07-28", "banana"])
    func offersTheLatestHandshakeRevisionForAnyOther(_ requested: String) async {
        var driver = EngineDriver()
        let answer = await driver.initialize(requested)
        #expect(answer?.result?["protocolVersion"] == "2025-11-25")
    }

    @Test func refusesRequestsBeforeInitializeButAnswersPing() async {
        var driver = EngineDriver()
        #expect(await driver.send(request(1, "tools/list"))?.errorCode == -32600)
        #expect(await driver.send(request(2, "tools/call", ["name": "echo"]))?.errorCode == -32600)
        #expect(await driver.send(request(3, "ping"))?.result == [:])
        #expect(await driver.send(request(4, "no/such"))?.errorCode == -32601)
        _ = await driver.initialize("2025-06-18")
        #expect(await driver.send(request(5, "tools/list"))?.result?["tools"] != nil)
    }

    @Test func refusesASecondInitialize() async {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-06-18")
        let again = await driver.send(request(2, "initialize", ["protocolVersion": "2024-11-05", "capabilities": [:]]))
        #expect(again?.errorCode == -32600)
        #expect(driver.session.revision == .v2025_06_18)
    }

    @Test func rejectsAnInitializeWithoutAVersion() async {
        var driver = EngineDriver()
        #expect(await driver.send(request(1, "initialize", ["capabilities": [:]]))?.errorCode == -32602)
        #expect(await driver.send(request(2, "initialize", ["protocolVersion": 5]))?.errorCode == -32602)
        #expect(!driver.session.isInitialized)
    }

    @Test func setsTheLogLevelAndValidatesIt() async {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-11-25")
        #expect(await driver.send(request(2, "logging/setLevel", ["level": "info"]))?.result == [:])
        #expect(driver.session.logLevel == .info)
        #expect(await driver.send(request(3, "logging/setLevel", ["level": "loud"]))?.errorCode == -32602)
    }

    @Test func answersNothingToNotificationsAndResponses() async {
        var driver = EngineDriver()
        #expect(await driver.send(#"{"jsonrpc":"2.0","method":"notifications/whatever"}"#) == nil)
        #expect(await driver.send(#"{"jsonrpc":"2.0","id":9,"result":{}}"#) == nil)
        #expect(await driver.send(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}"#) == nil)
    }

    @Test func answersMalformedInputWithTheRightCodes() async {
        var driver = EngineDriver()
        let parse = await driver.send("{not json")
        #expect(parse?.errorCode == -32700)
        #expect(parse?["id"] == .null)
        #expect(await driver.send(#"{"jsonrpc":"2.0","id":1}"#)?.errorCode == -32600)
        #expect(await driver.send(#"[1,2]"#)?.errorCode == -32600)
        #expect(await driver.send(#"{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}"#)?.errorCode == -32602)
    }
}
