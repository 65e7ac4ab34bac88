import CEventLoop
import ServerSupport
#if canImport(Glibc)
import Glibc
#endif

/// The loop behind ``HTTPListener``: lives on the server's thread and owns every connection.
final class EventLoop {
    private let server: HTTPListener
    private let channel: LoopChannel
    /// This loop's place in ``HTTPListener/channels``: where it hands connections it has no room for.
    private let index: Int
    private let epoll: Int32
    private var clients: [Int32: Client] = [:]
    private var byID: [UInt64: Int32] = [:]
    private var nextID: UInt64 = 1
    private var draining = false
    private var drainDeadline = Double.infinity
    private var lastSweep = 0.0
    private var acceptPausedUntil: Double?
    /// Connections closed to make room since the last sweep, for one log line per sweep.
    private var evictedSinceSweep = 0
    private var scratch = [UInt8](repeating: 0, count: 64 * 1024)
    private static let listenerTag: UInt64 = UInt64.max
    private static let wakeTag: UInt64 = UInt64.max - 1

    init(server: HTTPListener, channel: LoopChannel) {
        self.server = server
        self.channel = channel
        self.index = server.channels.firstIndex { $0 === channel } ?? 0
        self.epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epoll >= 0, "epoll_create1 failed: \(errnoText())")
        register(channel.listener.descriptor, tag: Self.listenerTag, events: EPOLLIN.rawValue)
        register(channel.wakeDescriptor, tag: Self.wakeTag, events: EPOLLIN.rawValue)
    }

    private func register(_ descriptor: Int32, tag: UInt64, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = tag
        _ = epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event)
    }

    func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while true {
            let count = events.withUnsafeMutableBufferPointer { buffer in
                epoll_wait(epoll, buffer.baseAddress, Int32(buffer.count), Int32(HTTPListener.sweepInterval * 1000))
            }
            let now = MonotonicClock.now()
            if count > 0 {
                for index in 0..<Int(count) {
                    let event = events[index]
                    switch event.data.u64 {
                    case Self.listenerTag: acceptClients(now: now)
                    case Self.wakeTag: drainCompletions(now: now)
                    default: service(Int32(truncatingIfNeeded: event.data.u64), events: event.events, now: now)
                    }
                }
            }
            if now - lastSweep >= HTTPListener.sweepInterval {
                lastSweep = now
                sweep(now: now)
            }
            if draining && (clients.isEmpty || now >= drainDeadline) { return }
        }
    }

    /// Closes every remaining connection, and any handed over since the loop stopped.
    func closeAll() {
        for descriptor in Array(clients.keys) { closeClient(descriptor) }
        for arrival in channel.take().arrivals { refuse(arrival) }
        close(epoll)
    }

    // MARK: accepting

    private func acceptClients(now: Double) {
        guard !draining else { return }
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let descriptor = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    accept4(channel.listener.descriptor, $0, &length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
                }
            }
            if descriptor < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM {
                    server.logger?.warning("accept: \(errnoText()); pausing accepts")
                    pauseAccepting(now: now)
                }
                return
            }
            let address = numericAddress(storage)
            let limits = server.limits
            let arrival = Arrival(descriptor: descriptor, address: address, acceptedAt: now,
                                  needsAddressRoom: server.countConnection(from: address, 1) > limits.maxConnectionsPerAddress,
                                  needsTotalRoom: server.openConnections.add(1, ordering: .relaxed).newValue > limits.maxConnections)
            place(arrival, now: now)
        }
    }

    /// Keeps both caps for a connection counted over one: closes this loop's most expendable
    /// connection in the scope over its cap, if one of at most the pass's rank is here; else
    /// hands the newcomer to the next loop. Every loop is asked for a silent victim before any is
    /// asked for an idle one; when no loop has one of any rank, the newcomer is refused.
    private func place(_ arriving: Arrival, now: Double) {
        var arrival = arriving
        let highest = HTTPConnection.EvictionRank.idleTrusted.rawValue
        let loops = server.channels.count
        while arrival.needsAddressRoom || arrival.needsTotalRoom {
            if draining || arrival.victimRank > highest {
                refuse(arrival)
                return
            }
            // With one loop, every pass is asked of this one: ask for any rank at once.
            let rank = loops == 1 ? highest : arrival.victimRank
            if arrival.needsAddressRoom, evictOne(from: arrival.address, upTo: rank) {
                // One of its own address gone is one fewer in all, too.
                arrival.needsAddressRoom = false
                arrival.needsTotalRoom = false
            } else if !arrival.needsAddressRoom, evictOne(from: nil, upTo: rank) {
                arrival.needsTotalRoom = false
            } else {
                arrival.loopsAsked += 1
                if arrival.loopsAsked >= loops || loops == 1 {
                    arrival.loopsAsked = 0
                    arrival.victimRank = loops == 1 ? highest + 1 : arrival.victimRank + 1
                }
                if loops > 1 && arrival.victimRank <= highest {
                    server.channels[(index + 1) % loops].post(arrival: arrival)
                    return
                }
            }
        }
        adopt(arrival, now: now)
    }

    /// Makes an accepted connection one of this loop's.
    private func adopt(_ arrival: Arrival, now: Double) {
        let descriptor = arrival.descriptor
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let connection = HTTPConnection(limits: server.limits, refusals: server.refusals, openedAt: arrival.acceptedAt)
        let client = Client(descriptor: descriptor, id: nextID, connection: connection, address: arrival.address, now: now)
        nextID += 1
        clients[descriptor] = client
        byID[client.id] = descriptor
        client.interest = EPOLLIN.rawValue
        register(descriptor, tag: UInt64(descriptor), events: client.interest)
    }

    /// Closes the most expendable connection (of `address`, or any) whose
    /// ``HTTPConnection/EvictionRank`` is at most `highest`: lowest rank, then longest without activity.
    private func evictOne(from address: String?, upTo highest: Int) -> Bool {
        var victim: Client?
        var victimRank: HTTPConnection.EvictionRank?
        for client in clients.values where client.lingerUntil == nil && (address == nil || client.address == address) {
            guard let rank = client.connection.evictionRank, rank.rawValue <= highest else { continue }
            if let best = victimRank, let current = victim,
               best < rank || (best == rank && current.lastActivity <= client.lastActivity) { continue }
            victim = client
            victimRank = rank
        }
        guard let victim else { return false }
        evictedSinceSweep += 1
        closeClient(victim.descriptor)
        return true
    }

    /// Answers 503 to a connection over a cap (best effort, never blocking), closes it and
    /// uncounts it.
    private func refuse(_ arrival: Arrival) {
        server.openConnections.subtract(1, ordering: .relaxed)
        _ = server.countConnection(from: arrival.address, -1)
        let descriptor = arrival.descriptor
        let failure = server.refusals(.overloaded)
        let bytes = failure.serializeHead(keepAlive: false, date: HTTPDate.now()) + {
            if case .bytes(let body) = failure.body { return body }
            return []
        }()
        _ = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        close(descriptor)
    }

    private func pauseAccepting(now: Double) {
        acceptPausedUntil = now + 0.1
        var event = epoll_event()
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, channel.listener.descriptor, &event)
    }

    // MARK: reading and writing

    private func service(_ descriptor: Int32, events: UInt32, now: Double) {
        guard let client = clients[descriptor] else { return }
        if client.lingerUntil != nil {
            let count = scratch.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                closeClient(descriptor)
            }
            return
        }
        if events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 && !client.connection.wantsInput {
            // The peer is gone while we are not reading: nothing can be delivered, and a
            // level-triggered hang-up would otherwise be reported on every wait.
            closeClient(descriptor)
            return
        }
        if events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            readFrom(client, now: now)
        }
        if clients[descriptor] != nil && events & EPOLLOUT.rawValue != 0 {
            flush(client, now: now)
        }
        if clients[descriptor] != nil { settle(client, now: now) }
    }

    private func readFrom(_ client: Client, now: Double) {
        guard client.connection.wantsInput else { return }
        let count = scratch.withUnsafeMutableBytes { read(client.descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            client.lastActivity = now
            let requests = client.connection.receive(scratch[0..<count], now: now)
            dispatch(requests, for: client)
        } else if count == 0 {
            if client.connection.unanswered > 0 {
                // End of input while answers are owed: the client has gone (a read cannot tell
                // a half-close from a close, and HTTP clients do not half-close), so its calls
                // are cancelled rather than run for nobody — as nginx treats a client abort.
                closeClient(client.descriptor)
                return
            }
            client.connection.receiveEndOfInput()
        } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
            closeClient(client.descriptor)
        }
    }

    private func dispatch(_ requests: [(UInt64, HTTPRequest)], for client: Client) {
        guard !requests.isEmpty else { return }
        let server = self.server
        let channel = self.channel
        let id = client.id
        for (sequence, received) in requests {
            var request = received
            request.clientAddress = client.address
            if !client.connection.trusted, let trust = server.trust, trust(request) { client.connection.trusted = true }
            client.tasks[sequence] = Task {
                await HTTPResponseEvent.run(server.handler, request) { event in
                    channel.post(connection: id, sequence: sequence, event: event)
                }
            }
        }
    }

    private func drainCompletions(now: Double) {
        let (completions, arrivals, shutdown) = channel.take()
        if shutdown && !draining { beginDrain(now: now) }
        for arrival in arrivals { place(arrival, now: now) }
        guard !completions.isEmpty else { return }
        let date = HTTPDate.now()
        var touched: [Int32: Client] = [:]
        for completion in completions {
            guard let descriptor = byID[completion.connection], let client = clients[descriptor] else { continue }
            client.connection.apply(completion.event, to: completion.sequence, date: date)
            switch completion.event {
            case .complete, .end: client.tasks[completion.sequence] = nil
            case .head, .chunk: break
            }
            touched[descriptor] = client
        }
        for client in touched.values {
            // Requests held back by the pipelining limit can now be parsed.
            if client.connection.wantsInput { dispatch(client.connection.parse(now: now), for: client) }
            flush(client, now: now)
            if clients[client.descriptor] != nil { settle(client, now: now) }
        }
    }

    /// Writes as much pending output as the socket takes.
    private func flush(_ client: Client, now: Double) {
        while !client.connection.output.isEmpty {
            let written = client.connection.output.withUnsafeBytes {
                send(client.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                client.connection.consumeOutput(written)
                client.stalledSince = nil
                client.lastActivity = now
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                if client.stalledSince == nil { client.stalledSince = now }
                return
            } else {
                closeClient(client.descriptor)
                return
            }
        }
    }

    /// Closes a finished connection, or sets what the loop waits for on it.
    private func settle(_ client: Client, now: Double) {
        if client.connection.isFinished {
            linger(client, now: now)
            return
        }
        var wanted: UInt32 = 0
        if client.connection.wantsInput { wanted |= EPOLLIN.rawValue }
        if !client.connection.output.isEmpty { wanted |= EPOLLOUT.rawValue }
        guard wanted != client.interest else { return }
        client.interest = wanted
        var event = epoll_event()
        event.events = wanted
        event.data.u64 = UInt64(client.descriptor)
        _ = epoll_ctl(epoll, EPOLL_CTL_MOD, client.descriptor, &event)
    }

    /// Shuts our side down and drops what the client still sends, for at most ``lingerSeconds``.
    private func linger(_ client: Client, now: Double) {
        guard client.lingerUntil == nil else { return }
        client.lingerUntil = now + Self.lingerSeconds
        Glibc.shutdown(client.descriptor, Int32(SHUT_WR))
        client.interest = EPOLLIN.rawValue
        var event = epoll_event()
        event.events = client.interest
        event.data.u64 = UInt64(client.descriptor)
        _ = epoll_ctl(epoll, EPOLL_CTL_MOD, client.descriptor, &event)
    }

    /// How long a finished connection drains the client's input before closing.
    static let lingerSeconds = 2.0

    private func closeClient(_ descriptor: Int32) {
        guard let client = clients.removeValue(forKey: descriptor) else { return }
        byID[client.id] = nil
        server.openConnections.subtract(1, ordering: .relaxed)
        _ = server.countConnection(from: client.address, -1)
        // Nobody is left to read the answers: a closed stream cancels its call (2026-07-28), and
        // a handler that checks for cancellation stops early.
        for task in client.tasks.values { task.cancel() }
        var event = epoll_event()
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, descriptor, &event)
        close(descriptor)
    }

    // MARK: timeouts and draining

    private func sweep(now: Double) {
        if let until = acceptPausedUntil, now >= until, !draining {
            acceptPausedUntil = nil
            register(channel.listener.descriptor, tag: Self.listenerTag, events: EPOLLIN.rawValue)
        }
        if evictedSinceSweep > 0 {
            server.logger?.log(.notice, "out of connection slots: closed \(evictedSinceSweep) idle or silent connection(s) to make room")
            evictedSinceSweep = 0
        }
        let limits = server.limits
        for client in Array(clients.values) {
            let connection = client.connection
            if let until = client.lingerUntil {
                if now >= until { closeClient(client.descriptor) }
                continue
            }
            if let stalled = client.stalledSince, now - stalled > limits.writeTimeoutSeconds {
                closeClient(client.descriptor)
                continue
            }
            if let since = connection.partialSince {
                let allowed = connection.isAwaitingBody ? limits.bodyTimeoutSeconds : limits.headerTimeoutSeconds
                if now - since > allowed {
                    connection.finish(with: server.refusals(.timedOut), date: HTTPDate.now())
                    flush(client, now: now)
                    if clients[client.descriptor] != nil { settle(client, now: now) }
                    continue
                }
            }
            if connection.isIdle && (draining || now - client.lastActivity > limits.idleTimeoutSeconds) {
                closeClient(client.descriptor)
            }
        }
    }

    private func beginDrain(now: Double) {
        draining = true
        drainDeadline = now + server.limits.drainTimeoutSeconds
        var event = epoll_event()
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, channel.listener.descriptor, &event)
        server.logger?.info("draining \(clients.count) connection(s)")
        for client in Array(clients.values) {
            client.connection.draining = true
            if client.connection.unanswered == 0 && client.connection.output.isEmpty {
                // Nothing owed: a half-received request is abandoned, an idle connection closed.
                closeClient(client.descriptor)
            } else {
                client.connection.closeInput()
                settle(client, now: now)
            }
        }
    }
}
