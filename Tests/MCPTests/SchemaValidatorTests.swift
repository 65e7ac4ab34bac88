import JSONRPC
import Testing
@testable import MCP

@Suite struct SchemaValidatorTests {
    let schema: JSONValue = [
        "type": "object",
        "properties": [
            "page": ["type": "integer", "minimum": 1],
            "ratio": ["type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1],
            "status": ["type": "string", "enum": ["completed", "refunded"]],
            "name": ["type": ["string", "null"], "minLength": 1],
            "options": ["type": "object", "properties": ["timeout": ["type": "integer", "maximum": 10]],
                        "additionalProperties": false],
            "tags": ["type": "array", "items": ["type": "string"], "maxItems": 2],
        ],
        "required": ["page"],
        "additionalProperties": false,
    ]

    func violation(_ value: JSONValue) -> String? {
        SchemaValidator.validate(value, against: schema).map(\.description)
    }

    @Test func acceptsValidValues() {
        #expect(violation(["page": 1]) == nil)
        #expect(violation(["page": 2, "ratio": 0.5, "status": "refunded", "name": nil, "options": ["timeout": 10], "tags": ["a"]]) == nil)
    }

    @Test func namesTheFieldAndTheRule() {
        #expect(violation([:]) == "page: is required")
        #expect(violation(["page": 0]) == "page: must be at least 1")
        #expect(violation(["page": "1"]) == "page: must be an integer, got string")
        #expect(violation(["page": 1, "ratio": 1]) == "ratio: must be less than 1")
        #expect(violation(["page": 1, "ratio": 0]) == "ratio: must be greater than 0")
        #expect(violation(["page": 1, "status": "lost"]) == #"status: must be one of "completed", "refunded""#)
        #expect(violation(["page": 1, "name": ""]) == "name: must not be empty")
        #expect(violation(["page": 1, "name": 3]) == "name: must be a string or a null, got integer")
        #expect(violation(["page": 1, "options": ["timeout": 11]]) == "options.timeout: must be at most 10")
        #expect(violation(["page": 1, "options": ["x": 1]])?.hasPrefix("options.x: unknown field") == true)
        #expect(violation(["page": 1, "tags": ["a", 2]]) == "tags[1]: must be a string, got integer")
        #expect(violation(["page": 1, "tags": ["a", "b", "c"]]) == "tags: must have at most 2 elements")
        #expect(violation(["page": 1, "extra": true])?.hasPrefix("extra: unknown field") == true)
        #expect(violation("x") == "must be an object, got string")
    }
}
