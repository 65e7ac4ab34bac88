import CSQLite

/// Owns one open `sqlite3*` and its cached prepared statements, and releases both when it is
/// released: statements finalized, then the handle closed with `sqlite3_close_v2`.
///
/// Not Sendable: exactly one `SQLiteConnection` actor holds it in a private stored property, so the
/// actor's isolation serialises every use. (The class exists so the handle can be closed without
/// an actor deinit touching non-Sendable state.)
final class SQLiteHandle {
    /// The open connection.
    let pointer: OpaquePointer
    /// Statements prepared on `pointer`.
    var statements = StatementCache()

    /// Takes ownership of an open connection.
    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(pointer)
    }
}
