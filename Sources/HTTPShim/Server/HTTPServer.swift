import CEventLoop
import MCP
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on POSIX sockets: one `epoll` event loop on a thread of its own owns every
/// socket (non-blocking), and each request is answered by the handler in a Swift task whose answer
/// comes back to the loop through a queue and an `eventfd` wake-up.
///
/// Guarantees: no socket operation ever blocks a thread; a slow or idle client costs one
/// descriptor and its buffers, never a thread, so it cannot hold up others; every limit of
/// ``HTTPLimits`` is enforced (timeouts to within ``sweepInterval``); past
/// ``HTTPLimits/maxConnections`` a new connection gets 503 and is closed; ``shutdown()`` stops
/// accepting, closes idle connections, lets requests in flight finish and their answers leave
/// (each with `Connection: close`), then stops, within ``HTTPLimits/drainTimeoutSeconds``.
public final class HTTPServer: Sendable {
    /// How often timeouts are checked.
    public static let sweepInterval = 0.25

    /// The port the server listens on.
    public let port: Int
    public let host: String
    let limits: HTTPLimits
    let handler: any HTTPHandler
    let logger: Logger?
    let listener: ListeningSocket
    let wakeDescriptor: Int32
    let shared: Mutex<SharedState>

    /// What tasks and other threads hand to the loop.
    struct SharedState: ~Copyable {
        var completions: [(connection: UInt64, sequence: UInt64, event: HTTPResponseEvent)] = []
        var shutdownRequested = false
        var started = false
        var stopped = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Binds `host`:`port` (0 picks a free port); ``start()`` begins serving.
    public init(host: String, port: Int, limits: HTTPLimits = HTTPLimits(), handler: some HTTPHandler,
                logger: Logger? = nil) throws(HTTPServerError) {
        Self.raiseDescriptorLimit(to: limits.maxConnections + 64)
        listener = try ListeningSocket.open(host: host, port: port)
        let wake = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wake >= 0 else {
            close(listener.descriptor)
            throw HTTPServerError(.eventLoopFailed, "eventfd: \(errnoText())")
        }
        self.wakeDescriptor = wake
        self.port = listener.port
        self.host = host
        self.limits = limits
        self.handler = handler
        self.logger = logger
        self.shared = Mutex(SharedState())
    }

    /// Starts the event loop thread (once).
    public func start() {
        let first = shared.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        LoopThread { [self] in
            let loop = EventLoop(server: self)
            loop.run()
            loop.closeAll()
            close(listener.descriptor)
            let waiters = shared.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.stopped = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }.start()
    }

    /// Begins the drain: no new connections, requests in flight finish, then the loop stops.
    public func shutdown() {
        shared.withLock { $0.shutdownRequested = true }
        wake()
    }

    /// Returns once the loop has stopped (at once if it already has).
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = shared.withLock { state -> Bool in
                if state.stopped { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Hands an answer event to the loop.
    func post(connection: UInt64, sequence: UInt64, event: HTTPResponseEvent) {
        let wasEmpty = shared.withLock { state -> Bool in
            state.completions.append((connection, sequence, event))
            return state.completions.count == 1
        }
        if wasEmpty { wake() }
    }

    func wake() {
        var one: UInt64 = 1
        _ = write(wakeDescriptor, &one, 8)
    }

    /// Lifts the soft limit on open descriptors towards `wanted` (never above the hard limit).
    static func raiseDescriptorLimit(to wanted: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(wanted) else { return }
        limit.rlim_cur = min(limit.rlim_max, rlim_t(wanted))
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
