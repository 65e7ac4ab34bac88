/// A handler made of a closure.
public struct ClosureHandler: HTTPHandler {
    private let body: @Sendable (HTTPRequest) async -> HTTPResponse

    /// A handler answering with `body`.
    public init(_ body: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) { self.body = body }

    /// `body`'s answer.
    public func handle(_ request: HTTPRequest) async -> HTTPResponse { await body(request) }
}
