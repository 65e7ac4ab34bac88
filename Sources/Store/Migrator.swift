import CSQLite

/// Brings a database's schema up to this build's `Migrations.latestVersion`.
///
/// Guarantees:
/// - A database already at the latest version is only read: no lock is taken, nothing is written.
/// - A database whose `schema_version` is ahead of this build is refused with `.schemaTooNew`
///   and left untouched.
/// - Each pending migration runs in its own `BEGIN IMMEDIATE` transaction together with the row
///   `(version, applied_at)` recording it (`applied_at` is UTC `YYYY-MM-DDTHH:MM:SSZ`); a failure
///   rolls that migration back completely and throws `.migrationFailed`.
/// - Idempotent, also between processes: the version is re-read under the write lock, so a
///   migration another process applied meanwhile is skipped, not run twice.
public enum Migrator {
    /// Applies every migration in `migrations` newer than the database and returns the versions
    /// applied, oldest first (empty when the database was already current).
    @discardableResult
    public static func migrate(
        _ connection: isolated SQLiteConnection,
        migrations: [Migration] = Migrations.all
    ) throws(StoreError) -> [Int] {
        try validate(migrations)
        let latest = migrations.last?.version ?? 0
        let found = try currentVersion(connection)
        if found > latest {
            throw .schemaTooNew(found: found, supported: latest)
        }
        var applied: [Int] = []
        for migration in migrations where migration.version > found {
            if try apply(migration, latest: latest, on: connection) {
                applied.append(migration.version)
            }
        }
        return applied
    }

    /// The highest version recorded in `schema_version`, or 0 when the table is missing or empty.
    public static func currentVersion(_ connection: isolated SQLiteConnection) throws(StoreError) -> Int {
        let table = try connection.query(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'")
        guard !table.isEmpty else { return 0 }
        let sql = "SELECT COALESCE(MAX(version), 0) FROM schema_version"
        let rows = try connection.query(sql)
        guard let value = rows.first?.first?.intValue, let version = Int(exactly: value) else {
            throw .sqlite(code: SQLITE_MISMATCH, message: "schema_version.version holds a non-integer value",
                          sql: sql)
        }
        return version
    }

    /// Runs one migration and records it, unless another connection already did. Returns whether
    /// this call applied it.
    private static func apply(
        _ migration: Migration, latest: Int, on connection: isolated SQLiteConnection
    ) throws(StoreError) -> Bool {
        do {
            return try connection.transaction { db throws -> Bool in
                try db.execute(Migrations.versionTableSQL)
                let found = try currentVersion(db)
                if found > latest {
                    throw StoreError.schemaTooNew(found: found, supported: latest)
                }
                if found >= migration.version {
                    return false
                }
                try db.execute(migration.sql)
                try db.run(
                    "INSERT INTO schema_version (version, applied_at) "
                        + "VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                    [.integer(Int64(migration.version))])
                return true
            }
        } catch let error as StoreError {
            switch error {
            case .busy, .schemaTooNew:
                throw error
            default:
                throw .migrationFailed(
                    version: migration.version, message: "\(migration.description): \(error.description)")
            }
        } catch {
            throw .migrationFailed(version: migration.version, message: "\(migration.description): \(error)")
        }
    }

    /// Rejects a migration list whose versions are not exactly 1, 2, 3, … (a programming error).
    private static func validate(_ migrations: [Migration]) throws(StoreError) {
        for (index, migration) in migrations.enumerated() where migration.version != index + 1 {
            throw .migrationFailed(
                version: migration.version,
                message: "migration list is out of order: position \(index + 1) holds version \(migration.version)")
        }
    }
}
