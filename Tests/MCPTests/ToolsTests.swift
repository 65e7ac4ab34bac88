import JSONRPC
import Testing
@testable import MCP

@Suite struct ToolsTests {
    func tools(at revision: String) async -> [JSONValue] {
        var driver = EngineDriver()
        _ = await driver.initialize(revision)
        return await driver.send(request(2, "tools/list"))?.result?["tools"]?.arrayValue ?? []
    }

    @Test func listsOnlyFieldsEachRevisionDefines() async {
        let old = await tools(at: "2024-11-05")[0]
        #expect(old["title"] == nil && old["annotations"] == nil && old["outputSchema"] == nil)
        #expect(old["inputSchema"] != nil && old["description"] != nil)

        let march = await tools(at: "2025-03-26")[0]
        #expect(march["title"] == nil && march["outputSchema"] == nil)
        #expect(march["annotations"]?["title"] == "Echo")
        #expect(march["annotations"]?["readOnlyHint"] == true)

        for revision in ["2025-06-18", "2025-11-25"] {
            let tool = await tools(at: revision)[0]
            #expect(tool["title"] == "Echo")
            #expect(tool["outputSchema"] != nil)
            #expect(tool["annotations"]?["title"] == nil)
        }
    }

    @Test func listsToolsInDeclarationOrderEveryTime() async {
        let first = await tools(at: "2025-06-18").compactMap { $0["name"]?.stringValue }
        let second = await tools(at: "2025-06-18").compactMap { $0["name"]?.stringValue }
        #expect(first == ["echo", "slow", "fail"])
        #expect(first == second)
    }

    @Test func paginatesWithOpaqueCursors() async {
        var driver = EngineDriver(server: testServer(pageSize: 2))
        _ = await driver.initialize("2025-06-18")
        let page1 = await driver.send(request(2, "tools/list"))?.result
        #expect(page1?["tools"]?.arrayValue?.count == 2)
        let cursor = page1?["nextCursor"]
        #expect(cursor?.stringValue != nil)
        let page2 = await driver.send(request(3, "tools/list", ["cursor": cursor ?? nil]))?.result
        #expect(page2?["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["fail"])
        #expect(page2?["nextCursor"] == nil)
        for bad: JSONValue in ["tools:99", "tools:0", "x", "tools:-1", "", 5] {
            #expect(await driver.send(request(4, "tools/list", ["cursor": bad]))?.errorCode == -32602)
        }
    }

    @Test func callsAToolWithStructuredContentAndTheSameText() async throws {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-06-18")
        let result = await driver.send(request(2, "tools/call", ["name": "echo", "arguments": ["text": "hi"]]))?.result
        #expect(result?["structuredContent"] == ["text": "hi"])
        #expect(result?["isError"] == false)
        let text = try #require(result?["content"]?.arrayValue?.first?["text"]?.stringValue)
        #expect(try JSONParser.parse(text) == ["text": "hi"])
    }

    @Test func sendsNoStructuredContentBefore20250618() async {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-03-26")
        let result = await driver.send(request(2, "tools/call", ["name": "echo"]))?.result
        #expect(result?["structuredContent"] == nil)
        #expect(result?["content"]?.arrayValue?.count == 1)
    }

    @Test func acceptsACallWithoutArguments() async {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-11-25")
        #expect(await driver.send(request(2, "tools/call", ["name": "echo"]))?.result?["structuredContent"] == [:])
        #expect(await driver.send(request(3, "tools/call", ["name": "echo", "arguments": nil]))?.result?["isError"] == false)
    }

    @Test func reportsBadArgumentsAsToolErrorsNamingTheField() async {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-11-25")
        let cases: [(JSONValue, String)] = [
            (["bogus": 1], "bogus: unknown field"),
            (["count": "3"], "count: must be an integer, got string"),
            (["count": 9], "count: must be at most 5"),
            (["count": 0], "count: must be at least 1"),
            (["count": 2.5], "count: must be an integer, got number"),
            (["text": .string(String(repeating: "x", count: 21))], "text: must be at most 20 characters"),
        ]
        for (arguments, expected) in cases {
            let result = await driver.send(request(2, "tools/call", ["name": "echo", "arguments": arguments]))?.result
            #expect(result?["isError"] == true)
            let message = result?["structuredContent"]?["error"]?["message"]?.stringValue ?? ""
            #expect(message.hasPrefix(expected), "\(message)")
        }
        #expect(await driver.send(request(3, "tools/call", ["name": "echo", "arguments": ["count": 2.0]]))?.result?["isError"] == false)
    }

    @Test func treatsUnknownToolsAndMalformedCallsAsProtocolErrors() async {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-11-25")
        #expect(await driver.send(request(2, "tools/call", ["name": "nope"]))?.errorCode == -32602)
        #expect(await driver.send(request(3, "tools/call", [:]))?.errorCode == -32602)
        #expect(await driver.send(request(4, "tools/call", ["name": "echo", "arguments": [1]]))?.errorCode == -32602)
    }

    @Test func marksToolFailuresAsErrors() async {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-11-25")
        let result = await driver.send(request(2, "tools/call", ["name": "fail"]))?.result
        #expect(result?["isError"] == true)
        #expect(result?["structuredContent"] == ["error": ["code": "MCP_INTERNAL_ERROR", "message": "nope",
                                                           "timestamp": "2025-06-09T10:30:00Z"]])
    }

    @Test func sendsIncreasingProgressOnlyWhenAsked() async {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-11-25")
        let call = Task { [driver] in
            var copy = driver
            return await copy.send(request(2, "tools/call", ["name": "slow", "_meta": ["progressToken": "p1"]]))
        }
        try? await Task.sleep(for: .milliseconds(200))
        call.cancel()
        _ = await call.value
        let progress = driver.recorder.recorded.filter { $0["method"] == "notifications/progress" }
        #expect(progress.compactMap { $0["params"]?["progress"]?.doubleValue } == [1, 2, 3])
        #expect(progress.allSatisfy { $0["params"]?["progressToken"] == "p1" })
        #expect(progress.first?["params"]?["message"] == "step 1.0")
    }

    @Test func sendsLogMessagesAtOrAboveTheChosenLevel() async {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-11-25")
        _ = await driver.send(request(2, "logging/setLevel", ["level": "info"]))
        let call = Task { [driver] in
            var copy = driver
            return await copy.send(request(3, "tools/call", ["name": "slow"]))
        }
        try? await Task.sleep(for: .milliseconds(200))
        call.cancel()
        _ = await call.value
        let logs = driver.recorder.recorded.filter { $0["method"] == "notifications/message" }
        #expect(logs.count == 1)
        #expect(logs.first?["params"]?["level"] == "info")
        #expect(driver.recorder.recorded.allSatisfy { $0["method"] != "notifications/progress" })
    }

    @Test func sendsNoProgressOnceCancelled() async {
        let recorder = SinkRecorder()
        let context = ToolContext(requestID: .integer(1), revision: .v2025_11_25, progressToken: .string("t"),
                                  logLevel: .debug, sink: recorder.sink)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            context.reportProgress(1)
            context.log(.error, "after cancel")
        }
        await task.value
        #expect(recorder.recorded.isEmpty)
        context.reportProgress(2)
        #expect(recorder.recorded.count == 1, "outside the cancelled task the same context still reports")
    }

    @Test func returnsNothingForACancelledCall() async {
        var driver = EngineDriver()
        _ = await driver.initialize("2025-11-25")
        let call = Task { [driver] in
            var copy = driver
            return await copy.send(request(2, "tools/call", ["name": "slow"]))
        }
        try? await Task.sleep(for: .milliseconds(100))
        call.cancel()
        #expect(await call.value == nil)
    }
}
