import JSONRPC
import Testing
@testable import MCP

@Suite struct ResourcesTests {
    /// A demo driver ready for `revision` (initialized unless the revision is stateless).
    func driver(_ revision: String, pageSize: Int = ResourceRegistry.defaultPageSize) async -> EngineDriver {
        var driver = EngineDriver.demo(pageSize: pageSize)
        if revision != "2026-07-28" { _ = await driver.initialize(revision) }
        return driver
    }

    func capabilities(_ revision: String, server: MCPServer) async -> JSONValue? {
        var driver = EngineDriver(server: server)
        if revision == "2026-07-28" { return await driver.send(statelessRequest(1, "server/discover"))?.result?["capabilities"] }
        return await driver.initialize(revision)?.result?["capabilities"]
    }

    @Test(arguments: allRevisions)
    func advertisesWhatIsRegisteredAndNothingDeprecated(_ revision: String) async throws {
        let demo = try #require(await capabilities(revision, server: Demo.server()))
        #expect(demo["resources"] == ["subscribe": true, "listChanged": false])
        #expect(demo["prompts"] == ["listChanged": false])
        #expect(demo["completions"] == (revision == "2024-11-05" ? nil : [:]), "completions exist from 2025-03-26")
        #expect(demo["logging"] == (revision == "2026-07-28" ? nil : [:]), "2026-07-28 deprecates logging")
        #expect(demo["tools"] == ["listChanged": false])

        let toolsOnly = try #require(await capabilities(revision, server: testServer()))
        #expect(toolsOnly.objectValue?.keys.sorted() == (revision == "2026-07-28" ? ["tools"] : ["logging", "tools"]))
        var plain = EngineDriver()
        if revision != "2026-07-28" { _ = await plain.initialize(revision) }
        for method in ["resources/list", "resources/read", "resources/templates/list", "prompts/list", "prompts/get",
                       "completion/complete", "resources/subscribe", "subscriptions/listen"] {
            #expect(await plain.call(revision, 5, method, ["uri": "demo://status", "name": "x"])?.errorCode == -32601,
                    "\(method) is not served when nothing is registered")
        }
    }

    @Test(arguments: allRevisions)
    func serverInfoCarriesIconsAndWebsiteFrom20251125(_ revision: String) async throws {
        var driver = EngineDriver(server: Demo.server())
        let info: JSONValue? = revision == "2026-07-28"
            ? await driver.send(statelessRequest(1, "server/discover"))?.result?["_meta"]?["io.modelcontextprotocol/serverInfo"]
            : await driver.initialize(revision)?.result?["serverInfo"]
        let modern = revision >= "2025-11-25"
        #expect(info?["websiteUrl"] == (modern ? "https://example.org/demo" : nil))
        #expect(info?["icons"] == (modern ? [["src": "data:image/svg+xml;base64,PHN2Zy8+", "mimeType": "image/svg+xml",
                                              "sizes": ["any"]]] : nil))
    }

    @Test(arguments: allRevisions)
    func listsOnlyFieldsEachRevisionDefines(_ revision: String) async throws {
        var driver = await driver(revision)
        let result = try #require(await driver.call(revision, 2, "resources/list")?.result)
        let resources = try #require(result["resources"]?.arrayValue)
        #expect(resources.compactMap { $0["uri"]?.stringValue } == ["demo://status", "demo://logo", "demo://vanished"])
        let status = resources[0]
        #expect(status["name"] == "status" && status["description"] == "Health as JSON." && status["mimeType"] == "application/json")
        #expect(status["title"] == (revision >= "2025-06-18" ? "Status" : nil))
        #expect((status["icons"] != nil) == (revision >= "2025-11-25"))

        let templates = try #require(await driver.call(revision, 3, "resources/templates/list")?.result)
        let run = try #require(templates["resourceTemplates"]?.arrayValue?.first)
        #expect(run["uriTemplate"] == "demo://runs/{run_id}" && run["name"] == "run")
        #expect(run["title"] == (revision >= "2025-06-18" ? "Test run" : nil))
        #expect((run["icons"] != nil) == (revision >= "2025-11-25"))

        for list in [result, templates] {
            if revision == "2026-07-28" {
                #expect(list["resultType"] == "complete" && list["cacheScope"] == "public")
                #expect(list["ttlMs"] == .integer(MCPServer.defaultCacheTTLMilliseconds))
            } else {
                #expect(list["resultType"] == nil && list["ttlMs"] == nil && list["cacheScope"] == nil)
            }
        }
    }

    @Test(arguments: ["2025-03-26", "2026-07-28"])
    func paginatesEveryListWithItsOwnOpaqueCursors(_ revision: String) async throws {
        var driver = await driver(revision, pageSize: 1)
        for (method, key, expected) in [("resources/list", "resources", ["status", "logo", "vanished"]),
                                        ("resources/templates/list", "resourceTemplates", ["run", "run-output"]),
                                        ("prompts/list", "prompts", ["health", "report"])] {
            var names: [String] = []
            var cursor: JSONValue?
            var pages = 0
            repeat {
                let params: JSONValue = cursor.map { ["cursor": $0] } ?? [:]
                let page = try #require(await driver.call(revision, 10, method, params)?.result, "\(method) page failed")
                names += page[key]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                cursor = page["nextCursor"]
                pages += 1
            } while cursor != nil && pages < 10
            #expect(names == expected, "\(method)")
            for bad: JSONValue in ["tools:1", "resources:0", "prompts:9", "x", "", 3] {
                #expect(await driver.call(revision, 11, method, ["cursor": bad])?.errorCode == -32602, "\(method) cursor \(bad)")
            }
        }
    }

    @Test(arguments: allRevisions)
    func readsTextBlobAndTemplateResources(_ revision: String) async throws {
        var driver = await driver(revision)
        let status = try #require(await driver.call(revision, 2, "resources/read", ["uri": "demo://status"])?.result)
        #expect(status["contents"] == [["uri": "demo://status", "mimeType": "application/json", "text": #"{"status":"healthy"}"#]])
        let logo = try #require(await driver.call(revision, 3, "resources/read", ["uri": "demo://logo"])?.result)
        #expect(logo["contents"] == [["uri": "demo://logo", "mimeType": "image/png", "blob": "iVBORw0KGgo="]])
        let run = try #require(await driver.call(revision, 4, "resources/read", ["uri": "demo://runs/18/output"])?.result)
        #expect(run["contents"]?[0]?["text"] == "output of 18")
        let encoded = try #require(await driver.call(revision, 5, "resources/read", ["uri": "demo://runs/%31%37"])?.result)
        #expect(encoded["contents"]?[0]?["text"] == #"{"id":"17"}"#, "variables are percent-decoded")
        if revision == "2026-07-28" {
            #expect(status["ttlMs"] == 5000 && status["cacheScope"] == "public", "a read is cached for the resource's own TTL")
            #expect(run["ttlMs"] == 0)
            #expect(status["_meta"]?["io.modelcontextprotocol/serverInfo"]?["name"] == "demo")
        } else {
            #expect(status.objectValue?.keys == ["contents"])
        }
    }

    @Test(arguments: allRevisions)
    func answersAMissingResourceWithTheRevisionsError(_ revision: String) async throws {
        var driver = await driver(revision)
        let code: Int64 = revision == "2026-07-28" ? -32602 : -32002
        for uri in ["demo://nothing", "demo://runs/99", "demo://runs/..", "demo://runs/%2F", "demo://runs/a/b",
                    "demo://runs/", "demo://runs/%zz", "demo://vanished", "other://status"] {
            let answer = try #require(await driver.call(revision, 2, "resources/read", ["uri": .string(uri)]))
            #expect(answer.errorCode == code, "\(uri): \(answer)")
            #expect(answer["error"]?["data"]?["uri"] == .string(uri))
            #expect(answer.result == nil, "never empty contents")
        }
        #expect(await driver.call(revision, 3, "resources/read", ["uri": 5])?.errorCode == -32602)
        #expect(await driver.call(revision, 4, "resources/read")?.errorCode == -32602)
    }

    @Test func requiresInitializeBeforeResourcesInTheHandshakeEra() async {
        var driver = EngineDriver.demo()
        #expect(await driver.send(request(1, "resources/list"))?.errorCode == -32600)
        #expect(await driver.send(request(2, "nope/nothing"))?.errorCode == -32601)
    }

    @Test func matchesOnlyLevelOneTemplates() throws {
        for bad in ["a/{+x}", "a/{x}{y}", "a/{x", "a/x}", "a/{}", "a/{x,y}", "a/{x}/{x}"] {
            #expect(URITemplate(bad) == nil, "\(bad)")
        }
        let template = try #require(URITemplate("lustores://reports/{kind}/{date}.md"))
        #expect(template.variables == ["kind", "date"])
        #expect(template.match("lustores://reports/sales/2025-06-01.md") == ["kind": "sales", "date": "2025-06-01"])
        #expect(template.match("lustores://reports/sales%20day/2025.md") == ["kind": "sales day", "date": "2025"])
        #expect(template.match("lustores://reports/sales/2025-06-01") == nil)
        #expect(template.match("lustores://reports/a/b/c.md") == nil)
        #expect(template.match("lustores://reports/%00/c.md") == nil, "control characters are refused")
        #expect(template.match("lustores://reports/sales/2025.md?x") == nil)
    }
}
