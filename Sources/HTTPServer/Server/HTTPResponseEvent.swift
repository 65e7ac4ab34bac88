/// How the answer to one request reaches its connection: a complete answer in one event, or a
/// streamed one as a head, chunks and an end, in that order.
public enum HTTPResponseEvent: Sendable {
    /// A whole answer with a complete body.
    case complete(HTTPResponse)
    /// The head of a streamed answer (its body is a stream).
    case head(HTTPResponse)
    /// The next piece of a streamed body.
    case chunk([UInt8])
    /// The end of a streamed body.
    case end

    /// Runs `handler` on `request` and reports the answer through `emit`, in order.
    public static func run(_ handler: some HTTPHandler, _ request: HTTPRequest,
                    emit: @Sendable (HTTPResponseEvent) -> Void) async {
        let response = await handler.handle(request)
        switch response.body {
        case .bytes:
            emit(.complete(response))
        case .stream(let stream):
            emit(.head(response))
            for await chunk in stream { emit(.chunk(chunk)) }
            emit(.end)
        }
    }
}
