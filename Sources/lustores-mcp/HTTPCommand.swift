import Dispatch
import Foundation
import HTTPShim
import JSONRPC
import LUStores
import MCP

/// `lustores-mcp http`: the REST shim and `/mcp` on one HTTP/1.1 server. Returns the exit status:
/// 0 after a SIGTERM/SIGINT drain, 1 when the address cannot be bound, 2 for bad configuration
/// (no API keys without `--insecure-no-auth` on loopback, a keys file others can read, a bad limit).
enum HTTPCommand {
    static func run(options: CommandLineOptions, registry: ToolRegistry, configuration: Configuration,
                    logger: Logger) async -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        let keys: APIKeys
        let limits: RateLimits
        do {
            keys = try loadKeys(configuration: configuration, environment: environment)
            limits = try loadLimits(configuration: configuration, environment: environment)
        } catch {
            complain("\(error)")
            return 2
        }
        if keys.isEmpty {
            guard options.insecureNoAuth else {
                complain("no API keys: set LUSTORES_API_KEYS or api_keys_file (or, on a loopback address only, pass --insecure-no-auth)")
                return 2
            }
            guard isLoopback(options.host) else {
                complain("--insecure-no-auth is only allowed on a loopback address, not \(options.host)")
                return 2
            }
            logger.warning("serving without authentication (--insecure-no-auth) on \(options.host)")
        } else if options.insecureNoAuth {
            logger.warning("--insecure-no-auth ignored: \(keys) configured")
        }
        let gate = AccessGate(keys: keys, allowAnonymous: keys.isEmpty, limiter: RateLimiter(limits: limits))
        let engine = MCPServer(implementation: LUStoresTools.implementation, instructions: LUStoresTools.instructions,
                               registry: registry)
        let mcp = MCPEndpoint(server: engine, gate: gate, allowedHosts: OriginPolicy(boundHost: options.host))
        let handler = HTTPShimHandler(rest: RESTRouter(registry: registry, gate: gate), mcp: mcp)
        let server: HTTPServer
        do {
            // LUSTORES_HTTP_EVENT_LOOPS (1…16, default 2): event loop threads.
            let loops = environment["LUSTORES_HTTP_EVENT_LOOPS"].flatMap(Int.init).map { min(16, max(1, $0)) } ?? 2
            server = try HTTPServer(host: options.host, port: options.port, eventLoops: loops, handler: handler, logger: logger)
        } catch {
            complain(error.description)
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
        FileHandle.standardError.write(Data("listening on http://\(shownHost):\(server.port)\n".utf8))
        logger.info("HTTP shim: \(keys), limits status \(limits.status), test execution \(limits.testExecution), data retrieval \(limits.dataRetrieval)")
        await server.waitUntilStopped()
        logger.info("stopped; all requests answered")
        _ = sources
        return 0
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `LUSTORES_API_KEYS` if set, else `api_keys_file`.
    static func loadKeys(configuration: Configuration, environment: [String: String]) throws -> APIKeys {
        if let list = environment["LUSTORES_API_KEYS"], !list.isEmpty {
            return APIKeys(APIKeys.parseList(list))
        }
        guard let path = configuration.file["api_keys_file"]?.stringValue else { return APIKeys([]) }
        let keys = try APIKeys.loadFile(path)
        guard !keys.isEmpty else { throw Failure(description: "api_keys_file \(path) holds no keys") }
        return APIKeys(keys)
    }

    /// The configuration file's `rate_limits`, then `LUSTORES_RATE_LIMIT_{STATUS,TEST,DATA}`
    /// (`N/SECONDS`), over the product defaults.
    static func loadLimits(configuration: Configuration, environment: [String: String]) throws -> RateLimits {
        var limits = RateLimits()
        if let file = configuration.file["rate_limits"]?.objectValue {
            if let count = file["status"]?.integerValue { limits.status = RateLimit(requests: Int(count), windowSeconds: 60) }
            if let count = file["test_execution"]?.integerValue { limits.testExecution = RateLimit(requests: Int(count), windowSeconds: 3600) }
            if let count = file["data_retrieval"]?.integerValue { limits.dataRetrieval = RateLimit(requests: Int(count), windowSeconds: 60) }
        }
        for (variable, kind) in [("LUSTORES_RATE_LIMIT_STATUS", RateLimitClass.status), ("LUSTORES_RATE_LIMIT_TEST", .testExecution),
                                 ("LUSTORES_RATE_LIMIT_DATA", .dataRetrieval)] {
            guard let text = environment[variable], !text.isEmpty else { continue }
            guard let limit = RateLimit.parse(text) else {
                throw Failure(description: "\(variable) must be N or N/SECONDS with positive numbers, not \(text)")
            }
            limits[kind] = limit
        }
        return limits
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func complain(_ message: String) {
        FileHandle.standardError.write(Data("lustores-mcp: \(message)\n".utf8))
    }
}
