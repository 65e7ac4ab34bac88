import Foundation
import LUStores
import Store

/// `lustores-mcp import FILE`: reads a JSON or items-CSV file and writes it in one transaction.
/// What it did goes to stdout; progress (large files) and the reason for a rejection to stderr.
enum ImportCommand {
    /// Runs the import and returns the exit status: 0 written, 1 rejected or failed (nothing written).
    static func run(path: String, store: Store) async -> Int32 {
        let clock = ContinuousClock()
        let started = clock.now
        let batch: ImportBatch
        do {
            batch = try ImportReader.read(path: path)
        } catch {
            LUStoresMCP.report("import: \(path): \(error); nothing was written")
            return 1
        }
        let records = batch.categories.count + batch.items.count + batch.chargeCodes.count + batch.sales.count
        let large = batch.sales.count >= ImportWriter.progressInterval
        if large {
            LUStoresMCP.report("import: \(path): writing \(records) records in one transaction", prefix: false)
        }
        do {
            let summary = try await ImportWriter.write(batch, into: store, now: Int64(Date().timeIntervalSince1970)) { done, total in
                let seconds = (clock.now - started).components.seconds
                LUStoresMCP.report("import: \(done) of \(total) sales written (\(seconds) s)", prefix: false)
            }
            if large { try? await store.writer.execute("PRAGMA wal_checkpoint(TRUNCATE)") }
            FileHandle.standardOutput.write(Data("import: \(path): \(summary)\n".utf8))
            return 0
        } catch {
            LUStoresMCP.report("import: \(path): \(error); nothing was written")
            return 1
        }
    }
}
