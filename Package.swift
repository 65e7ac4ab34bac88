// swift-tools-version:6.0
import PackageDescription

// No package dependencies by design: the toolchain's Foundation, Dispatch, Synchronization and
// Swift Testing, plus C libraries from Debian as system-library targets.

// Release builds link the Swift runtime and Foundation into the binary (what SwiftPM's
// `--static-swift-stdlib` does): it starts in about 60% of the time and holds about 5 MiB less,
// because the loader no longer maps and relocates a dozen shared libraries. Every module of the
// executable is compiled with the flag too, or its autolink entries would name the shared
// libraries. Debug builds (and so `swift test`) stay dynamic, as the test runner needs.
let staticInRelease: [SwiftSetting] = [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]
let staticLinkInRelease: [LinkerSetting] = [.unsafeFlags(["-static-stdlib"], .when(configuration: .release))]
let package = Package(
    name: "lustores-mcp",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lustores-mcp", targets: ["lustores-mcp"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(name: "JSONRPC", swiftSettings: staticInRelease),
        // Logging, threads and clocks shared by the protocol engine and the HTTP server.
        .target(name: "ServerSupport", swiftSettings: staticInRelease),
        .target(name: "MCP", dependencies: ["JSONRPC", "ServerSupport"], swiftSettings: staticInRelease),
        .target(name: "Store", dependencies: ["CSQLite"], swiftSettings: staticInRelease),
        // Runs test suites: child processes, report and coverage parsers, the built-in suites through
        // the `StoreChecks` and `ExecutionLog` a store supplies. Knows nothing of sales, SQL or MCP.
        .target(name: "TestExecution", dependencies: ["JSONRPC", "ServerSupport"], swiftSettings: staticInRelease),
        // libpq's header (Debian libpq-dev). Not linked: PostgresStore loads libpq.so.5 with dlopen
        // when a PostgreSQL connection is first wanted, sparing every SQLite start the ~30 libraries
        // libpq brings.
        .systemLibrary(name: "CLibPQ"),
        .target(name: "PostgresStore", dependencies: ["CLibPQ", "Store"], swiftSettings: staticInRelease),
        .target(
            name: "LUStores",
            dependencies: ["JSONRPC", "MCP", "Store", "TestExecution"],
            resources: [.embedInCode("Schemas")],
            swiftSettings: staticInRelease
        ),
        .systemLibrary(name: "CEventLoop"),
        // An HTTP/1.1 server that knows no application: parser, connections, event loops, limits.
        .target(name: "HTTPServer", dependencies: ["ServerSupport", "CEventLoop"], swiftSettings: staticInRelease),
        // MCP Streamable HTTP at /mcp, over the engine of MCP.
        .target(name: "MCPHTTP", dependencies: ["HTTPServer", "JSONRPC", "MCP", "ServerSupport"], swiftSettings: staticInRelease),
        // The application's HTTP face: REST routes, API keys, rate limits, and /mcp wired to them.
        .target(name: "HTTPShim", dependencies: ["HTTPServer", "MCPHTTP", "JSONRPC", "MCP", "ServerSupport", "LUStores"],
                swiftSettings: staticInRelease),
        // The socket-free HTTP exchange for tests; not part of the executable.
        .target(name: "HTTPServerTesting", dependencies: ["HTTPServer"]),
        .executableTarget(
            name: "lustores-mcp",
            dependencies: ["JSONRPC", "MCP", "Store", "PostgresStore", "LUStores", "TestExecution", "HTTPServer", "MCPHTTP", "HTTPShim"],
            swiftSettings: staticInRelease,
            linkerSettings: staticLinkInRelease
        ),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC"]),
        .testTarget(name: "MCPTests", dependencies: ["JSONRPC", "MCP"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "RepositoryTests"),
        .testTarget(name: "HTTPShimTests", dependencies: ["HTTPServer", "HTTPServerTesting", "MCPHTTP", "HTTPShim", "LUStores",
                                                          "MCP", "JSONRPC", "Store", "TestExecution"]),
        .testTarget(name: "LUStoresTests", dependencies: ["LUStores", "MCP", "JSONRPC", "Store", "TestExecution", "PostgresStore", "PostgresTesting"]),
        .testTarget(name: "TestExecutionTests", dependencies: ["TestExecution", "LUStores", "MCP", "JSONRPC", "Store"]),
        // A throwaway PostgreSQL cluster with the LUStores tables, for every test target that needs one.
        // The tests' own administrative sessions call libpq directly, so they link it.
        .target(name: "PostgresTesting", dependencies: ["CLibPQ"], path: "Tests/PostgresTesting",
                linkerSettings: [.linkedLibrary("pq")]),
        .testTarget(name: "PostgresStoreTests", dependencies: ["PostgresStore", "PostgresTesting", "Store", "CLibPQ"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["lustores-mcp", "JSONRPC", "MCP", "Store", "PostgresTesting"],
            exclude: []
        ),
    ],
    swiftLanguageModes: [.v6]
)
