/// One step of the database schema: the SQL script that takes a database from `version - 1` to
/// `version`. The migrator runs the script and records the version in one transaction, so a
/// migration is either fully applied and recorded or not applied at all.
public struct Migration: Sendable {
    /// The schema version this migration produces; versions start at 1 and increase by 1.
    public let version: Int
    /// What the migration does, in a few words, for error messages and logs.
    public let description: String
    /// One or more `;`-separated statements without parameters.
    public let sql: String

    /// Creates a migration producing `version` by running `sql`.
    public init(version: Int, description: String, sql: String) {
        self.version = version
        self.description = description
        self.sql = sql
    }
}
