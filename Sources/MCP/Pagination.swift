import JSONRPC

/// Opaque cursors for every paginated list (`tools/list`, `resources/list`,
/// `resources/templates/list`, `prompts/list`).
///
/// Guarantees: a cursor is only ever one this server issued for the same list (`kind`); any
/// other string, including one from another list or past the end, is -32602.
enum Pagination {
    /// The positions of one page of a list of `count` items from `cursor` on, and the cursor of
    /// the next page when more remain.
    static func page(count: Int, cursor: String?, pageSize: Int,
                     kind: String) throws(JSONRPCError) -> (range: Range<Int>, nextCursor: String?) {
        var start = 0
        if let cursor {
            guard let offset = offset(fromCursor: cursor, kind: kind), offset > 0, offset < count else {
                throw .invalidParams("invalid cursor")
            }
            start = offset
        }
        let end = min(count, start + max(1, pageSize))
        return (start..<end, end < count ? self.cursor(forOffset: end, kind: kind) : nil)
    }

    static func cursor(forOffset offset: Int, kind: String) -> String { kind + ":" + String(offset) }

    static func offset(fromCursor cursor: String, kind: String) -> Int? {
        let prefix = kind + ":"
        guard cursor.hasPrefix(prefix) else { return nil }
        let digits = cursor.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.count < 10, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(digits)
    }
}
