extension EventLoop {
    /// One accepted connection as its loop sees it: socket, parser state, timers and the tasks
    /// answering it. Touched only by the loop's thread.
    final class Client {
        let descriptor: Int32
        let id: UInt64
        let connection: HTTPConnection
        /// The client's numeric address, for the per-address cap and the requests' record.
        let address: String
        var lastActivity: Double
        var stalledSince: Double?
        var interest: UInt32 = 0
        /// Set once everything is written and our side is shut down: until then (or the client's
        /// end of input), what it still sends is read and dropped, so closing never resets the
        /// connection under an answer the client has not read yet (RFC 9112 §9.6, a 413 while it
        /// uploads).
        var lingerUntil: Double?
        /// The tasks answering this connection's requests, by sequence, until their answer is
        /// complete; cancelled if the connection closes first.
        var tasks: [UInt64: Task<Void, Never>] = [:]

        init(descriptor: Int32, id: UInt64, connection: HTTPConnection, address: String, now: Double) {
            self.descriptor = descriptor
            self.id = id
            self.connection = connection
            self.address = address
            self.lastActivity = now
        }
    }
}
