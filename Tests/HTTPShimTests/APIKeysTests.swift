import Foundation
import Testing
import HTTPServerTesting
@testable import HTTPServer
@testable import HTTPShim
@testable import MCPHTTP

@Suite struct APIKeysTests {
    @Test func matchesOnlyExactBearerKeys() {
        let keys = APIKeys(["alpha", "beta-key"])
        #expect(keys.authenticate("Bearer alpha") == 0)
        #expect(keys.authenticate("Bearer beta-key") == 1)
        #expect(keys.authenticate("BEARER beta-key") == 1)
        for header in [nil, "", "Bearer", "Bearer ", "Bearer alph", "Bearer alphaa", "Basic alpha", "alpha", "Bearer beta-key "] as [String?] {
            #expect(keys.authenticate(header) == nil, "\(header ?? "nil")")
        }
        #expect(!keys.description.contains("alpha"))
        #expect(ConstantTime.equals(Array("abc".utf8), Array("abc".utf8)[...]))
        #expect(!ConstantTime.equals(Array("abc".utf8), Array("abd".utf8)[...]))
        #expect(!ConstantTime.equals(Array("abc".utf8), Array("abcd".utf8)[...]))
        #expect(APIKeys.parseList(" a, b ,,c ") == ["a", "b", "c"])
    }

    @Test func keysFileMustBePrivate() throws {
        let path = NSTemporaryDirectory() + "keys-\(UUID().uuidString)"
        #expect(FileManager.default.createFile(atPath: path, contents: Data("# comment\nkey-one\n\n  key-two  \n#key-three\n".utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        chmod(path, 0o644)
        #expect(throws: APIKeys.LoadError.readableByOthers(path: path, mode: "644")) { try APIKeys.loadFile(path) }
        chmod(path, 0o640)
        #expect(throws: APIKeys.LoadError.self) { try APIKeys.loadFile(path) }
        chmod(path, 0o600)
        #expect(try APIKeys.loadFile(path) == ["key-one", "key-two"])
        #expect(throws: APIKeys.LoadError.unreadable(path: path + "-missing")) { try APIKeys.loadFile(path + "-missing") }
    }
}
