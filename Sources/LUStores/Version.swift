/// The version of lustores-mcp: the one place it is written. `--version`, `serverInfo.version`
/// and `get_status`'s `system.version` all read it.
public enum LUStoresVersion {
    public static let current = "0.1.0"
    public static let serverName = "lustores-mcp"
}
