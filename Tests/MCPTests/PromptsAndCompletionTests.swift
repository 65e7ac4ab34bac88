import JSONRPC
import Testing
@testable import MCP

@Suite struct PromptsAndCompletionTests {
    func driver(_ revision: String) async -> EngineDriver {
        var driver = EngineDriver.demo()
        if revision != "2026-07-28" { _ = await driver.initialize(revision) }
        return driver
    }

    @Test(arguments: allRevisions)
    func listsPromptsWithOnlyFieldsEachRevisionDefines(_ revision: String) async throws {
        var driver = await driver(revision)
        let result = try #require(await driver.call(revision, 2, "prompts/list")?.result)
        let prompts = try #require(result["prompts"]?.arrayValue)
        #expect(prompts.compactMap { $0["name"]?.stringValue } == ["health", "report"])
        #expect(prompts[0]["arguments"] == nil, "a prompt without arguments lists none")
        #expect((prompts[0]["icons"] != nil) == (revision >= "2025-11-25"))
        let report = prompts[1]
        #expect(report["description"] == "Reports on one day.")
        #expect(report["title"] == (revision >= "2025-06-18" ? "Sales report" : nil))
        let date = try #require(report["arguments"]?.arrayValue?.first)
        #expect(date["name"] == "date" && date["required"] == true && date["description"] == "YYYY-MM-DD")
        #expect(date["title"] == (revision >= "2025-06-18" ? "Day" : nil))
        #expect(report["arguments"]?.arrayValue?.last?["required"] == false)
        #expect((result["ttlMs"] != nil) == (revision == "2026-07-28"))
    }

    @Test(arguments: allRevisions)
    func getsPromptsWithTextAndEmbeddedResources(_ revision: String) async throws {
        var driver = await driver(revision)
        let health = try #require(await driver.call(revision, 2, "prompts/get", ["name": "health"])?.result)
        #expect(health["description"] == "Health")
        #expect(health["messages"]?[0] == ["role": "user", "content": ["type": "resource", "resource": [
            "uri": "demo://status", "mimeType": "application/json", "text": #"{"status":"healthy"}"#]]])
        #expect(health["messages"]?[1]?["content"]?["type"] == "text")
        let report = try #require(await driver.call(revision, 3, "prompts/get",
                                                    ["name": "report", "arguments": ["date": "2025-06-01", "charge_code": "CHEM-001"]])?.result)
        #expect(report["messages"] == [["role": "user", "content": ["type": "text", "text": "Report on 2025-06-01 for CHEM-001"]]])
        #expect(report["resultType"] == (revision == "2026-07-28" ? "complete" : nil))
        #expect(report["ttlMs"] == nil, "prompts/get is not a cacheable result")
    }

    @Test(arguments: allRevisions)
    func refusesBadPromptRequestsWithInvalidParams(_ revision: String) async throws {
        var driver = await driver(revision)
        let cases: [(JSONValue, String)] = [
            (["name": "nope"], "Unknown prompt: nope"),
            (["name": "report"], "prompt report needs the argument date"),
            (["name": "report", "arguments": ["date": "2025-06-01", "colour": "red"]], "prompt report has no argument colour (it takes date, charge_code)"),
            (["name": "report", "arguments": ["date": "yesterday"]], "date must be YYYY-MM-DD, got yesterday"),
            (["name": "report", "arguments": ["date": 20250601]], "arguments.date must be a string"),
            (["name": "report", "arguments": "date"], "arguments must be an object of strings"),
            (["name": 5], "name must be a string"),
        ]
        for (params, message) in cases {
            let answer = try #require(await driver.call(revision, 2, "prompts/get", params))
            #expect(answer.errorCode == -32602, "\(params)")
            #expect(answer["error"]?["message"]?.stringValue?.contains(message) == true, "\(answer)")
        }
    }

    func complete(_ driver: inout EngineDriver, _ revision: String, ref: JSONValue, argument: String, value: String,
                  context: JSONValue? = nil) async -> JSONValue? {
        var params = JSONObject([("ref", ref), ("argument", ["name": .string(argument), "value": .string(value)])])
        if let context { params["context"] = ["arguments": context] }
        return await driver.call(revision, 9, "completion/complete", .object(params))
    }

    @Test(arguments: allRevisions)
    func completesPromptArgumentsCappedAtOneHundred(_ revision: String) async throws {
        var driver = await driver(revision)
        let all = try #require(await complete(&driver, revision, ref: ["type": "ref/prompt", "name": "report"],
                                              argument: "date", value: "")?.result?["completion"])
        #expect(all["values"]?.arrayValue?.count == 100)
        #expect(all["values"]?[0] == .string(Demo.dates[0]))
        #expect(all["total"] == 150 && all["hasMore"] == true)
        let some = try #require(await complete(&driver, revision, ref: ["type": "ref/prompt", "name": "report"],
                                               argument: "date", value: "2025-01-1")?.result?["completion"])
        #expect(some["values"]?.arrayValue?.count == 10 && some["total"] == 10 && some["hasMore"] == false)
        let none = try #require(await complete(&driver, revision, ref: ["type": "ref/prompt", "name": "health"],
                                               argument: "anything", value: "x")?.result?["completion"])
        #expect(none == ["values": [], "total": 0, "hasMore": false], "an argument without a completer has no values")
    }

    @Test(arguments: allRevisions)
    func passesContextArgumentsFrom20250618(_ revision: String) async throws {
        var driver = await driver(revision)
        let values = await complete(&driver, revision, ref: ["type": "ref/prompt", "name": "report"], argument: "charge_code",
                                    value: "", context: ["date": "2025-06-01"])?.result?["completion"]?["values"]
        let expected: JSONValue = revision >= "2025-06-18" ? ["CHEM-001", "CHEM-002"] : ["CHEM-001", "CHEM-002", "PHYS-001"]
        #expect(values == expected)
        let lower = await complete(&driver, revision, ref: ["type": "ref/prompt", "name": "report"], argument: "charge_code",
                                   value: "phys")?.result?["completion"]?["values"]
        #expect(lower == ["PHYS-001"])
    }

    @Test(arguments: allRevisions)
    func completesTemplateVariablesAndRefusesUnknownReferences(_ revision: String) async throws {
        var driver = await driver(revision)
        let runs = await complete(&driver, revision, ref: ["type": "ref/resource", "uri": "demo://runs/{run_id}"],
                                  argument: "run_id", value: "17")?.result
        #expect(runs?["completion"]?["values"] == ["17", "170"])
        #expect(runs?["resultType"] == (revision == "2026-07-28" ? "complete" : nil))
        let fixed = await complete(&driver, revision, ref: ["type": "ref/resource", "uri": "demo://status"], argument: "x", value: "")
        #expect(fixed?.result?["completion"]?["values"] == [])
        for (ref, argument) in [(["type": "ref/prompt", "name": "nope"] as JSONValue, "date"),
                                (["type": "ref/resource", "uri": "demo://nope/{x}"], "x"),
                                (["type": "ref/tool", "name": "echo"], "x"),
                                ("ref/prompt", "x")] {
            #expect(await complete(&driver, revision, ref: ref, argument: argument, value: "")?.errorCode == -32602, "\(ref)")
        }
        #expect(await driver.call(revision, 9, "completion/complete", ["ref": ["type": "ref/prompt", "name": "report"]])?.errorCode == -32602)
    }
}
