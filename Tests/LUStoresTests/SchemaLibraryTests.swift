import Foundation
import JSONRPC
import MCP
import Testing
@testable import LUStores

/// The schemas compiled into the binary are exactly the files of `schemas/`, and they use only
/// keywords `SchemaValidator` enforces or knows to be annotations.
@Suite struct SchemaLibraryTests {
    static let directory = repositoryRoot + "/schemas"

    /// The JSON Schemas of `schemas/`: every `.json` file but the OpenAPI document of the REST shim,
    /// which is not a schema (HTTPShimTests' `OpenAPITests` checks it against the server).
    static func schemaFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".json") && $0 != "openapi.json" }.sorted()
    }

    @Test func everySchemaFileParsesAndIsServedUnchanged() throws {
        let files = try Self.schemaFiles()
        #expect(!files.isEmpty, "no schema files in \(Self.directory)")
        let served = SchemaLibrary.all
        for name in files {
            let data = try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/" + name))
            let parsed = try #require(try? JSONParser.parse(Array(data)), "schemas/\(name) is not valid JSON")
            #expect(parsed.objectValue != nil, "schemas/\(name) is not a JSON object")
            #expect(served[name] == parsed, "SchemaLibrary serves something other than schemas/\(name)")
        }
        #expect(Set(served.keys) == Set(files), "every served schema comes from a file of schemas/")
    }

    @Test func namedSchemasAreTheOnesInAll() {
        #expect(SchemaLibrary.all["get_status.input.schema.json"] == SchemaLibrary.getStatusInput)
        #expect(SchemaLibrary.all["get_status.output.schema.json"] == SchemaLibrary.getStatusOutput)
        #expect(SchemaLibrary.all["error.schema.json"] == SchemaLibrary.error)
        #expect(SchemaLibrary.all["config.schema.json"] == SchemaLibrary.configuration)
    }

    /// Every keyword of `schema` and of the schemas inside it, with where it was found. Member
    /// names under `properties` are field names, not keywords; `enum`, `const`, `default`,
    /// `examples` and `required` hold data, not schemas.
    static func keywords(of schema: JSONValue, at path: String) -> [(keyword: String, path: String)] {
        guard case .object(let object) = schema else { return [] }
        var found: [(String, String)] = []
        for member in object {
            found.append((member.key, path))
            switch (member.key, member.value) {
            case ("properties", .object(let properties)):
                for property in properties {
                    found += keywords(of: property.value, at: "\(path).properties.\(property.key)")
                }
            case ("additionalProperties", .object), ("items", .object):
                found += keywords(of: member.value, at: "\(path).\(member.key)")
            case ("items", .array(let schemas)):
                for (index, element) in schemas.enumerated() { found += keywords(of: element, at: "\(path).items[\(index)]") }
            default:
                break
            }
        }
        return found
    }

    @Test func everyKeywordIsSupportedByTheValidator() throws {
        for (name, schema) in SchemaLibrary.all {
            let found = Self.keywords(of: schema, at: name)
            #expect(found.count > 1)
            let unsupported = found.filter { !SchemaValidator.supportedKeywords.contains($0.keyword) }
            let listed = unsupported.map { "\($0.keyword) at \($0.path)" }.joined(separator: ", ")
            #expect(unsupported.isEmpty, "keywords SchemaValidator does not support: \(listed)")
        }
    }

    @Test func keywordWalkSeesNestedSchemasButNotFieldNames() {
        let schema: JSONValue = [
            "type": "object",
            "properties": ["pattern": ["type": "string", "pattern": "^a"], "type": ["type": "integer"]],
            "additionalProperties": ["type": "object", "patternProperties": [:]],
            "items": [["oneOf": []]],
            "enum": [["allOf": 1]],
        ]
        let found = Set(Self.keywords(of: schema, at: "$").map(\.keyword))
        // "pattern" and "type" as field names are not keywords; "pattern" inside is; data in enum is not.
        #expect(found == ["type", "properties", "pattern", "additionalProperties", "patternProperties", "items", "oneOf", "enum"])
        #expect(Self.keywords(of: schema, at: "$").filter { $0.keyword == "pattern" }.map(\.path) == ["$.properties.pattern"])
    }
}
