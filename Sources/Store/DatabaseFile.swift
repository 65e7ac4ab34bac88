#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks on the database file as the filesystem sees it, made without SQLite: whether the file at
/// the path is still the one the connections have open, and whether it can still be written.
/// Each check is a few system calls, cheap enough for every `get_status`.
enum DatabaseFile {
    /// A file's identity: device and inode. Two paths naming one identity name one file.
    struct Identity: Equatable, Sendable {
        let device: UInt64
        let inode: UInt64
    }

    /// Below this much free space on its volume the database counts as full: a write needs room
    /// for its journal as well as its pages.
    static let minimumFreeBytes: UInt64 = 1 << 20

    /// What `stat` found at a path.
    enum Lookup: Equatable {
        case found(Identity)
        /// No file there (ENOENT).
        case missing
        /// `stat` failed otherwise (permissions on a folder above, an I/O error).
        case unreadable
    }

    /// The identity of the file at `path`.
    static func identity(of path: String) -> Lookup {
        var info = stat()
        guard stat(path, &info) == 0 else { return errno == ENOENT ? .missing : .unreadable }
        return .found(Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
    }

    /// The database file and its folder held open with `O_PATH` (no read or write access, no
    /// effect on SQLite's locks), so that each write check asks the kernel about the inodes
    /// directly instead of walking the path again.
    struct Anchors: Sendable {
        /// Linux's `O_PATH` and `AT_EMPTY_PATH` (the C headers show them only under `_GNU_SOURCE`);
        /// both are part of the kernel's stable ABI.
        static let pathOnly: Int32 = 0o10000000
        static let emptyPath: Int32 = 0x1000

        let file: Int32
        let directory: Int32

        /// Opens both, provided the file at `file` still has `identity`; nil when either cannot be
        /// opened or the file changed meanwhile (the checks then fall back to the paths).
        static func hold(file: String, directory: String, identity: Identity) -> Anchors? {
            let fileDescriptor = open(file, pathOnly | O_CLOEXEC)
            guard fileDescriptor >= 0 else { return nil }
            let directoryDescriptor = open(directory, pathOnly | O_DIRECTORY | O_CLOEXEC)
            var info = stat()
            guard directoryDescriptor >= 0, fstat(fileDescriptor, &info) == 0,
                  Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)) == identity else {
                _ = close(fileDescriptor)
                if directoryDescriptor >= 0 { _ = close(directoryDescriptor) }
                return nil
            }
            return Anchors(file: fileDescriptor, directory: directoryDescriptor)
        }

        func release() {
            _ = close(file)
            _ = close(directory)
        }
    }

    /// `writeProblem(file:directory:)` asked of the anchored inodes: the same checks, without
    /// walking the path (three system calls of about 1 µs instead of 2 µs each).
    static func writeProblem(_ anchors: Anchors) -> String? {
        if faccessat(anchors.file, "", W_OK, Anchors.emptyPath) != 0 {
            return reason(errno, for: "the database file")
        }
        if faccessat(anchors.directory, "", W_OK, Anchors.emptyPath) != 0 {
            return reason(errno, for: "the folder holding the database")
        }
        var volume = statvfs()
        guard fstatvfs(anchors.directory, &volume) == 0 else { return nil }
        return volumeProblem(volume)
    }

    /// Why a write to the database would fail now, in product terms; nil when nothing stands in its
    /// way. Checks the file (immutable, read-only volume, permissions), its folder (where the
    /// journal is created) and the free space of its volume.
    static func writeProblem(file: String, directory: String) -> String? {
        if access(file, W_OK) != 0 {
            return reason(errno, for: "the database file")
        }
        if access(directory, W_OK) != 0 {
            return reason(errno, for: "the folder holding the database")
        }
        var volume = statvfs()
        guard statvfs(directory, &volume) == 0 else { return nil }
        return volumeProblem(volume)
    }

    private static func volumeProblem(_ volume: statvfs) -> String? {
        if volume.f_flag & UInt(ST_RDONLY) != 0 {
            return "the volume holding the database is read-only"
        }
        if UInt64(volume.f_bavail) * UInt64(volume.f_frsize) < minimumFreeBytes {
            return "the volume holding the database is full"
        }
        return nil
    }

    private static func reason(_ error: Int32, for what: String) -> String {
        switch error {
        case EROFS: return "the volume holding the database is read-only"
        case EPERM: return "\(what) is marked immutable and cannot be written"
        case EACCES: return "\(what) cannot be written: permission denied"
        default: return "\(what) cannot be written"
        }
    }
}
