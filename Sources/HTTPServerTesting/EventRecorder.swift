import HTTPServer
import Synchronization

/// Collects response events emitted from a handler's task.
final class EventRecorder: Sendable {
    private let storage = Mutex<[HTTPResponseEvent]>([])
    func append(_ event: HTTPResponseEvent) { storage.withLock { $0.append(event) } }
    var events: [HTTPResponseEvent] { storage.withLock { $0 } }
}
