import Dispatch
import JSONRPC
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one writer of a byte stream (stdout): messages are queued by any thread and written by a
/// dedicated thread, whole, one per line, in queue order.
///
/// Guarantees: no two messages ever interleave, whatever the reader on the other end does (a
/// stalled reader blocks the writer thread, never a request task); queued messages are coalesced
/// into few `write` calls; a closed or failed stream (EPIPE) drops everything further and calls
/// `onClosed` once, with no SIGPIPE (the process ignores it) and no busy loop.
final class OutputWriter: Sendable {
    private struct Entry {
        let bytes: [UInt8]
        let releasesPermit: Bool
    }

    private struct State {
        var queue: [Entry] = []
        var closed = false
    }

    private let fileDescriptor: Int32
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let permits: DispatchSemaphore
    private let onClosed: @Sendable () -> Void

    /// A writer to `fileDescriptor`. Each entry enqueued with `releasesPermit` signals `permits`
    /// once it has been written (or dropped).
    init(fileDescriptor: Int32, permits: DispatchSemaphore, onClosed: @escaping @Sendable () -> Void) {
        self.fileDescriptor = fileDescriptor
        self.permits = permits
        self.onClosed = onClosed
    }

    /// Starts the writer thread.
    func start() {
        let thread = PosixThread { [self] in self.loop() }
        thread.start()
    }

    /// Queues one message; the newline is added here.
    func enqueue(_ message: JSONValue, releasesPermit: Bool) {
        var bytes = JSONWriter.bytes(message)
        bytes.append(0x0A)
        let accepted = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.queue.append(Entry(bytes: bytes, releasesPermit: releasesPermit))
            return true
        }
        if accepted {
            wake.signal()
        } else if releasesPermit {
            permits.signal()
        }
    }

    private func loop() {
        while true {
            wake.wait()
            let batch = state.withLock { state -> [Entry] in
                defer { state.queue.removeAll(keepingCapacity: true) }
                return state.queue
            }
            guard !batch.isEmpty else { continue }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(batch.reduce(0) { $0 + $1.bytes.count })
            for entry in batch { buffer.append(contentsOf: entry.bytes) }
            let written = writeAll(buffer)
            for entry in batch where entry.releasesPermit { permits.signal() }
            if !written {
                let dropped = state.withLock { state -> [Entry] in
                    state.closed = true
                    defer { state.queue.removeAll() }
                    return state.queue
                }
                for entry in dropped where entry.releasesPermit { permits.signal() }
                onClosed()
                return
            }
        }
    }

    /// Writes every byte, waiting out EINTR and EAGAIN (a client may hand us a non-blocking
    /// pipe). Returns false when the stream is closed or broken.
    private func writeAll(_ buffer: [UInt8]) -> Bool {
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let result = write(fileDescriptor, raw.baseAddress! + offset, raw.count - offset)
                if result > 0 {
                    offset += result
                } else if result < 0, errno == EINTR {
                    continue
                } else if result < 0, errno == EAGAIN || errno == EWOULDBLOCK {
                    var poller = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&poller, 1, -1)
                } else {
                    return false
                }
            }
            return true
        }
    }
}
