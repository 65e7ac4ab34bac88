import Foundation
import JSONRPC
import LUStores
import MCP
import Store
import TestExecution
import Testing
import HTTPServerTesting
@testable import HTTPServer
@testable import HTTPShim
@testable import MCPHTTP

/// `schemas/openapi.json`, and a way to resolve its local `$ref`s.
struct OpenAPIDocument {
    let root: JSONValue

    static func load(_ name: String = "openapi.json") throws -> JSONValue {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("schemas").appendingPathComponent(name)
        return try JSONParser.parse(Array(try Data(contentsOf: url)))
    }

    func resolve(_ value: JSONValue?) -> JSONValue? {
        guard let value, let reference = value["$ref"]?.stringValue, reference.hasPrefix("#/") else { return value }
        var node: JSONValue? = root
        for part in reference.dropFirst(2).split(separator: "/") { node = node?[String(part)] }
        return resolve(node)
    }

    func operation(_ method: String, _ path: String) -> JSONValue? { root["paths"]?[path]?[method.lowercased()] }

    /// The response object an operation declares for `status` (or its `default`).
    func response(_ method: String, _ path: String, status: Int) -> JSONValue? {
        let responses = operation(method, path)?["responses"]
        return resolve(responses?[String(status)] ?? responses?["default"])
    }
}

@Suite struct OpenAPITests {
    @Test func everyRouteIsDescribedAndNothingElse() throws {
        let document = try OpenAPIDocument.load()
        #expect(document["openapi"]?.stringValue?.hasPrefix("3.1") == true)
        var described = Set<String>()
        for member in document["paths"]?.objectValue ?? JSONObject() {
            for operation in member.value.objectValue ?? JSONObject() { described.insert("\(operation.key.uppercased()) \(member.key)") }
        }
        let served = Set(RESTRoute.all.map { "\($0.method) \($0.path)" } + ["POST /mcp", "DELETE /mcp"]
                         + ShimMetrics.routes.filter { OperationsRoutes.route(of: $0) != nil }.map { "GET \($0)" })
        #expect(described == served)
        let schemas = document["components"]?["schemas"]
        #expect(schemas?["Error"] == (try OpenAPIDocument.load("error.schema.json")))
        #expect(schemas?["GetStatusResult"] == (try OpenAPIDocument.load("get_status.output.schema.json")))
        // The bodies and the run_tests request are the tools' own schemas, verbatim.
        for (component, file) in [("RunTestsArguments", "run_tests.input.schema.json"), ("RunTestsResult", "run_tests.output.schema.json"),
                                  ("TestResult", "get_test_result.output.schema.json"), ("SalesResult", "get_sales.output.schema.json"),
                                  ("SalesAnalysisResult", "analyze_sales.output.schema.json"),
                                  ("InventoryResult", "get_inventory.output.schema.json"),
                                  ("InventoryAnalysisResult", "analyze_inventory.output.schema.json"),
                                  ("ChargeCodesResult", "get_charge_codes.output.schema.json")] {
            #expect(schemas?[component] == (try OpenAPIDocument.load(file)), "\(component) differs from schemas/\(file)")
        }
        // Every schema in the document uses only keywords the validator enforces or ignores by
        // design, so the conformance checks below mean what they say.
        func keywords(_ value: JSONValue, into set: inout Set<String>) {
            guard case .object(let object) = value else { return }
            for member in object {
                set.insert(member.key)
                if member.key == "properties" {
                    for property in member.value.objectValue ?? JSONObject() { keywords(property.value, into: &set) }
                } else {
                    keywords(member.value, into: &set)
                }
            }
        }
        var used = Set<String>()
        for schema in schemas?.objectValue ?? JSONObject() { keywords(schema.value, into: &used) }
        #expect(used.subtracting(SchemaValidator.supportedKeywords).isEmpty, "\(used.subtracting(SchemaValidator.supportedKeywords))")
    }

    @Test func queryParametersAreTheToolArguments() throws {
        let document = OpenAPIDocument(root: try OpenAPIDocument.load())
        for route in RESTRoute.all where route.method == "GET" {
            let parameters = document.operation(route.method, route.path)?["parameters"]?.arrayValue ?? []
            let documented = Dictionary(uniqueKeysWithValues: parameters.compactMap { parameter -> (String, String)? in
                guard let name = parameter["name"]?.stringValue, let type = parameter["schema"]?["type"]?.stringValue else { return nil }
                return (name, type)
            })
            // The tool's own input schema file, as tools/list serves it.
            let schema = try OpenAPIDocument.load("\(route.tool).input.schema.json")
            let arguments = Dictionary(uniqueKeysWithValues: (schema["properties"]?.objectValue ?? JSONObject()).map {
                ($0.key, QueryArguments.declaredType(of: $0.key, in: schema) ?? "")
            })
            #expect(documented == arguments, "\(route.path)")
        }
    }

    /// Sends requests of every kind through the shim (with the real get_status) and checks each
    /// answer's status is declared for its operation and its body satisfies the declared schema.
    @Test func answersMatchTheDescription() async throws {
        let document = OpenAPIDocument(root: try OpenAPIDocument.load())
        let directory = NSTemporaryDirectory() + "openapi-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try await Store.open(path: directory + "/store.sqlite")
        let real = LUStoresTools.registry(
            monitor: StatusMonitor(store: store, environment: "test"),
            ledger: SalesLedger(source: try SQLiteDataSource(store: store), calendar: ZonedCalendar(identifier: "UTC")!),
            catalog: InventoryCatalog(source: try SQLiteDataSource(store: store)),
            testRunner: TestRunner(store: store, settings: .init(suites: try TestSuite.suites(from: nil))))
        let registry = ToolRegistry(real.tools + fakeRegistry().tools.filter { real[$0.name] == nil }, invalidArguments: LUStoresTools.invalidArguments)
        var limits = RateLimits()
        limits.status = RateLimit(requests: 3, windowSeconds: 60)
        let handler = shim(registry: registry, limits: limits)
        let cases: [(String, String, String, String, [String])] = [
            ("GET", "/api/mcp/status", "/api/mcp/status", "", []),
            ("GET", "/api/mcp/status", "/api/mcp/status?x=1", "", []),
            ("GET", "/api/mcp/status", "/api/mcp/status", "", []),
            ("GET", "/api/mcp/status", "/api/mcp/status", "", []),  // the 4th: 429
            ("POST", "/api/mcp/status", "/api/mcp/status", "", []),
            ("POST", "/api/mcp/test", "/api/mcp/test", #"{"test_type":"system"}"#, ["Content-Type: application/json"]),
            ("POST", "/api/mcp/test", "/api/mcp/test", #"{"test_type":"unit"}"#, ["Content-Type: application/json"]),
            ("POST", "/api/mcp/test", "/api/mcp/test", "{", ["Content-Type: application/json"]),
            ("GET", "/api/mcp/test/{execution_id}", "/api/mcp/test/test_1", "", []),
            ("GET", "/api/mcp/test/{execution_id}", "/api/mcp/test/zzz", "", []),
            ("GET", "/api/mcp/sales", "/api/mcp/sales?limit=0", "", []),
            ("GET", "/api/mcp/sales/analysis", "/api/mcp/sales/analysis?group_by=month&sort=count", "", []),
            ("GET", "/api/mcp/sales/analysis", "/api/mcp/sales/analysis?group_by=year", "", []),
            ("GET", "/api/mcp/inventory", "/api/mcp/inventory?low_stock=maybe", "", []),
            ("GET", "/api/mcp/inventory/analysis", "/api/mcp/inventory/analysis?group_by=location&limit=3", "", []),
            ("GET", "/api/mcp/inventory/analysis", "/api/mcp/inventory/analysis?group_by=shelf", "", []),
            ("GET", "/api/mcp/charge-codes", "/api/mcp/charge-codes?search=dept&include_inactive=true", "", []),
            ("GET", "/api/mcp/charge-codes", "/api/mcp/charge-codes?active_on=soon", "", []),
        ]
        var seen = Set<Int>()
        for (method, path, target, body, headers) in cases {
            for key in [testKey, nil] {
                let answer = await exchange(handler, method, target, key: key, headers: headers, body: body)
                seen.insert(answer.status)
                let operationMethod = document.operation(method, path) == nil ? "GET" : method
                guard let declared = document.response(operationMethod, path, status: answer.status) else {
                    Issue.record("\(method) \(target) answered \(answer.status), not declared")
                    continue
                }
                guard let schema = document.resolve(declared["content"]?["application/json"]?["schema"]) else { continue }
                #expect(answer.headers["content-type"] == "application/json")
                let value = try JSONParser.parse(answer.body)
                #expect(SchemaValidator.validate(value, against: schema) == nil, "\(method) \(target) \(answer.status): \(answer.body)")
                for header in (declared["headers"]?.objectValue ?? JSONObject()).keys where header != "Location" || answer.status == 202 {
                    #expect(answer.headers[header.lowercased()] != nil, "\(method) \(target) \(answer.status) lacks \(header)")
                }
            }
        }
        #expect(seen.isSuperset(of: [200, 202, 400, 401, 404, 405, 429]))
    }
}
