/// Why the server could not start; the code is stable, the description names the cause.
public struct HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed.
    public enum Code: String, Sendable {
        /// The host does not resolve or the port is out of range.
        case invalidAddress = "HTTP_INVALID_ADDRESS"
        /// No socket could be created.
        case socketFailed = "HTTP_SOCKET_FAILED"
        /// The address is in use or not ours.
        case bindFailed = "HTTP_BIND_FAILED"
        /// The socket could not listen.
        case listenFailed = "HTTP_LISTEN_FAILED"
        /// An event loop's wake-up descriptor could not be created.
        case eventLoopFailed = "HTTP_EVENT_LOOP_FAILED"
    }

    /// What failed.
    public let code: Code
    /// The cause, for the operator (the address and the system's error text).
    public let description: String

    /// An error of `code` described by `description`.
    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
