/// The protocol state of one client connection, with no socket in it: bytes in, requests out to
/// be answered, answers in (in any order), bytes out (in request order).
///
/// Owned by one thread (the event loop, or a test). Guarantees: answers leave in the order of
/// their requests, whatever order they complete in (pipelining); at most
/// ``HTTPLimits/maxPipelinedRequests`` requests are unanswered at once (``wantsInput`` turns
/// false past it); after an answer with `Connection: close`, or a parse error's answer, nothing
/// more is parsed or sent and `isFinished` turns true once the output is taken. A request that
/// cannot be parsed is answered by the refusal renderer, never by the handler.
public final class HTTPConnection {
    private struct Slot {
        let sequence: UInt64
        let keepAlive: Bool
        /// An HTTP/1.0 client keeps the connection only if the answer says so.
        let announceKeepAlive: Bool
        var data: [UInt8] = []
        var finished = false
    }

    let limits: HTTPLimits
    let refusals: HTTPRefusalRenderer
    private var parser: HTTPRequestParser
    private var slots: [Slot] = []
    private var nextSequence: UInt64 = 0
    /// Bytes ready to be written, in order.
    public private(set) var output: [UInt8] = []
    /// No more requests will be read: a close was decided or the client closed its side.
    public private(set) var inputClosed = false
    /// Answers should carry `Connection: close` (the server is draining).
    var draining = false
    /// Whether `100 Continue` went out for the head awaiting its body.
    private var continueSent = false
    /// When the current partial request started, for the header and body timeouts; for the
    /// first request, when the connection opened.
    private(set) var partialSince: Double?
    /// No request has been received whole yet: the header timeout runs from the opening, so a
    /// client that connects and says nothing holds its slot for that long, not the idle timeout.
    public private(set) var awaitingFirstRequest = true
    /// A request on this connection carried a valid credential (the listener's
    /// ``HTTPClientTrust`` said so): under pressure it is closed last.
    public var trusted = false

    /// A connection with nothing received, opened at `openedAt` (seconds of the clock the
    /// caller passes as `now`; nil: the header timeout starts with the first byte); `refusals`
    /// renders the answer to a request that cannot be parsed.
    public init(limits: HTTPLimits, refusals: @escaping HTTPRefusalRenderer, openedAt: Double? = nil) {
        self.limits = limits
        self.refusals = refusals
        self.parser = HTTPRequestParser(limits: limits)
        self.partialSince = openedAt
    }

    /// Requests parsed and not yet fully answered.
    var unanswered: Int { slots.count }

    /// Whether the connection should be read: room for more requests and no close decided.
    public var wantsInput: Bool { !inputClosed && slots.count < limits.maxPipelinedRequests }

    /// Whether everything is answered and written and no more will come: the socket can close.
    var isFinished: Bool { inputClosed && slots.isEmpty && output.isEmpty }

    /// Whether nothing is pending at all (the idle timeout applies).
    var isIdle: Bool { slots.isEmpty && output.isEmpty && !parser.hasPartialRequest }

    /// Whether closing the connection now loses nothing owed: no answer is pending and no
    /// request but a first one is part-received. Under pressure such connections are closed,
    /// most expendable first: ``EvictionRank``.
    var evictionRank: EvictionRank? {
        guard slots.isEmpty && output.isEmpty && !inputClosed else { return nil }
        if awaitingFirstRequest { return .silent }
        if parser.hasPartialRequest { return nil }
        return trusted ? .idleTrusted : .idleUntrusted
    }

    /// Which connections go first when the server is out of slots.
    enum EvictionRank: Int, Comparable {
        /// Connected and never sent a whole request.
        case silent
        /// Idle between requests, none of which carried a valid credential.
        case idleUntrusted
        /// Idle between requests, one of which did.
        case idleTrusted

        static func < (lhs: EvictionRank, rhs: EvictionRank) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Whether the head of a request is being awaited (header timeout) or its body (body timeout).
    var isAwaitingBody: Bool { parser.isAwaitingBody }

    /// Feeds bytes from the client; returns the requests to answer, with their sequence numbers.
    public func receive<Bytes: Collection<UInt8>>(_ bytes: Bytes, now: Double) -> [(UInt64, HTTPRequest)] {
        guard !inputClosed else { return [] }
        parser.append(bytes)
        return parse(now: now)
    }

    /// Parses what is buffered, up to the pipelining limit (call again once answers leave).
    public func parse(now: Double) -> [(UInt64, HTTPRequest)] {
        var requests: [(UInt64, HTTPRequest)] = []
        while !inputClosed && slots.count < limits.maxPipelinedRequests {
            switch parser.next() {
            case .needMore:
                partialSince = parser.hasPartialRequest || awaitingFirstRequest ? (partialSince ?? now) : nil
                sendContinueIfAsked()
                return requests
            case .request(let request):
                partialSince = nil
                awaitingFirstRequest = false
                continueSent = false
                let keepAlive = request.keepAlive
                let sequence = nextSequence
                nextSequence += 1
                slots.append(Slot(sequence: sequence, keepAlive: keepAlive, announceKeepAlive: request.minorVersion == 0))
                if !keepAlive { inputClosed = true }
                requests.append((sequence, request))
            case .error(let error):
                partialSince = nil
                inputClosed = true
                let sequence = nextSequence
                nextSequence += 1
                slots.append(Slot(sequence: sequence, keepAlive: false, announceKeepAlive: false))
                apply(.complete(refusals(.unparsable(error))), to: sequence, date: HTTPDate.now())
                return requests
            }
        }
        if parser.hasPartialRequest || awaitingFirstRequest { partialSince = partialSince ?? now }
        return requests
    }

    /// Sends `100 Continue` once for a head that asked for it, when nothing is owed before it
    /// (an interim answer must not overtake the answers of earlier pipelined requests).
    private func sendContinueIfAsked() {
        guard parser.awaitingBodyExpectsContinue, !continueSent, slots.isEmpty else { return }
        continueSent = true
        output.append(contentsOf: Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
    }

    /// The client closed its side: answer what was asked, then finish.
    public func receiveEndOfInput() {
        inputClosed = true
        partialSince = nil
    }

    /// Ends the connection with `response` (a timeout, an overload): it is sent after the
    /// answers already owed, and nothing more is read.
    func finish(with response: HTTPResponse, date: String) {
        partialSince = nil
        guard !inputClosed else { return }
        inputClosed = true
        let sequence = nextSequence
        nextSequence += 1
        slots.append(Slot(sequence: sequence, keepAlive: false, announceKeepAlive: false))
        apply(.complete(response), to: sequence, date: date)
    }

    /// Stops reading without answering anything more (a drain with no request in progress).
    func closeInput() {
        inputClosed = true
        partialSince = nil
    }

    /// Records part of the answer to request `sequence`; answers leave in request order.
    public func apply(_ event: HTTPResponseEvent, to sequence: UInt64, date: String) {
        guard let index = slots.firstIndex(where: { $0.sequence == sequence }) else { return }
        // While draining, every request already received is answered; the last one closes.
        let keepAlive = slots[index].keepAlive && !(draining && inputClosed && index == slots.count - 1)
        let announce = keepAlive && slots[index].announceKeepAlive
        switch event {
        case .complete(let response):
            slots[index].data.append(contentsOf: response.serializeHead(keepAlive: keepAlive, date: date, announceKeepAlive: announce))
            if case .bytes(let body) = response.body { slots[index].data.append(contentsOf: body) }
            slots[index].finished = true
        case .head(let response):
            slots[index].data.append(contentsOf: response.serializeHead(keepAlive: keepAlive, date: date, announceKeepAlive: announce))
        case .chunk(let bytes):
            slots[index].data.append(contentsOf: HTTPResponse.chunk(bytes))
        case .end:
            slots[index].data.append(contentsOf: HTTPResponse.lastChunk)
            slots[index].finished = true
        }
        pump()
    }

    /// Moves finished (or streaming) answers at the front into the output, in order.
    private func pump() {
        while let first = slots.first {
            output.append(contentsOf: first.data)
            slots[0].data.removeAll()
            guard first.finished else { return }
            slots.removeFirst()
            if !first.keepAlive {
                inputClosed = true
                slots.removeAll()
                return
            }
        }
    }

    /// Removes the first `count` bytes of the output (they were written).
    public func consumeOutput(_ count: Int) {
        if count >= output.count { output.removeAll(keepingCapacity: output.capacity <= 1 << 20) } else { output.removeFirst(count) }
    }
}
