import Foundation
import LUStores
import PostgresStore
import ServerSupport
import Store
import TestExecution

/// The built-in suites run against LUStores' PostgreSQL database: the `sales` checks of its data
/// and the `system` checks of the connection, as ``PostgresDataSource`` runs them. Only reads.
struct PostgresStoreChecks: StoreChecks {
    let source: PostgresDataSource

    func checkNames(of suite: BuiltInSuite) -> [String] {
        suite == .sales ? PostgresChecks.salesCheckNames : PostgresChecks.systemCheckNames
    }

    func runSalesChecks(now: String, progress: @Sendable (CheckResult) async -> Void) async -> [CheckResult] {
        await report(await source.runSalesChecks(), progress: progress)
    }

    func runSystemChecks(progress: @Sendable (CheckResult) async -> Void) async -> [CheckResult] {
        await report(await source.runSystemChecks(), progress: progress)
    }

    /// The engine runs its checks in one go; progress follows each result in order.
    private func report(_ outcomes: [CheckOutcome], progress: @Sendable (CheckResult) async -> Void) async -> [CheckResult] {
        var results: [CheckResult] = []
        for outcome in outcomes {
            let result = CheckResult(outcome.name, failure: outcome.passed ? nil : outcome.message)
            await progress(result)
            results.append(result)
        }
        return results
    }
}

/// Opening LUStores' PostgreSQL database for a command.
enum PostgresWiring {
    /// The data source for `options`, its schema checked: a missing table or column, or credentials
    /// the server refuses, stop start-up (exit 1, one line naming what is wrong, the password never
    /// printed). An unreachable server does not: the process starts, `get_status` says unhealthy,
    /// and the data tools answer `MCP_UNAVAILABLE` until it is back.
    static func open(_ options: PostgresOptions, logger: Logger) async -> PostgresDataSource {
        let source = make(options)
        do {
            let variant = try await source.checkSchema()
            logger.info("reading sales and items from PostgreSQL \(options) (schema \(variant.rawValue))")
        } catch {
            switch error.code {
            case .schemaMismatch:
                LUStoresMCP.fail(error.description, status: 1)
            case .authenticationFailed, .invalidSettings, .permissionDenied:
                LUStoresMCP.fail("database: \(error.clientReason) (\(options)): \(error.description)", status: 1)
            default:
                logger.warning("PostgreSQL \(options) cannot be reached now (\(error.description)); "
                    + "serving anyway: the data tools answer MCP_UNAVAILABLE until it answers")
            }
        }
        return source
    }

    /// The data source for `options`, not yet connected.
    static func make(_ options: PostgresOptions) -> PostgresDataSource {
        let settings = PostgresSettings(conninfo: options.url, poolSize: options.poolSize,
                                        connectTimeoutMilliseconds: options.connectTimeoutMilliseconds,
                                        statementTimeoutMilliseconds: options.statementTimeoutMilliseconds)
        do {
            return try PostgresDataSource(settings: settings)
        } catch {
            LUStoresMCP.fail("database: \(error.description) (\(options))", status: 1)
        }
    }

    /// `get_status`'s database figures: a timed round trip to PostgreSQL.
    static func probe(_ source: PostgresDataSource) -> StatusMonitor.SourceProbe {
        { () async -> Result<Duration, StatusMonitor.SourceProbeFailure> in
            do throws(PostgresError) {
                return .success(try await source.ping())
            } catch {
                return .failure(StatusMonitor.SourceProbeFailure(reason: error.clientReason))
            }
        }
    }

    /// `lustores-mcp doctor`: the report on stdout; exit 0, or 1 when the database cannot be read.
    static func doctor(_ options: PostgresOptions?, logger: Logger) async -> Int32 {
        guard let options else {
            LUStoresMCP.report("doctor needs a PostgreSQL database: --database-url URL or LUSTORES_DATABASE_URL")
            return 2
        }
        let source = make(options)  // no start-up check: the report says what is missing
        do {
            let report = try await source.doctor()
            FileHandle.standardOutput.write(Data(("database: \(options)\n" + report.text + "\n").utf8))
            await source.close()
            return 0
        } catch {
            LUStoresMCP.report("database: \(error.clientReason) (\(options)): \(error.description)")
            return 1
        }
    }
}
