/// Every bound the HTTP layer enforces, named once. The defaults suit a public-facing server;
/// tests and the command line may lower or raise them.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line, CRLF included (414 past it).
    public var maxRequestLineBytes = 8 * 1024
    /// Longest header section (request line excluded, final CRLF included) (431 past it).
    public var maxHeaderBytes = 32 * 1024
    /// Most header fields in one request (431 past it).
    public var maxHeaderCount = 100
    /// Largest request body (413 past it).
    public var maxBodyBytes = 1024 * 1024
    /// Time allowed from a request's first byte to the end of its header section; for a
    /// connection's first request, from the moment it was accepted.
    public var headerTimeoutSeconds = 10.0
    /// Time allowed for a declared body to arrive once the header section is complete.
    public var bodyTimeoutSeconds = 30.0
    /// How long a keep-alive connection may sit idle between requests before it is closed.
    public var idleTimeoutSeconds = 60.0
    /// How long a client may leave an answer unread (no write progress) before it is dropped.
    public var writeTimeoutSeconds = 30.0
    /// Open connections at once. Past it, the most expendable open connection (one that never
    /// sent a whole request, then one idle without a credential, then any idle one, oldest first)
    /// is closed to make room; with none of those, the new one is answered 503 and closed.
    public var maxConnections = 1024
    /// Open connections from one client address at once, enforced as ``maxConnections`` is, among
    /// that address's connections: one address cannot take every slot. Local clients and proxies
    /// legitimately hold many, so the default is 256.
    public var maxConnectionsPerAddress = 256
    /// Requests of one connection parsed and not yet answered (pipelining depth); past it the
    /// connection is not read until answers leave.
    public var maxPipelinedRequests = 16
    /// How long SIGTERM waits for requests in flight before closing anyway.
    public var drainTimeoutSeconds = 10.0

    /// The defaults above.
    public init() {}
}
