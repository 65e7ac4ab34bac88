import Foundation

/// A database the person named (`--database`, `LUSTORES_DATABASE`, `database` in the configuration
/// file) is used as named or not at all: its folder must exist, and a file already there must be a
/// SQLite database. Only the default database is created with its folders (and filled with demo
/// data), so a mistyped path fails at once instead of quietly starting an empty store elsewhere.
enum NamedDatabase {
    /// The first 16 bytes of every SQLite 3 database file.
    static let header = Array("SQLite format 3\0".utf8)

    /// Why `path` cannot be used, naming it; nil when it can (an absent file in an existing folder
    /// is created empty; an empty file is a new database to SQLite).
    static func problem(at path: String) -> String? {
        let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.isEmpty ? "/" : folder, isDirectory: &isFolder) else {
            return "the database \(path) cannot be created: its folder \(folder) does not exist "
                + "(only the default database's folder is created)"
        }
        guard isFolder.boolValue else { return "the database \(path) cannot be created: \(folder) is not a folder" }
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return nil }
        guard !isFolder.boolValue else { return "the database \(path) is a folder, not a SQLite database file" }
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }  // opening it will say why
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: header.count)).map { Array($0) } ?? []
        guard start.isEmpty || start == header else { return "\(path) is not a SQLite database" }
        return nil
    }
}
