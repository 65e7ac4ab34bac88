#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Creates the directory that holds the database file.
enum DatabaseDirectory {
    /// Permissions of directories created for the database: owner only, since the store holds
    /// departmental sales data.
    static let permissions: mode_t = 0o700

    /// Ensures `directory` exists as a directory, creating it and any missing parents with
    /// `permissions`; directories that already exist are left as they are. Throws
    /// `.cannotCreateDirectory` naming the component that failed and the system's reason.
    static func create(_ directory: String) throws(StoreError) {
        guard !directory.isEmpty else { return }
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if mkdir(prefix, permissions) == 0 { continue }
            let error = errno
            if error == EEXIST {
                if isDirectory(prefix) { continue }
                throw .cannotCreateDirectory(path: directory, message: "'\(prefix)' exists and is not a directory")
            }
            if isDirectory(prefix) { continue }  // e.g. EACCES on an existing directory like /home
            throw .cannotCreateDirectory(path: directory, message: "'\(prefix)': \(String(cString: strerror(error)))")
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
