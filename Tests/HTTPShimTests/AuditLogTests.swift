import Foundation
import JSONRPC
import Testing
@testable import HTTPShim

@Suite struct AuditLogTests {
    private func lines(_ path: String) throws -> [JSONValue] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
    }

    @Test func argumentsPast1KiBAreCutAtACharacterAndFlagged() throws {
        let path = NSTemporaryDirectory() + "audit-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let audit = try AuditLog(path: path)
        let small = JSONObject([("search", .string("resistor"))])
        let large = JSONObject([("search", .string(String(repeating: "é", count: 2000)))])
        audit.record(AuditEntry(key: "ci", address: "127.0.0.1", transport: "rest", tool: "get_inventory", arguments: small,
                                outcome: "ok", status: 200, duration: .milliseconds(2)))
        audit.record(AuditEntry(key: "ci", address: "127.0.0.1", transport: "rest", tool: "get_inventory", arguments: large,
                                outcome: "ok", status: 200, duration: .milliseconds(2)))
        let written = try lines(path)
        #expect(written.count == 2)
        #expect(written[0]["arguments"] == .object(small) && written[0]["arguments_truncated"] == nil)
        #expect(written[0]["duration_ms"]?.doubleValue == 2)
        let cut = try #require(written[1]["arguments"]?.stringValue)
        #expect(cut.utf8.count <= AuditLog.argumentsLimit && cut.utf8.count > AuditLog.argumentsLimit - 2)
        #expect(cut.hasPrefix(#"{"search":"éé"#) && written[1]["arguments_truncated"] == true)
        var status = stat()
        #expect(stat(path, &status) == 0 && status.st_mode & 0o777 == 0o600)
    }

    @Test func reopenSendsLaterLinesToTheNewFile() throws {
        let path = NSTemporaryDirectory() + "audit-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: path); try? FileManager.default.removeItem(atPath: path + ".1") }
        let audit = try AuditLog(path: path)
        audit.record(AuditEntry(event: "auth_failed", key: nil, address: "::1", transport: "mcp", outcome: "MCP_AUTH_REQUIRED"))
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        audit.record(AuditEntry(key: "a", address: nil, transport: "stdio", outcome: "ok"))
        try audit.reopen()
        audit.record(AuditEntry(key: "b", address: nil, transport: "stdio", outcome: "ok"))
        #expect(try lines(path + ".1").map { $0["key"] } == [.null, "a"])
        #expect(try lines(path).map { $0["key"] } == ["b"])
        #expect(throws: AuditLog.OpenError.self) { try AuditLog(path: "/nonexistent-directory/audit.log") }
    }
}
