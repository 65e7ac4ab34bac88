import CSQLite

/// One connection's prepared statements, keyed by SQL text, at most `capacity` of them; the least
/// recently used statement is finalized when a new one would exceed the bound.
///
/// Not Sendable on purpose: each cache is a stored property of one `SQLiteConnection` actor, whose
/// isolation serialises every access. Statements handed out are reset by the caller after use.
struct StatementCache {
    /// Most statements kept prepared per connection. The server issues a few dozen distinct
    /// statements; the bound only matters if callers build SQL text dynamically.
    static let capacity = 64

    private var statements: [String: OpaquePointer] = [:]
    /// Keys from least to most recently used.
    private var recency: [String] = []

    /// Number of statements currently prepared.
    var count: Int { statements.count }

    /// The cached statement for `sql`, marked most recently used; `nil` when not cached.
    mutating func lookup(_ sql: String) -> OpaquePointer? {
        guard let statement = statements[sql] else { return nil }
        if recency.last != sql, let index = recency.firstIndex(of: sql) {
            recency.remove(at: index)
            recency.append(sql)
        }
        return statement
    }

    /// Caches `statement` for `sql`, finalizing the least recently used entries past `capacity`.
    mutating func insert(_ statement: OpaquePointer, for sql: String) {
        if let old = statements.updateValue(statement, forKey: sql) {
            sqlite3_finalize(old)
            recency.removeAll { $0 == sql }
        }
        recency.append(sql)
        while recency.count > Self.capacity {
            let evicted = recency.removeFirst()
            if let statement = statements.removeValue(forKey: evicted) {
                sqlite3_finalize(statement)
            }
        }
    }

    /// Finalizes every cached statement and empties the cache.
    mutating func removeAll() {
        for statement in statements.values {
            sqlite3_finalize(statement)
        }
        statements.removeAll()
        recency.removeAll()
    }
}
