import Foundation
import JSONRPC
import Testing

/// The resources, prompts and completions of the built binary on demo data, under every revision:
/// a session that lists, reads, subscribes, gets every prompt and completes, every message the
/// server wrote validated against that revision's official schema (Tests/Interop/validate_messages.py).
@Suite struct AssistantFeaturesTests {
    static let prompts = ["system-health-report", "sales-report", "inventory-review", "test-run", "troubleshoot"]

    /// Ids: 1–2 lists, 3–8 reads (7 and 8 missing), 9–15 prompts (15 a bad date), 16–21 completions,
    /// 22 a subscription (resources/subscribe, or a subscriptions/listen stream ended by the end of input).
    static func session(_ revision: Revision) -> [JSONValue] {
        func make(_ id: Int, _ method: String, _ params: JSONValue = [:]) -> JSONValue {
            revision.isStateless ? statelessRequest(.integer(Int64(id)), method, params) : request(.integer(Int64(id)), method, params)
        }
        func complete(_ id: Int, _ ref: JSONValue, _ name: String, _ value: String) -> JSONValue {
            make(id, "completion/complete", ["ref": ref, "argument": ["name": .string(name), "value": .string(value)]])
        }
        let start: [JSONValue] = revision.isStateless ? [statelessRequest(0, "server/discover")]
            : [initializeRequest(0, version: revision.rawValue), initializedNotification]
        return start + [
            make(1, "resources/list"),
            make(2, "resources/templates/list"),
            make(3, "resources/read", ["uri": "lustores://status"]),
            make(4, "resources/read", ["uri": "lustores://reports/low-stock"]),
            make(5, "resources/read", ["uri": "lustores://reports/sales/2026-06-30"]),
            make(6, "prompts/list"),
            make(7, "resources/read", ["uri": "lustores://tests/test_0000000000000000"]),
            make(8, "resources/read", ["uri": "lustores://nothing"]),
            make(9, "prompts/get", ["name": "system-health-report"]),
            make(10, "prompts/get", ["name": "sales-report", "arguments": ["date": "2026-06-30"]]),
            make(11, "prompts/get", ["name": "inventory-review", "arguments": [:]]),
            make(12, "prompts/get", ["name": "test-run", "arguments": ["test_type": "system"]]),
            make(13, "prompts/get", ["name": "troubleshoot"]),
            make(14, "prompts/get", ["name": "sales-report", "arguments": ["from": "2026-06-01", "to": "2026-07-01", "charge_code": "DEPT001"]]),
            make(15, "prompts/get", ["name": "sales-report", "arguments": ["date": "2026-02-30"]]),
            complete(16, ["type": "ref/prompt", "name": "sales-report"], "charge_code", "dept"),
            complete(17, ["type": "ref/prompt", "name": "inventory-review"], "category", ""),
            complete(18, ["type": "ref/prompt", "name": "test-run"], "test_type", "s"),
            complete(19, ["type": "ref/prompt", "name": "sales-report"], "date", "t"),
            complete(20, ["type": "ref/resource", "uri": "lustores://tests/{execution_id}"], "execution_id", ""),
            complete(21, ["type": "ref/resource", "uri": "lustores://reports/sales/{date}"], "date", "2"),
            revision.isStateless
                ? make(22, "subscriptions/listen", ["notifications": ["resourceSubscriptions": ["lustores://status"]]])
                : make(22, "resources/subscribe", ["uri": "lustores://status"]),
        ]
    }

    @Test(arguments: Revision.allCases)
    func everyFeatureAnswersAndIsSchemaValid(_ revision: Revision) async throws {
        try await withTemporaryDirectory { directory in
            let filled = try await runCommand(in: directory, ["demo-data", "--sales", "300", "--items", "40", "--seed", "5",
                                                              "--end-date", "2026-06-30", "--database", directory + "/store.sqlite"])
            #expect(filled.exit.termination == .exited(0), "\(filled.stderr)")
            let sent = Self.session(revision)
            let run = try await runServer(in: directory, lines: sent.map(\.line))
            let messages = expectWellBehaved(run)
            let answers = responsesByID(messages)
            func answer(_ id: Int) -> JSONValue? { answers[JSONValue.integer(Int64(id)).line]?.first }

            let capabilities = try #require(revision.isStateless ? answer(0)?.result?["capabilities"] : answer(0)?.result?["capabilities"])
            #expect(capabilities["resources"]?["subscribe"] == true)
            #expect(capabilities["prompts"] != nil)
            #expect((capabilities["completions"] != nil) == (revision >= .v2025_03_26))
            #expect((capabilities["logging"] != nil) == !revision.isStateless, "logging is deprecated on 2026-07-28 only")

            let listed = answer(1)?.result?["resources"]?.arrayValue?.compactMap { $0["uri"]?.stringValue } ?? []
            #expect(listed == ["lustores://status", "lustores://tests/latest", "lustores://reports/low-stock"])
            let templates = answer(2)?.result?["resourceTemplates"]?.arrayValue?.compactMap { $0["uriTemplate"]?.stringValue } ?? []
            #expect(templates == ["lustores://tests/{execution_id}", "lustores://tests/{execution_id}/output",
                                  "lustores://reports/sales/{date}"])
            func text(_ id: Int) -> String { answer(id)?.result?["contents"]?.arrayValue?.first?["text"]?.stringValue ?? "" }
            let status = try JSONParser.parse(Array(text(3).utf8))
            #expect(status["database"]?["connected"] == true)
            #expect(text(4).hasPrefix("# Items low on stock"))
            let report = text(5)
            #expect(report.hasPrefix("# Sales on 2026-06-30") && report.contains("## By charge code"), "\(report)")

            let notFound: Int64 = revision.isStateless ? -32602 : -32002
            #expect(answer(7)?.errorCode == notFound)
            #expect(answer(8)?.errorCode == notFound)
            #expect(answer(6)?.result?["prompts"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == Self.prompts)
            for id in 9...14 {
                let prompt = try #require(answer(id)?.result, "prompt \(id): \(answer(id)?.line ?? "no answer")")
                let contents = prompt["messages"]?.arrayValue ?? []
                #expect(contents.contains { $0["content"]?["type"] == "resource" }, "prompt \(id) embeds no facts")
                #expect(contents.last?["content"]?["type"] == "text")
            }
            #expect(answer(15)?.errorCode == -32602)

            let codes = answer(16)?.result?["completion"]?["values"]?.arrayValue ?? []
            #expect(!codes.isEmpty && codes.allSatisfy { $0.stringValue?.hasPrefix("DEPT") == true })
            #expect(answer(17)?.result?["completion"]?["total"]?.integerValue ?? 0 > 0)
            #expect(answer(18)?.result?["completion"]?["values"] == ["sales", "system"])
            #expect(answer(19)?.result?["completion"]?["values"]?.arrayValue?.first == "today")
            let executions = answer(20)?.result?["completion"]?["values"]?.arrayValue ?? []
            #expect(executions.isEmpty, "no execution has run in this database")
            #expect(answer(21)?.result?["completion"]?["values"]?.arrayValue?.count == AssistantDays.recent)

            if revision.isStateless {
                // The listen stream ends with the end of input, with its final result; an acknowledgement, when
                // the stream opened before the input ended, comes first.
                let final = messages.firstIndex { $0["id"] == 22 }
                let acknowledged = messages.firstIndex { $0["method"] == "notifications/subscriptions/acknowledged" }
                #expect(answer(22)?.result?["resultType"] == "complete")
                #expect(acknowledged.map { $0 < (final ?? 0) } ?? true)
            } else {
                #expect(answer(22)?.result == [:])
            }
            var transcript = Transcript()
            transcript.record(revision: revision.rawValue, sent: sent, stdout: run.stdout)
            try await expectValidTranscript(transcript, in: directory)
        }
    }
}

/// The number of dates completed after `today` and `yesterday` (the server's recent days).
enum AssistantDays {
    static let recent = 30
}
