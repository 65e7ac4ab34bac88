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
    static func run(options: CommandLineOptions, registry: ToolRegistry, configuration: Configuration,
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
        let metrics = operations.metrics
        let gate = AccessGate(keys: keys, allowAnonymous: keys.isEmpty, limiter: RateLimiter(limits: limits), metrics: metrics)
        let engine = MCPServer(implementation: LUStoresTools.implementation, instructions: LUStoresTools.instructions,
                               registry: metrics.observing(registry, transport: "mcp"))
        let mcp = MCPEndpoint(server: engine, gate: gate, allowedHosts: OriginPolicy(boundHost: options.host))
        let routes = OperationsRoutes(metrics: metrics, monitor: operations.monitor, testRunner: operations.testRunner, gate: gate)
        let handler = HTTPShimHandler(rest: RESTRouter(registry: metrics.observing(registry, transport: "rest"), gate: gate), mcp: mcp,
                                      operations: routes, trustedProxies: configuration.http.trustedProxies, logger: logger)
        let server: HTTPListener
        do {
            server = try HTTPListener(host: options.host, port: options.port, eventLoops: configuration.http.eventLoops,
                                      handler: handler, refusals: HTTPShimHandler.renderRefusal, logger: logger)
        } catch {
            LUStoresMCP.report(error.description)
            return 1
        }
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                logger.info("signal \(signalNumber): draining requests in flight")
                server.shutdown()
            }
            source.resume()
            sources.append(source)
        }
        server.start()
        let shownHost = options.host.contains(":") ? "[\(options.host)]" : options.host
        LUStoresMCP.report("listening on http://\(shownHost):\(server.port)", prefix: false)
        logger.info("HTTP shim: \(keys), limits status \(limits.status), test execution \(limits.testExecution), data retrieval \(limits.dataRetrieval)")
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
