import Dispatch
import Foundation
import HTTPShim
import HTTPServer
import JSONRPC
import LUStores
import MCP
import PostgresStore
import Store
import Synchronization
import TestExecution

/// The `lustores-mcp` command: parses the command line, loads the configuration, opens the
/// store, and runs the chosen command. Exit status: 0 success, 1 failure at run time (including a
/// tool error from `call`), 2 a bad command line or configuration.
@main
struct LUStoresMCP {
    static func main() async {
        signal(SIGPIPE, SIG_IGN)  // a closed stdout must be an EPIPE we handle, not a death
        let arguments = Array(CommandLine.arguments.dropFirst())
        let named = arguments.first { CommandLineOptions.commandNames.contains($0) }
        if named == "check" { isPlugin.store(true, ordering: .relaxed) }
        let options: CommandLineOptions
        do {
            options = try CommandLineOptions.parse(arguments)
        } catch {
            fail("\(error)\nRun lustores-mcp help \(named ?? "") for usage.", status: 2)
        }
        switch options.command {
        case .help(let topic):
            FileHandle.standardOutput.write(Data(CommandHelp.text(for: topic).utf8))
            exit(0)
        case .version:
            FileHandle.standardOutput.write(Data("\(LUStoresVersion.serverName) \(LUStoresVersion.current)\n".utf8))
            exit(0)
        case .newKey(let name, let scopes):
            exit(KeysCommand.newKey(name: name, scopes: scopes))
        case .http:
            MallocArenas.limit()
        case .serve, .call, .demoData, .importFile, .doctor, .check, .test:
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
        await runRemoteClient(options, configuration: configuration)
        if !configuration.databaseIsDefault, let problem = NamedDatabase.problem(at: configuration.databasePath) {
            fail(problem, status: 2)
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
        case .serve, .call, .http, .check, .test:
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
        let runnerSettings = TestRunner.Settings(suites: configuration.testSuites,
                                                 maxConcurrentRuns: configuration.maxConcurrentRuns)
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
        var registry = LUStoresTools.registry(monitor: monitor, ledger: ledger, catalog: catalog, testRunner: testRunner)
        if configuration.readOnly {
            registry = registry.without(["run_tests"])
            logger.info("read-only: run_tests is not served")
        }
        let content = AssistantContent(monitor: monitor, source: source, calendar: configuration.calendar, testRunner: testRunner)
        switch options.command {
        case .call(let tool, let arguments):
            let status = await ToolCallCommand.run(registry: registry, tool: tool, arguments: arguments)
            // `call run_tests` has printed its answer; the run it started ends before the process does.
            await testRunner.waitUntilIdle()
            exit(status)
        case .check:
            exit(await CheckCommand.run(client: .local(registry), options: options.client, resourceWarning: configuration.thresholds))
        case .test(let type):
            let sources = stopRunsOnSignals(testRunner)
            let status = await TestCommand.run(type: type, client: .local(registry), options: options.client)
            _ = sources
            // A run still going at --timeout is stopped with its process group, recorded as interrupted.
            await testRunner.shutdown()
            exit(status)
        case .http:
            let status = await HTTPCommand.run(options: options, registry: registry, content: content,
                                                 configuration: configuration, logger: logger)
            await store.checkpoint()
            exit(status)
        default:
            await serve(registry: registry, content: content, configuration: configuration, logger: logger, testRunner: testRunner)
            await store.checkpoint()
            exit(0)
        }
    }

    static func serve(registry: ToolRegistry, content: AssistantContent, configuration: Configuration, logger: Logger,
                      testRunner: TestRunner) async {
        let audit = AuditWiring.open(configuration, logger: logger)
        let server = MCPServer(implementation: LUStoresTools.implementation(websiteURL: configuration.websiteURL),
                                instructions: LUStoresTools.instructions,
                               registry: registry, resources: AssistantResources.registry(content),
                               prompts: AssistantPrompts.registry(content), toolCallObserver: audit?.toolCallObserver(transport: "stdio", only: ["run_tests"]))
        let watch = await content.publishChanges(to: server)
        defer { watch.cancel() }
        let transport = StdioTransport(server: server)
        var sources: [DispatchSourceSignal] = []
        if let audit { sources.append(AuditWiring.reopenOnHangUp(audit, logger: logger)) }
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

    /// Ctrl-C (or SIGTERM) during `test`: the suite's process group is stopped too, then the process
    /// exits 128 + the signal. (Not in `main`, whose closures would be main-actor isolated: the
    /// handlers run on a global queue.)
    static func stopRunsOnSignals(_ testRunner: TestRunner) -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { @Sendable in
                Task {
                    await testRunner.shutdown()
                    exit(128 + signalNumber)
                }
            }
            source.resume()
            return source
        }
    }

    /// `check` answers every failure as a monitoring plugin: one UNKNOWN line on stdout, exit 3.
    static let isPlugin = Atomic<Bool>(false)

    /// `check` and `test` with `--url`: the tools of a running server, no store opened here.
    static func runRemoteClient(_ options: CommandLineOptions, configuration: Configuration) async {
        let client: ToolClient?
        do {
            client = try ToolClient.remote(options.client, environment: ProcessInfo.processInfo.environment)
        } catch {
            fail(error.description, status: 2)
        }
        guard let client else { return }
        switch options.command {
        case .check:
            exit(await CheckCommand.run(client: client, options: options.client, resourceWarning: configuration.thresholds))
        case .test(let type):
            exit(await TestCommand.run(type: type, client: client, options: options.client))
        default:
            return
        }
    }

    static func fail(_ message: String, status: Int32) -> Never {
        if isPlugin.load(ordering: .relaxed) {
            CheckCommand.emit(.unknown, message.split(separator: "\n").first.map(String.init) ?? message)
            exit(CheckCommand.State.unknown.rawValue)
        }
        report(message)
        exit(status)
    }

    /// One line on stderr, prefixed `lustores-mcp: ` unless `prefix` is false.
    static func report(_ message: String, prefix: Bool = true) {
        FileHandle.standardError.write(Data(((prefix ? "lustores-mcp: " : "") + message + "\n").utf8))
    }
}
