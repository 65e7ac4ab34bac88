/// Why the server could not start; the code is stable, the description names the cause.
public struct HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidAddress = "HTTP_INVALID_ADDRESS"
        case socketFailed = "HTTP_SOCKET_FAILED"
        case bindFailed = "HTTP_BIND_FAILED"
        case listenFailed = "HTTP_LISTEN_FAILED"
        case eventLoopFailed = "HTTP_EVENT_LOOP_FAILED"
    }

    public let code: Code
    public let description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
