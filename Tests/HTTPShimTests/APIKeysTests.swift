import Foundation
import Testing
import HTTPServerTesting
@testable import HTTPServer
@testable import HTTPShim
@testable import MCPHTTP

@Suite struct APIKeysTests {
    @Test func matchesOnlyExactBearerKeys() {
        let keys = APIKeys(["alpha", "beta-key"])
        #expect(keys.authenticate("Bearer alpha")?.name == "key-1")
        #expect(keys.authenticate("Bearer beta-key")?.position == 1)
        #expect(keys.authenticate("BEARER beta-key")?.name == "key-2")
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
        #expect(FileManager.default.createFile(atPath: path, contents: Data("# comment\nkey-one-0123456789\n\n  key-two-0123456789  \n#key-three\n".utf8)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        chmod(path, 0o644)
        #expect(throws: APIKeys.LoadError.readableByOthers(path: path, mode: "644")) { try APIKeys.load(file: path) }
        chmod(path, 0o640)
        #expect(throws: APIKeys.LoadError.self) { try APIKeys.load(file: path) }
        chmod(path, 0o600)
        let keys = try APIKeys.load(file: path)
        #expect(keys.plaintextNames == ["key-1", "key-2"])
        #expect(keys.authenticate("Bearer key-two-0123456789")?.name == "key-2")
        #expect(throws: APIKeys.LoadError.unreadable(path: path + "-missing")) { try APIKeys.load(file: path + "-missing") }
    }

    /// FIPS 180-4 examples (and the NIST long-message vector of one million `a`).
    @Test func sha256MatchesTheFIPSVectors() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        #expect(SHA256.hex(String(repeating: "a", count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // Every padding boundary: 55, 56 and 64 bytes take one or two final blocks.
        #expect(SHA256.hex(String(repeating: "a", count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(SHA256.hex(String(repeating: "a", count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(SHA256.hex(String(repeating: "a", count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    @Test func hashedEntriesAuthenticateByTheirHashWithTheirScopes() throws {
        let secret = "lus_example-secret-for-a-unit-test"
        let keys = try APIKeys.parse(lines: ["# ops", "name=ci scopes=tests:run,tests:read sha256=\(SHA256.hex(secret))",
                                             "plaintext-key-0123456789"], source: "test")
        let ci = try #require(keys.authenticate("Bearer \(secret)"))
        #expect(ci == APIKey(name: "ci", scopes: [.testsRun, .testsRead], position: 0))
        #expect(ci.allows(.testsRun) && !ci.allows(.data))
        #expect(keys.authenticate("Bearer \(SHA256.hex(secret))") == nil, "the hash itself is no key")
        #expect(keys.authenticate("Bearer plaintext-key-0123456789") == APIKey(name: "key-2", scopes: Set(APIKeyScope.allCases), position: 1))
        #expect(keys.plaintextNames == ["key-2"])
    }

    @Test func badEntriesAreRefusedNamingNoKey() {
        let hash = SHA256.hex("x")
        let cases: [(String, String)] = [
            ("short-key", "API key key-1 is shorter than 16 characters"),
            ("name=ci scopes=data,admin sha256=\(hash)", "unknown scope admin"),
            ("name=ci scopes=data sha256=abcd", "64 hexadecimal digits"),
            ("name=ci sha256=\(hash)", "needs scopes"),
            ("name=c/i scopes=data sha256=\(hash)", "name must be"),
            ("name=ci scopes=data sha256=\(hash) owner=me", "unexpected or repeated field owner"),
        ]
        for (line, expected) in cases {
            do {
                _ = try APIKeys.parse(lines: ["# first", line], source: "api_keys_file /k")
                Issue.record("accepted \(line)")
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
                #expect(!error.description.contains("short-key"))
                if line.hasPrefix("name=") { #expect(error.description.hasPrefix("api_keys_file /k line 2: ")) }
            }
        }
        let twice = "name=ci scopes=data sha256=\(hash)"
        #expect(throws: APIKeys.LoadError.duplicateName(source: "s", name: "ci")) { try APIKeys.parse(lines: [twice, twice], source: "s") }
    }

    /// The one scope table: explicit entries, then the rate-limit class, so tools other
    /// branches add fall into `data` unless named.
    @Test func everyToolAndRouteHasItsScope() {
        let expected: [String: APIKeyScope] = ["get_status": .status, "get_sales": .data, "get_inventory": .data,
                                               "analyze_sales": .data, "analyze_inventory": .data, "get_charge_codes": .data,
                                               "run_tests": .testsRun, "get_test_result": .testsRead]
        for (tool, scope) in expected { #expect(APIKeyScope.required(tool: tool) == scope, "\(tool)") }
        #expect(Dictionary(uniqueKeysWithValues: RESTRoute.all.map { ($0.path, $0.scope) })
                == ["/api/mcp/status": .status, "/api/mcp/test": .testsRun, "/api/mcp/test/{execution_id}": .testsRead,
                    "/api/mcp/sales": .data, "/api/mcp/sales/analysis": .data, "/api/mcp/inventory": .data,
                    "/api/mcp/inventory/analysis": .data,
                    "/api/mcp/charge-codes": .data])
        #expect(APIKeyScope.parseList("status,data,status") == .success([.status, .data]))
        #expect(APIKeyScope.parseList("data,") == .failure(.init(name: "")))
        #expect(APIKeyScope.listText([.metrics, .status, .testsRun]) == "status,tests:run,metrics")
    }
}
