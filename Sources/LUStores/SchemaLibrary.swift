import JSONRPC

/// The JSON Schemas of `schemas/`, compiled into the binary (so an installed binary needs no
/// files beside it) and parsed once.
public enum SchemaLibrary {
    /// The input schema of `get_status`.
    public static let getStatusInput = load(PackageResources.get_status_input_schema_json, "get_status.input.schema.json")
    /// The output schema of `get_status`.
    public static let getStatusOutput = load(PackageResources.get_status_output_schema_json, "get_status.output.schema.json")
    /// The input schema of `get_sales`.
    public static let getSalesInput = load(PackageResources.get_sales_input_schema_json, "get_sales.input.schema.json")
    /// The output schema of `get_sales`.
    public static let getSalesOutput = load(PackageResources.get_sales_output_schema_json, "get_sales.output.schema.json")
    /// The input schema of `analyze_sales`.
    public static let analyzeSalesInput = load(PackageResources.analyze_sales_input_schema_json,
                                               "analyze_sales.input.schema.json")
    /// The output schema of `analyze_sales`.
    public static let analyzeSalesOutput = load(PackageResources.analyze_sales_output_schema_json,
                                                "analyze_sales.output.schema.json")
    /// The input schema of `get_inventory`.
    public static let getInventoryInput = load(PackageResources.get_inventory_input_schema_json,
                                               "get_inventory.input.schema.json")
    /// The output schema of `get_inventory`.
    public static let getInventoryOutput = load(PackageResources.get_inventory_output_schema_json,
                                                "get_inventory.output.schema.json")
    /// The input schema of `analyze_inventory`.
    public static let analyzeInventoryInput = load(PackageResources.analyze_inventory_input_schema_json,
                                                   "analyze_inventory.input.schema.json")
    /// The output schema of `analyze_inventory`.
    public static let analyzeInventoryOutput = load(PackageResources.analyze_inventory_output_schema_json,
                                                    "analyze_inventory.output.schema.json")
    /// The input schema of `get_charge_codes`.
    public static let getChargeCodesInput = load(PackageResources.get_charge_codes_input_schema_json,
                                                 "get_charge_codes.input.schema.json")
    /// The output schema of `get_charge_codes`.
    public static let getChargeCodesOutput = load(PackageResources.get_charge_codes_output_schema_json,
                                                  "get_charge_codes.output.schema.json")
    /// The import file format (`lustores-mcp import`).
    public static let importFormat = load(PackageResources.import_schema_json, "import.schema.json")
    /// The input schema of `run_tests`.
    public static let runTestsInput = load(PackageResources.run_tests_input_schema_json, "run_tests.input.schema.json")
    /// The output schema of `run_tests`.
    public static let runTestsOutput = load(PackageResources.run_tests_output_schema_json, "run_tests.output.schema.json")
    /// The input schema of `get_test_result`.
    public static let getTestResultInput = load(PackageResources.get_test_result_input_schema_json, "get_test_result.input.schema.json")
    /// The output schema of `get_test_result`.
    public static let getTestResultOutput = load(PackageResources.get_test_result_output_schema_json, "get_test_result.output.schema.json")
    /// The error object.
    public static let error = load(PackageResources.error_schema_json, "error.schema.json")
    /// The configuration file.
    public static let configuration = load(PackageResources.config_schema_json, "config.schema.json")

    /// Every schema by file name, for tests that compare them with `schemas/`.
    public static var all: [String: JSONValue] {
        ["get_status.input.schema.json": getStatusInput, "get_status.output.schema.json": getStatusOutput,
         "get_sales.input.schema.json": getSalesInput, "get_sales.output.schema.json": getSalesOutput,
         "get_inventory.input.schema.json": getInventoryInput, "get_inventory.output.schema.json": getInventoryOutput,
         "import.schema.json": importFormat, "error.schema.json": error, "config.schema.json": configuration,
         "run_tests.input.schema.json": runTestsInput, "run_tests.output.schema.json": runTestsOutput,
         "get_test_result.input.schema.json": getTestResultInput, "get_test_result.output.schema.json": getTestResultOutput,
         "analyze_sales.input.schema.json": analyzeSalesInput, "analyze_sales.output.schema.json": analyzeSalesOutput,
         "analyze_inventory.input.schema.json": analyzeInventoryInput, "analyze_inventory.output.schema.json": analyzeInventoryOutput,
         "get_charge_codes.input.schema.json": getChargeCodesInput, "get_charge_codes.output.schema.json": getChargeCodesOutput]
    }

    private static func load(_ bytes: [UInt8], _ name: String) -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            // The files are part of the source tree and a test parses each: this cannot happen in
            // a build that passed its tests.
            fatalError("schemas/\(name) is not valid JSON: \(error)")
        }
    }
}
