import Foundation
import ServerSupport
#if canImport(Glibc)
import Glibc
#endif

/// This process's resource figures from `/proc`, under the names the Prometheus client
/// libraries use (`process_*`), so dashboards made for them work unchanged.
struct ProcessFigures {
    var residentBytes: Double?
    var cpuSeconds: Double?
    var openDescriptors: Double?
    var maxDescriptors: Double?
    var startTime: Double?

    /// The figures now; one that cannot be read is left out rather than shown as 0.
    static func read() -> ProcessFigures {
        var figures = ProcessFigures()
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        // The command name (field 2) may hold spaces and parentheses: fields are counted from the
        // last ')'. After it come field 3 (state) onwards.
        if let stat = readSmall("/proc/self/stat"), let close = stat.lastIndex(of: ")") {
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            func field(_ number: Int) -> Double? { fields.count > number - 3 ? Double(fields[number - 3]) : nil }
            if let user = field(14), let system = field(15), ticks > 0 { figures.cpuSeconds = (user + system) / ticks }
            if let pages = field(24) { figures.residentBytes = pages * pageSize }
            if let startTicks = field(22), ticks > 0, let boot = bootTime() { figures.startTime = boot + startTicks / ticks }
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            // Less the descriptor the listing itself held open.
            figures.openDescriptors = Double(max(0, entries.count - 1))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { figures.maxDescriptors = Double(limit.rlim_cur) }
        return figures
    }

    /// Seconds since the epoch at boot (`btime` of /proc/stat).
    private static func bootTime() -> Double? {
        guard let text = readSmall("/proc/stat") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    private static func readSmall(_ path: String) -> String? {
        SmallFile.read(path)
    }
}
