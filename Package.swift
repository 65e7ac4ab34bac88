// swift-tools-version:6.0
import PackageDescription

// No package dependencies by design: the toolchain's Foundation, Dispatch, Synchronization and
// Swift Testing, plus C libraries from Debian as system-library targets.
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
        .target(name: "JSONRPC"),
        .target(name: "MCP", dependencies: ["JSONRPC"]),
        .target(name: "Store", dependencies: ["CSQLite"]),
        .target(
            name: "LUStores",
            dependencies: ["JSONRPC", "MCP", "Store"],
            resources: [.embedInCode("Schemas")]
        ),
        .systemLibrary(name: "CEventLoop"),
        .target(name: "HTTPShim", dependencies: ["JSONRPC", "MCP", "LUStores", "CEventLoop"]),
        .executableTarget(name: "lustores-mcp", dependencies: ["JSONRPC", "MCP", "Store", "LUStores", "HTTPShim"]),
        .testTarget(name: "JSONRPCTests", dependencies: ["JSONRPC"]),
        .testTarget(name: "MCPTests", dependencies: ["JSONRPC", "MCP"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "HTTPShimTests", dependencies: ["HTTPShim", "LUStores", "MCP", "JSONRPC", "Store"]),
        .testTarget(name: "LUStoresTests", dependencies: ["LUStores", "MCP", "JSONRPC", "Store"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["lustores-mcp", "JSONRPC", "MCP", "Store"],
            exclude: []
        ),
    ],
    swiftLanguageModes: [.v6]
)
