import Dispatch
import Foundation
import HTTPServer
import HTTPShim
import LUStores
import MCP
import MCPHTTP
import TestExecution

/// `lustores-mcp http`: the REST shim and `/mcp` on one HTTP/1.1 server. Returns the exit status:
/// 0 after a SIGTERM/SIGINT drain, 1 when the address cannot be bound, 2 for bad configuration
/// (no API keys without `--insecure-no-auth` on loopback; a keys file others can read and a bad
/// limit are refused earlier, by ``Configuration``).
enum HTTPCommand {
    static func run(options: CommandLineOptions, registry: ToolRegistry, content: AssistantContent, configuration: Configuration,
                    operations: Operations, logger: Logger) async -> Int32 {
        let keys = configuration.http.keys
        let limits = configuration.http.rateLimits
        if keys.isEmpty {
            guard options.insecureNoAuth else {
                LUStoresMCP.report("no API keys: set LUSTORES_API_KEYS or api_keys_file (or, on a loopback address only, pass --insecure-no-auth)")
                return 2
            }
            guard isLoopback(options.host) else {
                LUStoresMCP.report("--insecure-no-auth is only allowed on a loopback address, not \(options.host)")
                return 2
            }
            logger.warning("serving without authentication (--insecure-no-auth) on \(options.host)")
        } else if options.insecureNoAuth {
            logger.warning("--insecure-no-auth ignored: \(keys) configured")
        }
        if !keys.plaintextNames.isEmpty {
            logger.warning("API key(s) \(keys.plaintextNames.joined(separator: ", ")) are plaintext with every scope: "
                           + "replace them with hashed, scoped lines from lustores-mcp keys new")
        }
        let audit = AuditWiring.open(configuration, logger: logger)
        let metrics = operations.metrics
        let gate = AccessGate(keys: keys, allowAnonymous: keys.isEmpty, limiter: RateLimiter(limits: limits), audit: audit,
                              failures: FailedAuthentications(limit: configuration.http.failedAuthentications, logger: logger))
        let engine = MCPServer(implementation: LUStoresTools.implementation(websiteURL: configuration.websiteURL),
                               instructions: LUStoresTools.instructions,
                               registry: metrics.observing(registry, transport: "mcp"), resources: AssistantResources.registry(content),
                               prompts: AssistantPrompts.registry(content), toolCallObserver: audit?.toolCallObserver(transport: "mcp"))
        let watch = await content.publishChanges(to: engine)
        defer { watch.cancel() }
        let mcp = MCPEndpoint(server: engine, gate: gate, allowedHosts: OriginPolicy(boundHost: options.host))
        let routes = OperationsRoutes(metrics: metrics, monitor: operations.monitor, testRunner: operations.testRunner, gate: gate)
        let handler = HTTPShimHandler(rest: RESTRouter(registry: metrics.observing(registry, transport: "rest"), gate: gate), mcp: mcp,
                                      operations: routes, trustedProxies: configuration.http.trustedProxies, logger: logger)
        let server: HTTPListener
        do {
            server = try HTTPListener(host: options.host, port: options.port, limits: configuration.http.connectionLimits,
                                      eventLoops: configuration.http.eventLoops, handler: handler,
                                      refusals: HTTPShimHandler.renderRefusal, trust: gate.trust, logger: logger)
        } catch {
            LUStoresMCP.report(error.description)
            return 1
        }
        var sources: [DispatchSourceSignal] = []
        if let audit { sources.append(AuditWiring.reopenOnHangUp(audit, logger: logger)) }
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                logger.info("signal \(signalNumber): draining requests in flight")
                mcp.closeStreams()
                server.shutdown()
            }
            source.resume()
            sources.append(source)
        }
        server.start()
        let shownHost = options.host.contains(":") ? "[\(options.host)]" : options.host
        LUStoresMCP.report("listening on http://\(shownHost):\(server.port)", prefix: false)
        logger.info("HTTP shim: \(keys), limits status \(limits.status), test execution \(limits.testExecution), data retrieval \(limits.dataRetrieval); \(configuration.http.connectionLimits.maxConnectionsPerAddress) connections per client address, "
                    + "header timeout \(String(format: "%g", configuration.http.connectionLimits.headerTimeoutSeconds)) s")
        await server.waitUntilStopped()
        logger.info("stopped; all requests answered")
        _ = sources
        return 0
    }

    /// What the operations routes read: the counts, the database's state, the running executions.
    struct Operations {
        let metrics: ShimMetrics
        let monitor: StatusMonitor
        let testRunner: TestRunner
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
