import Testing
@testable import JSONRPC

@Suite struct JSONRPCMessageTests {
    func decode(_ text: String) throws -> JSONRPCMessage {
        try JSONRPCMessage.decode(try JSONParser.parse(text))
    }

    func invalid(_ text: String) -> JSONRPCMessage.Invalid? {
        do {
            _ = try decode(text)
            return nil
        } catch let error as JSONRPCMessage.Invalid {
            return error
        } catch {
            return nil
        }
    }

    @Test func classifiesRequestsNotificationsAndResponses() throws {
        #expect(try decode(#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#) == .request(id: .integer(1), method: "ping", params: nil))
        #expect(try decode(#"{"jsonrpc":"2.0","id":"a","method":"m","params":{"x":1}}"#)
            == .request(id: .string("a"), method: "m", params: ["x": 1]))
        #expect(try decode(#"{"jsonrpc":"2.0","method":"n"}"#) == .notification(method: "n", params: nil))
        #expect(try decode(#"{"jsonrpc":"2.0","id":3,"result":{}}"#) == .response(id: .integer(3), result: [:]))
        #expect(try decode(#"{"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"m"}}"#)
            == .errorResponse(id: .integer(3), error: JSONRPCError(code: -1, message: "m")))
    }

    @Test func keepsTheIdTypeItWasGiven() throws {
        #expect(RequestID(.integer(1))?.json == .integer(1))
        #expect(RequestID(.string("1"))?.json == .string("1"))
        #expect(RequestID(.integer(1)) != RequestID(.string("1")))
        // JSON Schema counts 2.0 as an integer, so the MCP id schema accepts it; 2.5 is not one.
        #expect(RequestID(.double(2.0)) == .integer(2))
        #expect(RequestID(.double(2.5)) == nil)
        #expect(RequestID(.null) == nil)
    }

    @Test func rejectsWhatIsNotARequest() {
        #expect(invalid("[]")?.error.code == JSONRPCError.invalidRequestCode)
        #expect(invalid("42")?.error.code == JSONRPCError.invalidRequestCode)
        #expect(invalid(#"{"id":1,"method":"m"}"#)?.id == .integer(1))
        #expect(invalid(#"{"jsonrpc":"1.0","id":1,"method":"m"}"#)?.error.code == JSONRPCError.invalidRequestCode)
        #expect(invalid(#"{"jsonrpc":"2.0","id":1,"method":5}"#)?.id == .integer(1))
        #expect(invalid(#"{"jsonrpc":"2.0","id":null,"method":"m"}"#)?.id == nil)
        #expect(invalid(#"{"jsonrpc":"2.0","id":1.5,"method":"m"}"#)?.id == nil)
        #expect(invalid(#"{"jsonrpc":"2.0","id":{},"method":"m"}"#) != nil)
        #expect(invalid(#"{"jsonrpc":"2.0","id":1,"method":"m","params":"x"}"#)?.id == .integer(1))
        #expect(invalid(#"{"jsonrpc":"2.0"}"#) != nil)
    }

    @Test func writesErrorsWithANullIdWhenTheIdIsUnknown() {
        let json = JSONRPCMessage.errorJSON(id: nil, error: .parseError("x"))
        #expect(JSONWriter.string(json) == #"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error: x"}}"#)
    }
}
