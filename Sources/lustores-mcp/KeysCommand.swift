import Foundation
import HTTPShim

/// `lustores-mcp keys new --name NAME --scopes LIST`: a new API key, shown once.
enum KeysCommand {
    /// Prints the key (`lus_` and 32 bytes from the system's CSPRNG, base64url without padding)
    /// and its keys-file line on stdout, a reminder on stderr. Exit 0, or 2 for a bad name or scope.
    static func newKey(name: String, scopes scopeList: String) -> Int32 {
        guard APIKeys.isValidName(name) else {
            LUStoresMCP.report("--name must be 1 to 64 letters, digits, '.', '_' or '-', not \(name)")
            return 2
        }
        let scopes: Set<APIKeyScope>
        switch APIKeyScope.parseList(scopeList) {
        case .success(let parsed): scopes = parsed
        case .failure(let unknown):
            let known = APIKeyScope.allCases.map(\.rawValue).joined(separator: ", ")
            LUStoresMCP.report("unknown scope \(unknown.name) (scopes: \(known))")
            return 2
        }
        let key = makeKey()
        let line = "name=\(name) scopes=\(APIKeyScope.listText(scopes)) sha256=\(SHA256.hex(key))"
        FileHandle.standardOutput.write(Data((key + "\n" + line + "\n").utf8))
        LUStoresMCP.report("the first line is the key: give it to the client now, it is stored nowhere; "
                           + "the second line goes into api_keys_file")
        return 0
    }

    /// `lus_` and 32 random bytes in base64url without padding (43 characters).
    static func makeKey() -> String {
        var generator = SystemRandomNumberGenerator()  // getrandom(2): the kernel's CSPRNG
        var bytes: [UInt8] = []
        for _ in 0..<4 { withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) } }
        let base64 = Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "lus_" + base64
    }
}
