import HTTPShim
import JSONRPC

/// The settings of `lustores-mcp http`: API keys, rate limits and event loop threads, each from
/// the environment over the configuration file over the product defaults.
///
/// Read only when the command is `http`, so a keys file that others can read stops the HTTP
/// server but never `serve`. Keys never appear in a description or an error.
struct HTTPSettings {
    /// `LUSTORES_API_KEYS` (comma-separated) if set, else the lines of `api_keys_file`.
    var keys = APIKeys([])
    /// `LUSTORES_RATE_LIMIT_{STATUS,TEST,DATA}` (`N/SECONDS`) over the file's `rate_limits`.
    var rateLimits = RateLimits()
    /// Event loop threads: `LUSTORES_HTTP_EVENT_LOOPS`, clamped to 1…16 (default 2).
    var eventLoops = 2
    /// `LUSTORES_TRUSTED_PROXIES` (comma-separated) over the file's `trusted_proxies`: the
    /// reverse proxies whose `X-Forwarded-For` names the client.
    var trustedProxies = TrustedProxies.none

    static func load(variables: [String: String], file: JSONObject) throws(Configuration.Failure) -> HTTPSettings {
        var settings = HTTPSettings()
        if let list = variables["LUSTORES_API_KEYS"], !list.isEmpty {
            settings.keys = APIKeys(APIKeys.parseList(list))
        } else if let path = file["api_keys_file"]?.stringValue {
            let keys: [String]
            do {
                keys = try APIKeys.loadFile(path)
            } catch {
                throw Configuration.Failure(description: error.description)
            }
            guard !keys.isEmpty else { throw Configuration.Failure(description: "api_keys_file \(path) holds no keys") }
            settings.keys = APIKeys(keys)
        }
        if let limits = file["rate_limits"]?.objectValue {
            for (key, kind, window) in [("status", RateLimitClass.status, 60), ("test_execution", .testExecution, 3600),
                                        ("data_retrieval", .dataRetrieval, 60)] {
                if let count = limits[key]?.integerValue { settings.rateLimits[kind] = RateLimit(requests: Int(count), windowSeconds: window) }
            }
        }
        for (variable, kind) in [("LUSTORES_RATE_LIMIT_STATUS", RateLimitClass.status), ("LUSTORES_RATE_LIMIT_TEST", .testExecution),
                                 ("LUSTORES_RATE_LIMIT_DATA", .dataRetrieval)] {
            guard let text = variables[variable], !text.isEmpty else { continue }
            guard let limit = RateLimit.parse(text) else {
                throw Configuration.Failure(description: "\(variable) must be N or N/SECONDS with positive numbers, not \(text)")
            }
            settings.rateLimits[kind] = limit
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
        if let loops = variables["LUSTORES_HTTP_EVENT_LOOPS"].flatMap(Int.init) { settings.eventLoops = min(16, max(1, loops)) }
        return settings
    }
}
