import PostgresTesting
import PostgresStore
import Store
import Testing

/// The shared cluster, or a test failure saying why it could not start.
func sharedCluster() throws -> TestCluster {
    try TestCluster.shared.get()
}

/// A source reading `database` as the SELECT-only role.
func readerSource(_ database: String, poolSize: Int = 2, statementTimeoutMilliseconds: Int = 5000,
                  connectTimeoutMilliseconds: Int = 5000) throws -> PostgresDataSource {
    let cluster = try sharedCluster()
    return try PostgresDataSource(settings: PostgresSettings(
        conninfo: cluster.readerURL(database), poolSize: poolSize,
        connectTimeoutMilliseconds: connectTimeoutMilliseconds, statementTimeoutMilliseconds: statementTimeoutMilliseconds))
}

/// Seconds since the epoch of a UTC day's first instant.
func midnight(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
    UTCTime.days(year: year, month: month, day: day) * UTCTime.secondsPerDay
}

/// Skips a suite when PostgreSQL's server programs are not installed, and only then.
let requiresPostgreSQL = ConditionTrait.enabled(if: TestCluster.serverProgramsInstalled,
                                                "PostgreSQL's server programs (initdb) are not installed")
