/// What answers the requests an ``HTTPListener`` receives: an application's router, or a test
/// double.
///
/// Called concurrently from many tasks; it must never block its thread (the cooperative pool
/// is small) and must always return an answer.
public protocol HTTPHandler: Sendable {
    /// The answer to `request`.
    func handle(_ request: HTTPRequest) async -> HTTPResponse
}

/// Whether `request` proves who its client is (it carries a valid credential). The server knows
/// nothing of credentials; the application says, and a connection that carried such a request is
/// closed last when the server runs out of connections. Called on an event loop thread for every
/// request: it must be quick and never block.
public typealias HTTPClientTrust = @Sendable (HTTPRequest) -> Bool
