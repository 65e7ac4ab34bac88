import HTTPServer
import HTTPShim
import JSONRPC

/// The settings of `lustores-mcp http`: API keys, rate limits and event loop threads, each from
/// the environment over the configuration file over the product defaults.
///
/// Read only when the command is `http`, so a keys file that others can read stops the HTTP
/// server but never `serve`. Keys never appear in a description or an error.
struct HTTPSettings {
    /// `LUSTORES_API_KEYS` (comma-separated) if set, else the lines of `api_keys_file`: hashed,
    /// scoped entries or plaintext keys of at least 16 characters (shorter ones stop start-up).
    var keys = APIKeys([])
    /// `LUSTORES_RATE_LIMIT_{STATUS,TEST,DATA}` (`N/SECONDS`, or `N` over the class's documented
    /// window: a minute, an hour for tests) over the file's `rate_limits`.
    var rateLimits = RateLimits()
    /// Failed authentications allowed per client address before its unauthenticated requests are
    /// answered 429: `LUSTORES_RATE_LIMIT_AUTH` (`N/SECONDS`, or `N` per minute) over the file's
    /// `rate_limits.authentication` (a count per minute); default 30 per minute.
    var failedAuthentications = FailedAuthentications.defaultLimit
    /// Event loop threads: `LUSTORES_HTTP_EVENT_LOOPS`, clamped to 1…16 (default 2).
    var eventLoops = 2
    /// The HTTP server's bounds; `LUSTORES_HTTP_MAX_CONNECTIONS_PER_ADDRESS` over the file's
    /// `max_connections_per_address` sets the per-address cap (default 256, at least 1), and
    /// `LUSTORES_HTTP_HEADER_TIMEOUT` over `header_timeout_seconds` the time a client has to send a
    /// request's header section, from the accept for a connection's first (default 10 s).
    var connectionLimits = HTTPLimits()
    /// `LUSTORES_TRUSTED_PROXIES` (comma-separated) over the file's `trusted_proxies`: the
    /// reverse proxies whose `X-Forwarded-For` names the client.
    var trustedProxies = TrustedProxies.none

    /// The longest header timeout accepted, in seconds: longer would let silent sockets hold slots.
    static let maximumHeaderTimeoutSeconds = 3600.0

    static func load(variables: [String: String], file: JSONObject) throws(Configuration.Failure) -> HTTPSettings {
        var settings = HTTPSettings()
        if let list = variables["LUSTORES_API_KEYS"], !list.isEmpty {
            settings.keys = try keys { () throws(APIKeys.LoadError) in
                try APIKeys.parse(lines: APIKeys.parseList(list), source: "LUSTORES_API_KEYS")
            }
        } else if let path = file["api_keys_file"]?.stringValue {
            settings.keys = try keys { () throws(APIKeys.LoadError) in try APIKeys.load(file: path) }
            guard !settings.keys.isEmpty else { throw Configuration.Failure(description: "api_keys_file \(path) holds no keys") }
        }
        if let limits = file["rate_limits"]?.objectValue {
            for kind in RateLimitClass.allCases {
                if let count = limits[kind.rawValue]?.integerValue {
                    settings.rateLimits[kind] = RateLimit(requests: Int(count), windowSeconds: kind.documentedWindowSeconds)
                }
            }
            if let count = limits["authentication"]?.integerValue {
                settings.failedAuthentications = RateLimit(requests: Int(count), windowSeconds: 60)
            }
        }
        if let text = variables["LUSTORES_RATE_LIMIT_AUTH"], !text.isEmpty {
            guard let limit = RateLimit.parse(text, defaultWindow: 60) else {
                throw Configuration.Failure(description: "LUSTORES_RATE_LIMIT_AUTH must be N or N/SECONDS with positive numbers, not \(text)")
            }
            settings.failedAuthentications = limit
        }
        for (variable, kind) in [("LUSTORES_RATE_LIMIT_STATUS", RateLimitClass.status), ("LUSTORES_RATE_LIMIT_TEST", .testExecution),
                                 ("LUSTORES_RATE_LIMIT_DATA", .dataRetrieval)] {
            guard let text = variables[variable], !text.isEmpty else { continue }
            guard let limit = RateLimit.parse(text, defaultWindow: kind.documentedWindowSeconds) else {
                throw Configuration.Failure(description: "\(variable) must be N or N/SECONDS with positive numbers, not \(text)")
            }
            settings.rateLimits[kind] = limit
        }
        if let cap = file["max_connections_per_address"]?.integerValue {
            guard cap >= 1 else { throw Configuration.Failure(description: "max_connections_per_address must be at least 1, not \(cap)") }
            settings.connectionLimits.maxConnectionsPerAddress = Int(cap)
        }
        if let text = variables["LUSTORES_HTTP_MAX_CONNECTIONS_PER_ADDRESS"], !text.isEmpty {
            guard let cap = Int(text), cap >= 1 else {
                throw Configuration.Failure(description: "LUSTORES_HTTP_MAX_CONNECTIONS_PER_ADDRESS must be a positive number, not \(text)")
            }
            settings.connectionLimits.maxConnectionsPerAddress = cap
        }
        var proxies = file["trusted_proxies"]?.arrayValue?.compactMap(\.stringValue) ?? []
        if let list = variables["LUSTORES_TRUSTED_PROXIES"], !list.isEmpty {
            proxies = list.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        }
        do {
            settings.trustedProxies = try TrustedProxies(proxies)
        } catch {
            throw Configuration.Failure(description: error.description)
        }
        if let seconds = file["header_timeout_seconds"]?.doubleValue {
            guard seconds > 0, seconds <= maximumHeaderTimeoutSeconds else {
                throw Configuration.Failure(description: "header_timeout_seconds must be above 0 and at most 3600, not \(seconds)")
            }
            settings.connectionLimits.headerTimeoutSeconds = seconds
        }
        if let text = variables["LUSTORES_HTTP_HEADER_TIMEOUT"], !text.isEmpty {
            guard let seconds = Double(text), seconds > 0, seconds <= maximumHeaderTimeoutSeconds else {
                throw Configuration.Failure(description: "LUSTORES_HTTP_HEADER_TIMEOUT must be seconds above 0 and at most 3600, not \(text)")
            }
            settings.connectionLimits.headerTimeoutSeconds = seconds
        }
        if let loops = variables["LUSTORES_HTTP_EVENT_LOOPS"].flatMap(Int.init) { settings.eventLoops = min(16, max(1, loops)) }
        return settings
    }

    /// The keys `load` reads, its failure as a configuration failure (naming no key).
    private static func keys(_ load: () throws(APIKeys.LoadError) -> APIKeys) throws(Configuration.Failure) -> APIKeys {
        do {
            return try load()
        } catch {
            throw Configuration.Failure(description: error.description)
        }
    }
}
