/// Every bound the HTTP layer enforces, named once. The defaults are the shim's documented limits; tests and
/// the command line may lower or raise them.
public struct HTTPLimits: Sendable, Equatable {
    /// Longest request line, CRLF included (414 past it).
    public var maxRequestLineBytes = 8 * 1024
    /// Longest header section (request line excluded, final CRLF included) (431 past it).
    public var maxHeaderBytes = 32 * 1024
    /// Most header fields in one request (431 past it).
    public var maxHeaderCount = 100
    /// Largest request body (413 past it).
    public var maxBodyBytes = 1024 * 1024
    /// Time allowed from a request's first byte to the end of its header section.
    public var headerTimeoutSeconds = 10.0
    /// Time allowed for a declared body to arrive once the header section is complete.
    public var bodyTimeoutSeconds = 30.0
    /// How long a keep-alive connection may sit idle between requests before it is closed.
    public var idleTimeoutSeconds = 60.0
    /// How long a client may leave an answer unread (no write progress) before it is dropped.
    public var writeTimeoutSeconds = 30.0
    /// Open connections at once; one more is answered 503 and closed.
    public var maxConnections = 1024
    /// Requests of one connection parsed and not yet answered (pipelining depth); past it the
    /// connection is not read until answers leave.
    public var maxPipelinedRequests = 16
    /// How long SIGTERM waits for requests in flight before closing anyway.
    public var drainTimeoutSeconds = 10.0

    public init() {}
}
