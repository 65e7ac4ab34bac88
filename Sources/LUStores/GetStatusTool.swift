import JSONRPC
import MCP

/// `get_status`: the health of the system, from ``StatusMonitor``.
public enum GetStatusTool {
    public static func make(monitor: StatusMonitor) -> Tool {
        Tool(
            name: "get_status",
            title: "System status",
            description: "Health of the LUStores system: version, uptime, environment, database reachability and "
                + "latency, the latest test run, and memory, CPU and disk use. Status is unhealthy when the database "
                + "cannot be reached and degraded when a resource is above its threshold.",
            inputSchema: SchemaLibrary.getStatusInput,
            outputSchema: SchemaLibrary.getStatusOutput,
            annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true),
            handler: { _, _ in .success(await monitor.status()) }
        )
    }
}
