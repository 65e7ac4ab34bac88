import JSONRPC
import Testing

/// Hostile and malformed input through the binary. After each: the server answers what it must,
/// keeps serving, exits 0 at end of input, and writes nothing but JSON-RPC lines on stdout.
@Suite struct BadInputTests {
    static let initialize = initializeRequest(0, version: "2025-11-25").line

    @Test func invalidJSONIsAParseErrorWithNullID() async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runServer(in: directory, lines: [
                Self.initialize, #"{"jsonrpc":"2.0","id":1,"method":"ping""#, "not json at all", "{]", #"{"a":tru}"#,
                request(2, "ping").line,
            ])
            let messages = expectWellBehaved(run)
            try #require(messages.count == 6, "\(run.stdoutText)")
            for message in messages[1...4] {
                #expect(message.errorCode == -32700, "\(message)")
                #expect(message["id"] == .null, "a parse error's id is null: \(message)")
            }
            #expect(messages[5]["id"] == 2 && messages[5].result == [:], "the server keeps serving after parse errors")
        }
    }

    @Test func nonRequestObjectsAreInvalidRequests() async throws {
        let invalid = [
            "{}", #"{"jsonrpc":"2.0"}"#, #"{"jsonrpc":"1.0","id":1,"method":"ping"}"#, #"{"id":2,"method":"ping"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":5}"#, #"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"ping","params":7}"#, "42", #""ping""#, "[]", "null",
        ]
        try await withTemporaryDirectory { directory in
            let run = try await runServer(in: directory, lines: [Self.initialize] + invalid + [request(5, "ping").line])
            let messages = expectWellBehaved(run)
            try #require(messages.count == invalid.count + 2, "each line gets one answer:\n\(run.stdoutText)")
            for (line, answer) in zip(invalid, messages[1...]) {
                #expect(answer.errorCode == -32600, "\(line) → \(answer)")
            }
            #expect(messages.last?["id"] == 5 && messages.last?.result == [:])
        }
    }

    @Test func unknownMethodIsMethodNotFound() async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runServer(in: directory, lines: [
                request(1, "no/such/method").line, Self.initialize, request(2, "resources/delete").line,
                request("three", "tools/delete").line, notification("notifications/whatever").line, request(4, "ping").line,
            ])
            let answers = responsesByID(expectWellBehaved(run))
            #expect(answers["1"]?.first?.errorCode == -32601, "unknown methods are refused before initialize too")
            #expect(answers["2"]?.first?.errorCode == -32601, "an unknown method of an offered feature is refused")
            #expect(answers[#""three""#]?.first?.errorCode == -32601, "a string id is echoed as a string")
            #expect(answers["4"]?.first?.result == [:], "an unknown notification gets no answer and changes nothing")
            #expect(answers.count == 5)
        }
    }

    @Test func unknownToolIsInvalidParams() async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runServer(in: directory, lines: [
                Self.initialize, callRequest(1, "get_statuses").line, callRequest(2, "").line,
                request(3, "tools/call", ["arguments": [:]]).line,  // no name at all
                callRequest(4, "get_status").line,
            ])
            let answers = responsesByID(expectWellBehaved(run))
            for id in ["1", "2", "3"] {
                #expect(answers[id]?.first?.errorCode == -32602, "\(String(describing: answers[id]))")
            }
            #expect(answers["1"]?.first?["error"]?["message"]?.stringValue?.contains("get_statuses") == true,
                    "the error names the unknown tool")
            #expect(answers["4"]?.first?.result?["isError"] == false)
        }
    }

    @Test func wrongArgumentsAreToolErrorsNamingTheField() async throws {
        try await withTemporaryDirectory { directory in
            let run = try await runServer(in: directory, lines: [Self.initialize] + [
                callRequest(1, "get_status", ["verbose": true]),
                callRequest(2, "get_status", ["x": 1, "detail": ["deep": "value"]]),
                callRequest(3, "get_status", "not an object"),
                callRequest(4, "get_status", [1, 2]),
            ].map(\.line))
            let answers = responsesByID(expectWellBehaved(run))
            for (id, field) in [("1", "verbose"), ("2", "x")] {
                let result = try #require(answers[id]?.first?.result, "\(String(describing: answers[id]))")
                #expect(result["isError"] == true)
                let error = try #require(result["structuredContent"]?["error"], "a tool error carries structuredContent")
                #expect(error["code"] == "MCP_INVALID_REQUEST")
                #expect(error["message"]?.stringValue?.contains(field) == true, "the message names \(field): \(error)")
                #expect(error["details"]?["field"] == .string(field), "details.field names \(field): \(error)")
                #expect(error["timestamp"]?.stringValue?.hasSuffix("Z") == true)
                #expect(result.firstTextBlockJSON == result["structuredContent"], "the text block mirrors structuredContent")
            }
            // `arguments` that is not an object is malformed params: a protocol error.
            #expect(answers["3"]?.first?.errorCode == -32602)
            #expect(answers["4"]?.first?.errorCode == -32602)
        }
    }

    @Test func tenMegabyteLineIsRefusedAndTheNextRequestAnswered() async throws {
        try await withTemporaryDirectory { directory in
            let prefix = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_status","arguments":{"pad":""#
            var input = Array((Self.initialize + "\n" + prefix).utf8)
            input.append(contentsOf: repeatElement(UInt8(ascii: "a"), count: 10 << 20))
            input.append(contentsOf: Array(("\"}}}\n" + request(2, "ping").line + "\n").utf8))
            let run = try await runServer(in: directory, input: input)
            let messages = expectWellBehaved(run)
            try #require(messages.count == 3, "\(run.stdoutText.prefix(3000))")
            #expect(messages[1].errorCode == -32600, "an oversized line is an invalid request")
            #expect(messages[1]["id"] == .null)
            #expect(messages[2]["id"] == 2 && messages[2].result == [:], "the next request is still answered")
            #expect(!messages.contains { $0["id"] == 1 }, "nothing of the oversized request is run")
        }
    }

    @Test func binaryBytesAreParseErrors() async throws {
        // Fixed junk, then 64 KiB of deterministic pseudo-random bytes cut into lines.
        var junk: [UInt8] = [0x00, 0xFF, 0xFE, 0x80, 0x0A, 0xC3, 0x28, 0x0A, 0x1B, 0x5B, 0x32, 0x4A, 0x0A]
        junk += Array(#"{"jsonrpc":"2.0","id":1,"method":"p"#.utf8) + [0xFF] + Array(#"ing"}"#.utf8) + [0x0A]
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for index in 0..<65_536 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            junk.append(index % 97 == 96 ? 0x0A : UInt8(truncatingIfNeeded: seed >> 56))
        }
        junk.append(0x0A)
        // The lines the server must answer: non-blank after dropping a trailing CR.
        let expected = rawLines(junk).filter { line in
            var line = line
            if line.last == 0x0D { line = line.dropLast() }
            return line.contains { ![0x20, 0x09, 0x0D].contains($0) }
        }.count
        try await withTemporaryDirectory { directory in
            let input = Array((Self.initialize + "\n").utf8) + junk + Array((request(2, "ping").line + "\n").utf8)
            let run = try await runServer(in: directory, input: input)
            let messages = expectWellBehaved(run)
            try #require(messages.count == expected + 2, "\(run.stdoutText.suffix(2000))")
            let errors = messages[1..<(messages.count - 1)]
            #expect(errors.allSatisfy { $0.errorCode == -32700 || $0.errorCode == -32600 }, "binary lines are refused")
            #expect(errors.filter { $0.errorCode == -32700 }.count >= 4)
            #expect(messages.last?["id"] == 2 && messages.last?.result == [:], "the server keeps serving")
        }
    }

    @Test func halfLineAtEndOfInputIsAParseError() async throws {
        try await withTemporaryDirectory { directory in
            let input = Self.initialize + "\n" + request(1, "ping").line + "\n" + #"{"jsonrpc":"2.0","id":2,"meth"#
            let run = try await runServer(in: directory, input: Array(input.utf8))
            let messages = expectWellBehaved(run)
            try #require(messages.count == 3, "\(run.stdoutText)")
            #expect(messages[1]["id"] == 1)
            #expect(messages[2].errorCode == -32700, "the unterminated tail is parsed, and fails")
            #expect(messages[2]["id"] == .null)
        }
    }

    @Test func tenThousandPipelinedRequestsAreEachAnsweredOnce() async throws {
        try await withTemporaryDirectory { directory in
            var text = Self.initialize + "\n" + initializedNotification.line + "\n"
            for id in 1...10_000 {
                text += (id % 2 == 0 ? request(.integer(Int64(id)), "ping") : callRequest(.integer(Int64(id)), "get_status")).line + "\n"
            }
            let run = try await runServer(in: directory, input: Array(text.utf8), timeout: .seconds(300))
            let messages = expectWellBehaved(run)
            let answers = responsesByID(messages)
            #expect(messages.count == 10_001)
            #expect(Set(answers.keys) == Set((0...10_000).map { String($0) }))
            let repeated = answers.filter { $0.value.count != 1 }.map(\.key)
            #expect(repeated.isEmpty, "answered more than once: \(repeated.prefix(10))")
            let wrong = (1...10_000).filter { id in
                guard let answer = answers[String(id)]?.first else { return true }
                return id % 2 == 0 ? answer.result != [:] : answer.result?["isError"] != false
            }
            #expect(wrong.isEmpty, "wrong answers for ids \(wrong.prefix(10))")
        }
    }
}
