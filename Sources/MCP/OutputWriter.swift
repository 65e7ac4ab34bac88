import Dispatch
import JSONRPC
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one writer of a byte stream (stdout): each message is written whole, one per line, in the
/// order it was handed over.
///
/// When nothing is being written, the caller writes its line at once (no thread switch on the
/// path of a lone request); otherwise the line is queued and a dedicated thread writes the queue,
/// coalescing it into few `write` calls. Guarantees: only one writer is active at a time, so no
/// two messages ever interleave whatever the reader on the other end does (a stalled reader
/// blocks the one active writer, everyone else queues); a closed or failed stream (EPIPE) drops
/// everything further and calls `onClosed` once, with no SIGPIPE (the transport ignores it) and
/// no busy loop.
final class OutputWriter: Sendable {
    private struct Entry {
        let bytes: [UInt8]
        let releasesPermit: Bool
    }

    private struct State {
        var queue: [Entry] = []
        var closed = false
        /// Someone (a caller or the writer thread) is writing right now.
        var writing = false
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

    /// Writes one message now if the stream is idle, else queues it; the newline is added here.
    func enqueue(_ message: JSONValue, releasesPermit: Bool) {
        var bytes = JSONWriter.bytes(message)
        bytes.append(0x0A)
        enum Action { case drop, queued, writeNow }
        let action = state.withLock { state -> Action in
            if state.closed { return .drop }
            if !state.writing, state.queue.isEmpty {
                state.writing = true
                return .writeNow
            }
            state.queue.append(Entry(bytes: bytes, releasesPermit: releasesPermit))
            return .queued
        }
        switch action {
        case .drop:
            if releasesPermit { permits.signal() }
        case .queued:
            wake.signal()
        case .writeNow:
            let written = writeAll(bytes)
            if releasesPermit { permits.signal() }
            finishWriting(succeeded: written)
        }
    }

    /// Ends a write: on failure closes the stream; otherwise hands any queued lines to the thread.
    private func finishWriting(succeeded: Bool) {
        guard succeeded else {
            let dropped = state.withLock { state -> [Entry] in
                state.closed = true
                state.writing = false
                defer { state.queue.removeAll() }
                return state.queue
            }
            for entry in dropped where entry.releasesPermit { permits.signal() }
            onClosed()
            return
        }
        let more = state.withLock { state -> Bool in
            state.writing = false
            return !state.queue.isEmpty
        }
        if more { wake.signal() }
    }

    private func loop() {
        while true {
            wake.wait()
            while true {
                let batch = state.withLock { state -> [Entry]? in
                    guard !state.closed, !state.writing, !state.queue.isEmpty else { return nil }
                    state.writing = true
                    defer { state.queue.removeAll(keepingCapacity: true) }
                    return state.queue
                }
                guard let batch else { break }
                var buffer: [UInt8] = []
                buffer.reserveCapacity(batch.reduce(0) { $0 + $1.bytes.count })
                for entry in batch { buffer.append(contentsOf: entry.bytes) }
                let written = writeAll(buffer)
                for entry in batch where entry.releasesPermit { permits.signal() }
                finishWriting(succeeded: written)
                if !written { return }
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
