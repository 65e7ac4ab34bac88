import Foundation
import JSONRPC
import MCP
import Testing
@testable import LUStores

/// Argument rules come from the input schemas, and every tool reads its arguments the same way.
@Suite struct ArgumentReaderTests {
    static let inputSchemas: [String: JSONValue] = [
        "get_sales": SchemaLibrary.getSalesInput, "get_inventory": SchemaLibrary.getInventoryInput,
        "run_tests": SchemaLibrary.runTestsInput, "get_test_result": SchemaLibrary.getTestResultInput,
    ]

    /// The schema file as it is on disk, not as compiled in.
    func schemaOnDisk(_ name: String) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/schemas/" + name))))
    }

    /// `(code, details.field, message)` of the refusal `body` throws, or nil when it reads the arguments.
    func refusal<T>(_ body: () throws(ToolError) -> T) -> (code: String, field: String?, message: String)? {
        do throws(ToolError) {
            _ = try body()
            return nil
        } catch {
            return (error.code.rawValue, error.details?["field"]?.stringValue, error.message)
        }
    }

    func reader(_ arguments: JSONValue, _ tool: String) -> ArgumentReader {
        ArgumentReader(arguments.objectValue ?? JSONObject(), schema: Self.inputSchemas[tool] ?? .null)
    }

    @Test(arguments: ["get_sales.input.schema.json", "get_inventory.input.schema.json"])
    func pageAndLimitConstantsAreTheSchemas(_ file: String) throws {
        let properties = try schemaOnDisk(file)["properties"]
        let constants = file.hasPrefix("get_sales")
            ? (SalesArguments.defaultLimit, SalesArguments.maximumLimit, SalesArguments.maximumPage)
            : (InventoryArguments.defaultLimit, InventoryArguments.maximumLimit, InventoryArguments.maximumPage)
        #expect(properties?["limit"]?["default"]?.integerValue == Int64(constants.0))
        #expect(properties?["limit"]?["maximum"]?.integerValue == Int64(constants.1))
        #expect(properties?["page"]?["maximum"]?.integerValue == constants.2)
    }

    /// Every integer argument with a default reads it when absent or null, and it is inside its range.
    @Test func everyIntegerDefaultIsReadAndInItsRange() throws {
        var seen = 0
        for (tool, schema) in Self.inputSchemas {
            for (name, rule) in schema["properties"]?.objectValue?.members ?? [] where rule["default"]?.integerValue != nil {
                let absent = ArgumentReader(JSONObject(), schema: schema)
                let null = ArgumentReader(JSONObject([(name, .null)]), schema: schema)
                #expect(absent.range(of: name).contains(absent.defaultInteger(of: name)), "\(tool).\(name)")
                #expect(try absent.integer(name) == rule["default"]?.integerValue && null.integer(name) == rule["default"]?.integerValue)
                seen += 1
            }
        }
        #expect(seen > 0, "no integer argument with a default: the loop checked nothing")
    }

    @Test func integersOutsideTheSchemasRangeAreRefusedNamingTheField() throws {
        let upper = SchemaLibrary.getSalesInput["properties"]?["limit"]?["maximum"]?.integerValue ?? 0
        #expect(try reader(["limit": .integer(upper)], "get_sales").integer("limit") == upper)
        let tooBig = refusal { () throws(ToolError) in try reader(["limit": .integer(upper + 1)], "get_sales").integer("limit") }
        #expect(tooBig?.code == "MCP_INVALID_REQUEST" && tooBig?.field == "limit")
        #expect(tooBig?.message == "limit must be an integer from 0 to \(upper)")
        #expect(refusal { () throws(ToolError) in try reader(["page": 0], "get_inventory").integer("page") }?.field == "page")
        #expect(refusal { () throws(ToolError) in try reader(["page": "2"], "get_inventory").integer("page") }?.field == "page")
    }

    @Test func stringsFlagsAndChoices() throws {
        #expect(try reader(["search": "resistor"], "get_inventory").string("search") == "resistor")
        #expect(try reader(["search": .null], "get_inventory").string("search") == nil)
        #expect(refusal { () throws(ToolError) in try reader(["search": 3], "get_inventory").string("search") }?.message
                == "search must be a string")
        #expect(try reader([:], "get_inventory").flag("low_stock") == false)
        #expect(try reader(["low_stock": true], "get_inventory").flag("low_stock") == true)
        #expect(refusal { () throws(ToolError) in try reader(["low_stock": "yes"], "get_inventory").flag("low_stock") }?.message
                == "low_stock must be true or false")

        let statuses = SchemaLibrary.getSalesInput["properties"]?["status"]?["enum"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(statuses.count >= 2)
        for status in statuses {
            #expect(try reader(["status": .string(status)], "get_sales").choice("status") == status)
        }
        let refused = refusal { () throws(ToolError) in try reader(["status": "pending"], "get_sales").choice("status") }
        #expect(refused?.field == "status")
        #expect(refused?.message == "status must be \(statuses.dropLast().joined(separator: ", ")) or \(statuses.last ?? "")")
    }

    /// run_tests' options: defaults from the schema, nested fields named with their path.
    @Test func nestedObjectsAndRequiredArguments() throws {
        let options = try reader(["test_type": "unit"], "run_tests").object("options")
        #expect(try options.flag("coverage") == false && options.choice("reporter") == "json" && options.optionalInteger("timeout") == nil)
        let timeout = refusal { () throws(ToolError) in
            try reader(["test_type": "unit", "options": ["timeout": 5]], "run_tests").object("options").optionalInteger("timeout")
        }
        #expect(timeout?.field == "options.timeout" && timeout?.message == "options.timeout must be an integer from 100 to 3600000")
        let reporter = refusal { () throws(ToolError) in
            try reader(["options": ["reporter": "html"]], "run_tests").object("options").choice("reporter")
        }
        #expect(reporter?.field == "options.reporter" && reporter?.message == "options.reporter must be json, junit or tap")
        let missing = refusal { () throws(ToolError) in try reader([:], "get_test_result").string("execution_id") }
        #expect(missing?.field == "execution_id" && missing?.message == "execution_id is required")
    }
}
