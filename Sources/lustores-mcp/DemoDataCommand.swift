import Foundation
import LUStores
import MCP
import Store

/// `lustores-mcp demo-data`: fills an empty database with deterministic demo data, with a progress
/// line on stderr for large runs and what it wrote on stdout; and the first-run fill of the
/// default database.
enum DemoDataCommand {
    /// Runs the command and returns the exit status: 0 written, 1 not written (the reason on stderr),
    /// 2 a bad `--end-date`.
    static func run(_ request: CommandLineOptions.DemoDataRequest, store: Store) async -> Int32 {
        var end = Int64(Date().timeIntervalSince1970.rounded(.down))
        if let text = request.endDate {
            guard let day = UTCTime.parseDay(text) else {
                LUStoresMCP.report("--end-date must be a real date YYYY-MM-DD, not \(text)")
                return 2
            }
            end = (day + 1) * UTCTime.secondsPerDay
        }
        let options = DemoDataOptions(sales: request.sales ?? DemoDataOptions.defaultSales,
                                      items: request.items ?? DemoDataOptions.defaultItems,
                                      seed: request.seed ?? DemoDataOptions.defaultSeed, end: end)
        let clock = ContinuousClock()
        let started = clock.now
        let showProgress = options.sales >= DemoData.progressInterval
        do {
            let summary = try await DemoData.generate(options, into: store) { done, total in
                guard showProgress else { return }
                let seconds = (clock.now - started).components.seconds
                LUStoresMCP.report("demo-data: \(done) of \(total) sales written (\(seconds) s)", prefix: false)
            }
            try? await store.writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            let elapsed = Double((clock.now - started).components.attoseconds / 1_000_000_000_000_000) / 1000
                + Double((clock.now - started).components.seconds)
            var line = "demo-data: wrote \(summary.categories) categories, \(summary.items) items, "
                + "\(summary.chargeCodes) charge codes, \(summary.sales) sales (\(summary.lines) lines)"
            if let first = summary.firstSale, let last = summary.lastSale { line += " from \(first) to \(last)" }
            line += " into \(store.path) in \(String(format: "%.1f", elapsed)) s\n"
            FileHandle.standardOutput.write(Data(line.utf8))
            return 0
        } catch {
            LUStoresMCP.report("demo-data: nothing written: \(error)")
            return 1
        }
    }

    /// Fills a default database that did not exist before this run with the default demo data, so
    /// the first `serve` or `call` on a fresh machine shows real answers. A database another process
    /// filled meanwhile is left alone.
    static func fillNewDefaultDatabase(_ store: Store, logger: Logger) async {
        let options = DemoDataOptions(end: Int64(Date().timeIntervalSince1970.rounded(.down)))
        do {
            let summary = try await DemoData.generate(options, into: store)
            logger.info("created \(store.path) with demo data: \(summary.items) items, \(summary.sales) sales")
        } catch DemoDataError.notEmpty {
            return
        } catch {
            logger.warning("could not fill the new database \(store.path) with demo data: \(error)")
        }
    }
}
