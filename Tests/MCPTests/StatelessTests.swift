import JSONRPC
import Testing
@testable import MCP

@Suite struct StatelessTests {
    @Test func discoverDescribesTheServer() async {
        var driver = EngineDriver()
        let result = await driver.send(statelessRequest(1, "server/discover"))?.result
        #expect(result?["resultType"] == "complete")
        #expect(result?["supportedVersions"] == ["2026-07-28"])
        #expect(result?["capabilities"]?["tools"] != nil)
        #expect(result?["ttlMs"]?.integerValue ?? -1 >= 0)
        #expect(result?["cacheScope"] == "public")
        #expect(result?["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"] == "test-server")
        #expect(!driver.session.isInitialized)
    }

    @Test func requiresTheEnvelope() async {
        var driver = EngineDriver()
        #expect(await driver.send(request(1, "server/discover", [:]))?.errorCode == -32602)
        #expect(await driver.send(request(2, "server/discover"))?.errorCode == -32602)
        let noCapabilities = request(3, "server/discover", ["_meta": ["io.modelcontextprotocol/protocolVersion": "2026-07-28"]])
        #expect(await driver.send(noCapabilities)?.errorCode == -32602)
        let noVersion = request(4, "tools/list", ["_meta": ["io.modelcontextprotocol/clientCapabilities": [:]]])
        // Without a version in _meta this is a handshake-era request, refused before initialize.
        #expect(await driver.send(noVersion)?.errorCode == -32600)
    }

    @Test func rejectsUnsupportedVersionsWithTheSupportedList() async {
        var driver = EngineDriver()
        for version in ["v999.0.0", "2025-06-18"] {
            let answer = await driver.send(statelessRequest(1, "server/discover", version: version))
            #expect(answer?.errorCode == -32022)
            #expect(answer?["error"]?["data"]?["supported"] == ["2026-07-28"])
            #expect(answer?["error"]?["data"]?["requested"] == .string(version))
            #expect(answer?["id"] == 1)
        }
    }

    @Test(arguments: ["ping", "logging/setLevel", "resources/list", "prompts/list", "completion/complete", "unknown/method"])
    func answersRemovedAndUnofferedMethodsWithMethodNotFound(_ method: String) async {
        var driver = EngineDriver()
        #expect(await driver.send(statelessRequest(1, method))?.errorCode == -32601)
    }

    @Test func decoratesListAndCallResults() async {
        var driver = EngineDriver()
        let list = await driver.send(statelessRequest(1, "tools/list"))?.result
        #expect(list?["resultType"] == "complete" && list?["ttlMs"] != nil && list?["cacheScope"] != nil)
        #expect(list?["tools"]?.arrayValue?.first?["outputSchema"] != nil)
        let call = await driver.send(statelessRequest(2, "tools/call", JSONObject([("name", "echo"), ("arguments", ["text": "x"])])))?.result
        #expect(call?["resultType"] == "complete")
        #expect(call?["structuredContent"] == ["text": "x"])
        #expect(call?["_meta"]?["io.modelcontextprotocol/serverInfo"] != nil)
        #expect(call?["ttlMs"] == nil)
    }

    @Test func validatesTheLogLevelInMeta() async {
        var driver = EngineDriver()
        let bad = statelessRequest(1, "tools/list", extraMeta: JSONObject([("io.modelcontextprotocol/logLevel", "loud")]))
        #expect(await driver.send(bad)?.errorCode == -32602)
    }

    @Test func servesBothErasInOneProcess() async {
        var driver = EngineDriver()
        #expect(await driver.send(statelessRequest(1, "tools/list"))?.result?["resultType"] == "complete")
        _ = await driver.initialize("2025-03-26")
        let legacy = await driver.send(request(2, "tools/list"))?.result
        #expect(legacy?["resultType"] == nil)
        #expect(legacy?["tools"]?.arrayValue?.first?["outputSchema"] == nil)
        let modern = await driver.send(statelessRequest(3, "tools/list"))?.result
        #expect(modern?["tools"]?.arrayValue?.first?["outputSchema"] != nil)
    }
}

@Suite struct BatchTests {
    @Test func answersABatchOn20250326WithAnArray() async {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-03-26")
        let batch: JSONValue = [request(2, "ping"), request(3, "tools/call", ["name": "echo", "arguments": ["text": "b"]]),
                                ["jsonrpc": "2.0", "method": "notifications/initialized"], request(4, "nope")]
        let answers = await driver.send(batch)?.arrayValue ?? []
        #expect(answers.map { $0["id"] } == [2, 3, 4])
        #expect(answers[1].result?["content"] != nil)
        #expect(answers[2].errorCode == -32601)
    }

    /// Found by the fuzzer: a notification named initialize inside a batch was answered.
    @Test func neverAnswersANotificationInABatchEvenOneNamedInitialize() async {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-03-26")
        let batch = #"[{"jsonrpc":"2.0","method":"notifications/cancelled","p":5,"method":"initialize","params":{}}]"#
        #expect(await driver.send(batch) == nil)
    }

    @Test func sendsNothingForABatchOfNotifications() async {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-03-26")
        #expect(await driver.send(#"[{"jsonrpc":"2.0","method":"notifications/initialized"}]"#) == nil)
    }

    @Test func refusesBatchesOnOtherRevisionsAndEmptyOnes() async {
        var driver = EngineDriver()
        #expect(await driver.send("[]")?.errorCode == -32600)
        _ = await driver.initialize("2025-06-18")
        #expect(await driver.send(JSONValue.array([request(2, "ping")]))?.errorCode == -32600)
        var march = EngineDriver()
        _ = await march.initialize("2025-03-26")
        #expect(await march.send("[]")?.errorCode == -32600)
        let withInitialize = await march.send(JSONValue.array([request(5, "initialize", ["protocolVersion": "2025-03-26"])]))
        #expect(withInitialize?.arrayValue?.first?.errorCode == -32600)
    }
}
