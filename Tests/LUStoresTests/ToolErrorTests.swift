import JSONRPC
import MCP
import Testing
@testable import LUStores
import TestExecution

/// The one error object of `schemas/error.schema.json`.
@Suite struct ToolErrorTests {
    @Test func jsonShapeWithDetails() {
        let error = ToolError(.notFound, "no execution test_42", details: JSONObject([("execution_id", "test_42")]),
                              timestamp: "2025-06-09T10:30:00Z")
        let expected: JSONValue = ["error": ["code": "MCP_NOT_FOUND", "message": "no execution test_42",
                                             "timestamp": "2025-06-09T10:30:00Z", "details": ["execution_id": "test_42"]]]
        #expect(error.json == expected)
        #expect(error.json.objectValue?.keys == ["error"])
        #expect(error.json["error"]?.objectValue?.keys == ["code", "message", "timestamp", "details"])
        #expect(JSONWriter.string(error.json)
                == #"{"error":{"code":"MCP_NOT_FOUND","message":"no execution test_42","timestamp":"2025-06-09T10:30:00Z","details":{"execution_id":"test_42"}}}"#)
    }

    @Test func jsonShapeWithoutDetails() {
        let error = ToolError(.unavailable, "the database cannot be reached", timestamp: "2025-06-09T10:30:00Z")
        #expect(error.json == ["error": ["code": "MCP_UNAVAILABLE", "message": "the database cannot be reached",
                                         "timestamp": "2025-06-09T10:30:00Z"]])
        #expect(error.json["error"]?["details"] == nil)
    }

    @Test func theDefaultTimestampIsNowInUTC() {
        let error = ToolError(.internalError, "bug")
        let timestamp = error.timestamp
        #expect(timestamp.matches(timestampPattern), "\(timestamp)")
        #expect(error.json["error"]?["timestamp"] == .string(timestamp))
    }

    @Test func outcomeIsAToolFailureCarryingTheObject() {
        let error = ToolError(.rateLimited, "slow down", timestamp: "2025-06-09T10:30:00Z")
        #expect(error.outcome == .failure(error))
        #expect(error.outcome.json == error.json)
        #expect(error.outcome.isError)
    }

    @Test(arguments: [
        (ToolError.Code.invalidRequest, "MCP_INVALID_REQUEST", 400),
        (.authRequired, "MCP_AUTH_REQUIRED", 401),
        (.forbidden, "MCP_FORBIDDEN", 403),
        (.notFound, "MCP_NOT_FOUND", 404),
        (.methodNotAllowed, "MCP_METHOD_NOT_ALLOWED", 405),
        (.testRunning, "MCP_TEST_RUNNING", 409),
        (.rateLimited, "MCP_RATE_LIMITED", 429),
        (.internalError, "MCP_INTERNAL_ERROR", 500),
        (.unavailable, "MCP_UNAVAILABLE", 503),
    ])
    func codeHasItsWireNameAndHTTPStatus(_ code: ToolError.Code, _ name: String, _ status: Int) {
        #expect(code.rawValue == name)
        #expect(code.httpStatus == status)
        let json = ToolError(code, "message", details: JSONObject([("k", 1)])).json
        #expect(SchemaValidator.validate(json, against: SchemaLibrary.error) == nil, "\(json)")
    }

    @Test func everyCodeIsInTheErrorSchemaAndNoOther() {
        #expect(ToolError.Code.allCases.count == 9)
        let schemaCodes = SchemaLibrary.error["properties"]?["error"]?["properties"]?["code"]?["enum"]?.arrayValue ?? []
        #expect(Set(schemaCodes.compactMap(\.stringValue)) == Set(ToolError.Code.allCases.map(\.rawValue)))
    }

    /// The runner's refusals become the codes, messages and details `run_tests` and
    /// `get_test_result` have always answered with.
    @Test func testRunnerRefusalsBecomeTheirCodesAndDetails() {
        let unconfigured = ToolError(TestRunnerFailure.notConfigured(testType: "e2e", configured: ["sales", "system"]))
        #expect(unconfigured.code == .invalidRequest)
        #expect(unconfigured.message == "the e2e suite is not configured; configured suites: sales, system")
        #expect(unconfigured.details.map(JSONValue.object) == ["test_type": "e2e", "configured": ["sales", "system"]])

        let busy = ToolError(TestRunnerFailure.busy(running: ["test_1", "test_2"]))
        #expect(busy.code == .testRunning && busy.message == "a test execution is already running: test_1")
        #expect(busy.details.map(JSONValue.object) == ["execution_id": "test_1", "running": ["test_1", "test_2"]])

        let missing = ToolError(TestRunnerFailure.notFound(executionID: "test_42"))
        #expect(missing.code == .notFound && missing.message == "no test execution test_42")
        #expect(missing.details.map(JSONValue.object) == ["execution_id": "test_42"])

        let unavailable = ToolError(TestRunnerFailure.unavailable(reason: "the database cannot be reached: busy"))
        #expect(unavailable.code == .unavailable && unavailable.message == "the database cannot be reached: busy")
        #expect(unavailable.details == nil)
        for error in [unconfigured, busy, missing, unavailable] {
            #expect(SchemaValidator.validate(error.json, against: SchemaLibrary.error) == nil, "\(error.json)")
        }
    }
}
