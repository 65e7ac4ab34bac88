import CEventLoop

/// Process-wide memory tuning for a server built on ``HTTPListener``.
public enum MallocArenas {
    /// Limits glibc's malloc to `count` arenas unless `MALLOC_ARENA_MAX` is set (which glibc then
    /// honours itself). Call it first thing, before threads allocate: the event loops and the task
    /// pool would otherwise each get an arena whose freed memory stays resident (measured on the
    /// HTTP benchmark: peak RSS 45.5 → 35.5 MiB at two arenas, throughput unchanged).
    public static func limit(to count: Int = 2) {
        lustores_limit_malloc_arenas(Int32(count))
    }
}
