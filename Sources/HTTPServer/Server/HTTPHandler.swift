/// What answers the requests an ``HTTPListener`` receives: an application's router, or a test
/// double.
///
/// Called concurrently from many tasks; it must never block its thread (the cooperative pool
/// is small) and must always return an answer.
public protocol HTTPHandler: Sendable {
    /// The answer to `request`.
    func handle(_ request: HTTPRequest) async -> HTTPResponse
}
