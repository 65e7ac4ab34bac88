import ServerSupport
#if canImport(Glibc)
import Glibc
#endif

/// Whole-machine resource use read from `/proc` and `statvfs`, as percentages.
///
/// Reads are plain file reads (no sleeping): CPU use is the busy share of the time between two
/// samples, so the first sample reports the share since boot.
struct ResourceSampler: Sendable {
    /// Busy and total jiffies of the previous sample.
    private var previousCPU: (busy: UInt64, total: UInt64)?

    /// The figures of one sample.
    struct Sample: Sendable, Equatable {
        var memory: Double
        var cpu: Double
        var disk: Double
    }

    /// Takes a sample; `path` names a file or folder on the volume whose use is reported.
    /// A figure that cannot be read is reported as 0.
    mutating func sample(diskOf path: String) -> Sample {
        Sample(memory: Self.memoryUsage() ?? 0, cpu: cpuUsage() ?? 0, disk: Self.diskUsage(of: path) ?? 0)
    }

    /// (MemTotal − MemAvailable) / MemTotal.
    static func memoryUsage() -> Double? {
        guard let text = readSmallFile("/proc/meminfo") else { return nil }
        var total: Double?
        var available: Double?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("MemTotal:") { total = Self.firstNumber(in: line) }
            if line.hasPrefix("MemAvailable:") { available = Self.firstNumber(in: line) }
            if total != nil, available != nil { break }
        }
        guard let total, let available, total > 0 else { return nil }
        return max(0, min(100, (total - available) / total * 100))
    }

    /// Busy share of all CPU time since the previous sample, from the `cpu` line of /proc/stat.
    mutating func cpuUsage() -> Double? {
        guard let text = Self.readSmallFile("/proc/stat"), let line = text.split(separator: "\n").first,
              line.hasPrefix("cpu ") else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard fields.count >= 4 else { return nil }
        let total = fields.reduce(0, &+)
        let idle = fields[3] &+ (fields.count > 4 ? fields[4] : 0)  // idle + iowait
        let busy = total &- idle
        defer { previousCPU = (busy, total) }
        if let previous = previousCPU, total > previous.total, busy >= previous.busy {
            return Double(busy - previous.busy) / Double(total - previous.total) * 100
        }
        return total > 0 ? Double(busy) / Double(total) * 100 : nil
    }

    /// Used / (used + available to unprivileged users), as `df` computes Use%.
    static func diskUsage(of path: String) -> Double? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        let used = Double(stats.f_blocks - stats.f_bfree)
        let usable = used + Double(stats.f_bavail)
        return usable > 0 ? used / usable * 100 : nil
    }

    private static func firstNumber(in line: Substring) -> Double? {
        line.split(separator: " ").lazy.compactMap { Double($0) }.first
    }

    /// The whole of a small file (those of /proc are a few KiB), or nil.
    static func readSmallFile(_ path: String, limit: Int = 64 << 10) -> String? {
        SmallFile.read(path, limit: limit)
    }
}
