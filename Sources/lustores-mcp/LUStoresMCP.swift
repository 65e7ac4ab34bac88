import Dispatch
import Foundation
import JSONRPC
import LUStores
import MCP
import HTTPShim
import PostgresStore
import Store
import TestExecution

/// The `lustores-mcp` command: parses the command line, loads the configuration, opens the
/// store, and runs the chosen command. Exit status: 0 success, 1 failure at run time (including a
/// tool error from `call`), 2 a bad command line or configuration.
@main
struct LUStoresMCP {
    static func main() async {
        signal(SIGPIPE, SIG_IGN)  // a closed stdout must be an EPIPE we handle, not a death
        let options: CommandLineOptions
        do {
            options = try CommandLineOptions.parse(Array(CommandLine.arguments.dropFirst()))
        } catch {
            fail("\(error)\nRun lustores-mcp --help for usage.", status: 2)
        }
        switch options.command {
        case .help:
            FileHandle.standardOutput.write(Data(CommandLineOptions.usage.utf8))
            exit(0)
        case .version:
            FileHandle.standardOutput.write(Data("\(LUStoresVersion.serverName) \(LUStoresVersion.current)\n".utf8))
            exit(0)
        case .serve, .call, .demoData, .importFile, .http, .doctor:
            break
        }
        let configuration: Configuration
        do {
            configuration = try Configuration.load(options: options, environment: ProcessInfo.processInfo.environment)
        } catch {
            fail(error.description, status: 2)
        }
        let logger = Logger(level: configuration.logLevel)
        if case .doctor = options.command {
            exit(await PostgresWiring.doctor(configuration.postgres, logger: logger))
        }
        if let postgres = configuration.postgres {
            switch options.command {
            case .importFile, .demoData:
                // LUStores' database is read-only to this server: these would fill a file nobody reads.
                fail("import and demo-data fill the SQLite database only; they cannot run with a PostgreSQL "
                     + "database URL (\(postgres))", status: 2)
            default:
                break
            }
        }
        let postgresSource: PostgresDataSource?
        if let postgres = configuration.postgres {
            postgresSource = await PostgresWiring.open(postgres, logger: logger)
        } else {
            postgresSource = nil
        }
        if case .demoData(let request) = options.command {
            exit(await DemoDataCommand.run(request, path: configuration.databasePath))
        }
        let isNewDefault = configuration.databaseIsDefault && !FileManager.default.fileExists(atPath: configuration.databasePath)
        let store: Store
        do {
            store = try await Store.open(path: configuration.databasePath)
        } catch {
            fail("cannot open the database \(configuration.databasePath): \(error)", status: 1)
        }
        switch options.command {
        case .importFile(let path):
            exit(await ImportCommand.run(path: path, store: store))
        case .serve, .call, .http:
            // With PostgreSQL the file keeps only the server's own state: no demo sales in it.
            if isNewDefault && postgresSource == nil { await DemoDataCommand.fillNewDefaultDatabase(store, logger: logger) }
        default:
            break
        }
        let monitor = StatusMonitor(store: store, environment: configuration.environment,
                                    thresholds: configuration.thresholds,
                                    sourceProbe: postgresSource.map(PostgresWiring.probe))
        let source: any DataSource
        if let postgresSource {
            source = postgresSource
        } else {
            do {
                source = try SQLiteDataSource(store: store)
            } catch {
                fail("cannot open the database \(configuration.databasePath): \(error)", status: 1)
            }
        }
        let ledger = SalesLedger(source: source, calendar: configuration.calendar, logger: logger)
        let catalog = InventoryCatalog(source: source, logger: logger)
        var runnerSettings = TestRunner.Settings(suites: configuration.testSuites,
                                                 maxConcurrentRuns: configuration.maxConcurrentRuns)
        // Counted in every command, shown by `http` at /metrics.
        let metrics = ShimMetrics()
        runnerSettings.executionFinished = { metrics.testExecutionFinished(testType: $0, status: $1) }
        let testRunner: TestRunner
        if let postgresSource {
            // Executions are the server's own state (the SQLite file); the built-in suites check PostgreSQL.
            testRunner = TestRunner(log: SQLiteExecutionLog(store: store), checks: PostgresStoreChecks(source: postgresSource),
                                    settings: runnerSettings)
        } else {
            testRunner = TestRunner(store: store, diskThreshold: configuration.thresholds.disk, settings: runnerSettings)
        }
        do {
            let interrupted = try await testRunner.recoverInterrupted()
            if interrupted > 0 { logger.info("\(interrupted) test execution(s) cut off by a restart marked interrupted") }
        } catch {
            logger.warning("cannot mark interrupted test executions: \(error)")
        }
        let registry = LUStoresTools.registry(monitor: monitor, ledger: ledger, catalog: catalog, testRunner: testRunner)
        switch options.command {
        case .call(let tool, let arguments):
            let status = await ToolCallCommand.run(registry: registry, tool: tool, arguments: arguments)
            // `call run_tests` has printed its answer; the run it started ends before the process does.
            await testRunner.waitUntilIdle()
            exit(status)
        case .http:
            let status = await HTTPCommand.run(options: options, registry: registry, configuration: configuration,
                                               operations: .init(metrics: metrics, monitor: monitor, testRunner: testRunner),
                                               logger: logger)
            await store.checkpoint()
            exit(status)
        default:
            await serve(registry: registry, configuration: configuration, logger: logger, testRunner: testRunner)
            await store.checkpoint()
            exit(0)
        }
    }

    static func serve(registry: ToolRegistry, configuration: Configuration, logger: Logger, testRunner: TestRunner) async {
        let server = MCPServer(implementation: LUStoresTools.implementation, instructions: LUStoresTools.instructions,
                               registry: registry)
        let transport = StdioTransport(server: server)
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                logger.info("signal \(signalNumber): finishing requests in flight")
                transport.stop()
            }
            source.resume()
            sources.append(source)
        }
        logger.info("serving MCP on stdio (database \(configuration.databasePath), environment \(configuration.environment))")
        let reason = await transport.run()
        switch reason {
        case .endOfInput: logger.info("stdin closed; all requests answered")
        case .stopped: logger.info("stopped; all requests answered")
        case .outputClosed: logger.info("stdout closed by the client; exiting")
        }
        // Running suites are stopped with their process groups and recorded as interrupted.
        await testRunner.shutdown()
    }

    static func fail(_ message: String, status: Int32) -> Never {
        report(message)
        exit(status)
    }

    /// One line on stderr, prefixed `lustores-mcp: ` unless `prefix` is false.
    static func report(_ message: String, prefix: Bool = true) {
        FileHandle.standardError.write(Data(((prefix ? "lustores-mcp: " : "") + message + "\n").utf8))
    }
}
