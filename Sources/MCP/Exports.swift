// `Logger`, `LogLevel` and `PosixThread` are part of this module's interface (tool contexts log,
// the stdio transport runs on threads): every importer of MCP sees them.
@_exported import ServerSupport
