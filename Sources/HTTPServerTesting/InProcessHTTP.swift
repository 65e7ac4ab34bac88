import HTTPServer

/// Runs the HTTP layer in this process without a socket: raw request bytes in, raw response
/// bytes out, through the same parser, connection state machine and serialiser as the server.
///
/// For tests: the bytes are fed in pieces of `pieceSize` (to exercise incremental parsing), every
/// request is answered by `handler` in order, then the input ends as if the client half-closed.
/// What the server answers by itself is rendered by `refusals`, as ``HTTPListener`` would.
public enum InProcessHTTP {
    /// Everything the server would write back for `input`.
    public static func exchange(_ input: [UInt8], handler: some HTTPHandler, limits: HTTPLimits = HTTPLimits(),
                                refusals: @escaping HTTPRefusalRenderer = HTTPRefusal.plainText,
                                pieceSize: Int = Int.max, endInput: Bool = true) async -> [UInt8] {
        let connection = HTTPConnection(limits: limits, refusals: refusals)
        var written: [UInt8] = []
        var offset = 0
        func collect() {
            written.append(contentsOf: connection.output)
            connection.consumeOutput(connection.output.count)
        }
        func answer(_ requests: [(UInt64, HTTPRequest)]) async {
            for (sequence, request) in requests {
                let recorder = EventRecorder()
                await HTTPResponseEvent.run(handler, request) { recorder.append($0) }
                for event in recorder.events { connection.apply(event, to: sequence, date: HTTPDate.now()) }
                collect()
            }
        }
        while offset < input.count && !connection.inputClosed {
            let end = offset + min(pieceSize, input.count - offset)
            let requests = connection.receive(input[offset..<end], now: 0)
            offset = end
            collect()
            await answer(requests)
            // Requests held back by the pipelining limit are parsed once answers leave.
            while connection.wantsInput, case let more = connection.parse(now: 0), !more.isEmpty {
                await answer(more)
            }
        }
        if endInput { connection.receiveEndOfInput() }
        collect()
        return written
    }

    /// `exchange` for text.
    public static func exchange(_ input: String, handler: some HTTPHandler, limits: HTTPLimits = HTTPLimits(),
                                refusals: @escaping HTTPRefusalRenderer = HTTPRefusal.plainText,
                                pieceSize: Int = Int.max) async -> String {
        let bytes = await exchange(Array(input.utf8), handler: handler, limits: limits, refusals: refusals, pieceSize: pieceSize)
        return String(decoding: bytes, as: UTF8.self)
    }
}
