import CEventLoop
import ServerSupport
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An HTTP/1.1 server on POSIX sockets: `eventLoops` `epoll` event loops, each on a thread of
/// its own, accepting from one listening socket (each loop holds its own descriptor of it; never
/// `SO_REUSEPORT`, so a port in use fails at once and no other process can share the port),
/// own every socket (non-blocking); each request is answered by the handler in a
/// Swift task whose answer comes back to its loop through a queue and an `eventfd` wake-up.
///
/// Guarantees: no socket operation ever blocks a thread; a slow or idle client costs one
/// descriptor and its buffers, never a thread, so it cannot hold up others; every limit of
/// ``HTTPLimits`` is enforced (timeouts to within ``sweepInterval``; a connection that sends
/// nothing is closed after the header timeout, not the idle one); past
/// ``HTTPLimits/maxConnections`` (all loops together) or
/// ``HTTPLimits/maxConnectionsPerAddress``, the most expendable connection in the same scope is
/// closed, whichever loop holds it (never sent a whole request, then idle without a credential,
/// then idle, oldest first; never one with an answer owed: each loop is asked in turn for each
/// kind, and the loop holding the victim adopts the new connection), or if there is none the new
/// one is answered 503 and closed;
/// ``shutdown()`` stops accepting, closes idle connections, answers every request already
/// received (the last answer of each connection with `Connection: close`), then stops, within
/// ``HTTPLimits/drainTimeoutSeconds``. What the server answers by itself (a request it cannot
/// parse, a timeout, one connection too many) is rendered by the application's
/// ``HTTPRefusalRenderer``.
///
/// (Named `HTTPListener`, not `HTTPServer`, so that the module name `HTTPServer` stays usable as a
/// qualifier.)
public final class HTTPListener: Sendable {
    /// How often timeouts are checked.
    public static let sweepInterval = 0.25

    /// The port the server listens on.
    public let port: Int
    /// The address it was asked to bind, as given.
    public let host: String
    let limits: HTTPLimits
    let handler: any HTTPHandler
    let refusals: HTTPRefusalRenderer
    let logger: Logger?
    let channels: [LoopChannel]
    /// Connections open across all loops, for the cap.
    let openConnections = Atomic<Int>(0)
    /// Connections open per client address across all loops, for the per-address cap.
    let connectionsByAddress = Mutex<[String: Int]>([:])
    /// Whether a request proves its client (nil: none does).
    let trust: HTTPClientTrust?
    private let lifecycle = Mutex<Lifecycle>(Lifecycle())

    private struct Lifecycle: ~Copyable {
        var started = false
        var running = 0
        var stopped = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Binds `host`:`port` (0 picks a free port) with `eventLoops` loops (at least 1);
    /// ``start()`` begins serving. `refusals` renders the answers the server sends by itself
    /// (plain text unless the application has an error format).
    public init(host: String, port: Int, limits: HTTPLimits = HTTPLimits(), eventLoops: Int = 2,
                handler: some HTTPHandler, refusals: @escaping HTTPRefusalRenderer = HTTPRefusal.plainText,
                trust: HTTPClientTrust? = nil, logger: Logger? = nil) throws(HTTPServerError) {
        Self.raiseDescriptorLimit(to: limits.maxConnections + 64)
        let count = max(1, eventLoops)
        var channels: [LoopChannel] = []
        do {
            let first = try ListeningSocket.open(host: host, port: port)
            channels.append(try LoopChannel(listener: first))
            while channels.count < count {
                channels.append(try LoopChannel(listener: try first.duplicate()))
            }
        } catch {
            for channel in channels { channel.close() }
            throw error
        }
        self.channels = channels
        self.port = channels[0].listener.port
        self.host = host
        self.limits = limits
        self.handler = handler
        self.refusals = refusals
        self.trust = trust
        self.logger = logger
    }

    /// Starts the event loop threads (once).
    public func start() {
        let first = lifecycle.withLock { state -> Bool in
            defer { state.started = true }
            if !state.started { state.running = channels.count }
            return !state.started
        }
        guard first else { return }
        for channel in channels {
            PosixThread { [self] in
                let loop = EventLoop(server: self, channel: channel)
                loop.run()
                loop.closeAll()
                channel.close()
                let waiters = lifecycle.withLock { state -> [CheckedContinuation<Void, Never>] in
                    state.running -= 1
                    guard state.running == 0 else { return [] }
                    state.stopped = true
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume() }
            }.start()
        }
    }

    /// Begins the drain: no new connections, requests already received are answered, then the
    /// loops stop.
    public func shutdown() {
        for channel in channels { channel.requestShutdown() }
    }

    /// Returns once every loop has stopped (at once if they have).
    public func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = lifecycle.withLock { state -> Bool in
                if state.stopped { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    /// Adds `delta` to the connections open from `address`; returns the count after it.
    func countConnection(from address: String, _ delta: Int) -> Int {
        connectionsByAddress.withLock { table in
            let count = (table[address] ?? 0) + delta
            table[address] = count > 0 ? count : nil
            return count
        }
    }

    /// Lifts the soft limit on open descriptors towards `wanted` (never above the hard limit).
    static func raiseDescriptorLimit(to wanted: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(wanted) else { return }
        limit.rlim_cur = min(limit.rlim_max, rlim_t(wanted))
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
