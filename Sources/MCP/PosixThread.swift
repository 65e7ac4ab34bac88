#if canImport(Glibc)
import Glibc
#endif

/// A detached POSIX thread running one closure: for blocking work (the stdio transport's reads
/// and writes, the HTTP shim's `epoll_wait`) that must never occupy a thread of Swift's
/// cooperative pool.
public struct PosixThread: Sendable {
    private let body: @Sendable () -> Void

    /// A thread that will run `body` once ``start()`` is called.
    public init(_ body: @escaping @Sendable () -> Void) { self.body = body }

    /// Starts the thread; traps only if the system cannot create a thread at all.
    public func start() {
        final class Box: Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        precondition(result == 0, "pthread_create failed: \(result)")
        pthread_detach(thread)
    }
}
