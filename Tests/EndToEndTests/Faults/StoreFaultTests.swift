import Foundation
import JSONRPC
import Store
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Faults injected into the database of a running server (the real binary over stdio). Each test
/// checks that the call fails with a clear error, that the server keeps serving, that it recovers
/// when the fault clears, and that nothing already stored is lost. The immutable flag and the
/// mounts need root; those tests say so and are skipped otherwise (CI runs as root).
@Suite("Store faults while serving", .serialized)
struct StoreFaultTests {
    /// The sales the server answers before a fault, to compare with after it.
    static let salesQuery: JSONValue = ["limit": 20]

    /// A client never sees a path or SQL in an error message.
    static func expectProductTerms(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!message.contains("/") && !message.contains("SELECT") && !message.contains("INSERT")
                && !message.contains("sqlite"), "\(message)", sourceLocation: sourceLocation)
    }

    /// Asserts the status is unhealthy, with a reason containing `phrase`.
    static func expectUnhealthy(_ server: FaultServer, _ phrase: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let status = try await server.status()
        #expect(status["system"]?["status"] == "unhealthy", "\(status.line)", sourceLocation: sourceLocation)
        let reason = status["database"]?["reason"]?.stringValue ?? ""
        #expect(reason.contains(phrase), "\(status.line)", sourceLocation: sourceLocation)
        expectProductTerms(reason, sourceLocation: sourceLocation)
    }

    /// Asserts the status is not unhealthy and carries no reason.
    static func expectRecovered(_ server: FaultServer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let status = try await server.status()
        #expect(status["system"]?["status"] != "unhealthy" && status["database"]?["reason"] == nil, "\(status.line)",
                sourceLocation: sourceLocation)
    }

    /// Asserts a write through a tool fails with `MCP_UNAVAILABLE`.
    static func expectWriteRefused(_ server: FaultServer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let refused = try await server.runSalesSuite()
        #expect(refused.isError && refused.errorCode == "MCP_UNAVAILABLE", "\(refused.content.line)", sourceLocation: sourceLocation)
    }

    /// Asserts a write through a tool succeeds: the sales suite runs and is recorded.
    static func expectWriteWorks(_ server: FaultServer, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let run = try await server.runSalesSuite()
        #expect(!run.isError && run.content["status"] == "completed", "\(run.content.line)", sourceLocation: sourceLocation)
    }

    @Test("an immutable database file: writes fail with MCP_UNAVAILABLE, status says why, no -shm index to kill the process",
          .enabled(if: Privileges.isRoot, Comment(rawValue: Privileges.rootReason)))
    func immutableFile() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await demoDatabase(in: dir)
            let server = try await FaultServer(in: dir, database: database)
            let before = try await server.call("get_sales", Self.salesQuery).content
            try await Self.expectWriteWorks(server)
            // The original SIGBUS: a write to the mapped -shm index of an immutable file. No such
            // file exists any more while serving.
            #expect(!FileManager.default.fileExists(atPath: database + "-shm"))
            try await shell(["chattr", "+i", database], in: dir)
            do {
                try await Self.expectUnhealthy(server, "immutable")
                try await Self.expectWriteRefused(server)
                // The failed commit left a hot journal that only a write to the file can roll back:
                // until then reads fail too, clearly.
                let during = try await server.call("get_sales", Self.salesQuery)
                #expect(during.content == before || during.errorCode == "MCP_UNAVAILABLE", "\(during.content.line)")
                Self.expectProductTerms(during.errorMessage)
            }
            try await shell(["chattr", "-i", database], in: dir)
            #expect(await server.isRunning())
            try await Self.expectRecovered(server)
            try await Self.expectWriteWorks(server)
            let after = try await server.call("get_sales", Self.salesQuery).content
            #expect(after == before, "\(after.line)\n\(before.line)")
            await server.stop()
        }
    }

    @Test("a file left in WAL mode with an immutable -shm index: the server starts, converts it and serves",
          .enabled(if: Privileges.isRoot, Comment(rawValue: Privileges.rootReason)))
    func immutableIndexOfAWALFile() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await demoDatabase(in: dir)
            // Another program leaves the file in WAL mode, its log and index behind (killed).
            let left = try await shell(["python3", "-c", """
                import os, sqlite3
                db = sqlite3.connect("\(database)", isolation_level=None)
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("UPDATE categories SET description = description")
                os._exit(0)
                """], in: dir)
            try #require(left.exit.termination == .exited(0), "\(left.stderr)")
            try #require(FileManager.default.fileExists(atPath: database + "-shm"))
            try await shell(["chattr", "+i", database + "-shm"], in: dir)
            defer { _ = Glibc.system("chattr -i '\(database)-shm'") }
            let server = try await FaultServer(in: dir, database: database)
            #expect(try await server.call("get_sales", Self.salesQuery).isError == false)
            try await Self.expectWriteWorks(server)
            #expect(await server.isRunning())
            await server.stop()
        }
    }

    @Test("a full volume: writes fail with MCP_UNAVAILABLE, status says the volume is full, writes work once there is room",
          .enabled(if: Privileges.isRoot, Comment(rawValue: Privileges.rootReason)))
    func fullVolume() async throws {
        try await withTemporaryDirectory { dir in
            let volume = dir + "/volume"
            try FileManager.default.createDirectory(atPath: volume, withIntermediateDirectories: true)
            try #require(try await shell(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", volume], in: dir).exit.termination == .exited(0))
            defer { _ = Glibc.system("umount -l '\(volume)'") }
            let database = try await demoDatabase(in: volume)
            let server = try await FaultServer(in: dir, database: database)
            let before = try await server.call("get_sales", Self.salesQuery).content
            // Fill what is left (dd fails when the volume is full: that is the point).
            try await shell(["dd", "if=/dev/zero", "of=" + volume + "/filler", "bs=64k"], in: dir)
            try await Self.expectUnhealthy(server, "full")
            try await Self.expectWriteRefused(server)
            #expect(try await server.call("get_sales", Self.salesQuery).content == before)
            try FileManager.default.removeItem(atPath: volume + "/filler")
            try await Self.expectRecovered(server)
            try await Self.expectWriteWorks(server)
            #expect(try await server.call("get_sales", Self.salesQuery).content == before)
            await server.stop()
        }
    }

    @Test("a read-only volume: reads are served, writes fail with MCP_UNAVAILABLE, status says why, writes work after a read-write remount",
          .enabled(if: Privileges.isRoot, Comment(rawValue: Privileges.rootReason)))
    func readOnlyVolume() async throws {
        try await withTemporaryDirectory { dir in
            let source = dir + "/source", mounted = dir + "/mounted"
            for folder in [source, mounted] { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            let database = try await demoDatabase(in: source)
            try #require(try await shell(["mount", "--bind", source, mounted], in: dir).exit.termination == .exited(0))
            defer { _ = Glibc.system("umount -l '\(mounted)'") }
            let served = mounted + "/store.sqlite"
            let server = try await FaultServer(in: dir, database: served)
            let before = try await server.call("get_sales", Self.salesQuery).content
            // The kernel refuses to remount read-only under a file open for writing, so the volume
            // goes read-only between two servers, as after a restart on a volume the system
            // remounted read-only.
            await server.stop()
            try #require(try await shell(["mount", "-o", "remount,ro,bind", mounted], in: dir).exit.termination == .exited(0))
            _ = database
            let second = try await FaultServer(in: dir, database: served)
            try await Self.expectUnhealthy(second, "read-only")
            try await Self.expectWriteRefused(second)
            #expect(try await second.call("get_sales", Self.salesQuery).content == before)
            try #require(try await shell(["mount", "-o", "remount,rw,bind", mounted], in: dir).exit.termination == .exited(0))
            try await Self.expectRecovered(second)
            try await Self.expectWriteWorks(second)
            #expect(try await second.call("get_sales", Self.salesQuery).content == before)
            await second.stop()
        }
    }

    @Test("a deleted database: unhealthy with the reason, writes refused; restored at its path, it is reopened and kept")
    func deletedDatabase() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await demoDatabase(in: dir)
            let server = try await FaultServer(in: dir, database: database)
            let before = try await server.call("get_sales", Self.salesQuery).content
            try FileManager.default.copyItem(atPath: database, toPath: dir + "/backup.sqlite")
            try FileManager.default.removeItem(atPath: database)
            try await Self.expectUnhealthy(server, "deleted")
            try await Self.expectWriteRefused(server)
            try FileManager.default.copyItem(atPath: dir + "/backup.sqlite", toPath: database)
            try await Self.expectRecovered(server)
            let run = try await server.runSalesSuite()
            #expect(run.content["status"] == "completed", "\(run.content.line)")
            #expect(try await server.call("get_sales", Self.salesQuery).content == before)
            await server.stop()
            // What was recorded after the restore is in the file at the path, so a restart sees it.
            let restarted = try await FaultServer(in: dir, database: database)
            let again = try await restarted.call("get_test_result", ["execution_id": run.content["execution_id"] ?? .null])
            #expect(again.content["status"] == "completed", "\(again.content.line)")
            await restarted.stop()
        }
    }

    @Test("a damaged items page: get_inventory fails with MCP_UNAVAILABLE, then answers once the bytes are restored, with no write")
    func damagedItemsPageRepaired() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await demoDatabase(in: dir)
            let (root, pageSize) = try await Self.rootPage(of: "items", in: database)
            let offset = UInt64((root - 1) * pageSize)
            let original = try readBytes(database, at: offset, count: Int(pageSize))
            let server = try await FaultServer(in: dir, database: database)
            try writeBytes(database, Data(repeating: 0xA5, count: Int(pageSize)), at: offset)
            let failed = try await server.call("get_inventory", ["limit": 5])
            #expect(failed.isError && failed.errorCode == "MCP_UNAVAILABLE", "\(failed.content.line)")
            #expect(failed.errorMessage.contains("damaged"), "\(failed.errorMessage)")
            Self.expectProductTerms(failed.errorMessage)
            try writeBytes(database, original, at: offset)
            let repaired = try await server.call("get_inventory", ["limit": 5])
            #expect(!repaired.isError && repaired.content["items"]?.arrayValue?.count == 5, "\(repaired.content.line)")
            await server.stop()
        }
    }

    @Test("a damaged header page: every call fails clearly, status says the file is unusable, all is back once it is restored")
    func damagedHeaderPage() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await demoDatabase(in: dir)
            let server = try await FaultServer(in: dir, database: database)
            let before = try await server.call("get_sales", Self.salesQuery).content
            let header = try readBytes(database, at: 0, count: 100)
            try writeBytes(database, Data(repeating: 0x5A, count: 100), at: 0)
            let failed = try await server.call("get_sales", ["limit": 3, "charge_code": "NONE"])
            #expect(failed.isError && failed.errorCode == "MCP_UNAVAILABLE", "\(failed.content.line)")
            Self.expectProductTerms(failed.errorMessage)
            try await Self.expectUnhealthy(server, "database")
            try writeBytes(database, header, at: 0)
            try await Self.expectRecovered(server)
            #expect(try await server.call("get_sales", Self.salesQuery).content == before)
            try await Self.expectWriteWorks(server)
            await server.stop()
        }
    }

    @Test("BEGIN EXCLUSIVE held by another process: calls fail with MCP_UNAVAILABLE after the busy timeout, then recover")
    func exclusiveLockOfAnotherProcess() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await demoDatabase(in: dir)
            let server = try await FaultServer(in: dir, database: database)
            let before = try await server.call("get_sales", Self.salesQuery).content
            let holder = try Subprocess("python3", ["-c", """
                import sqlite3, sys
                db = sqlite3.connect("\(database)", isolation_level=None)
                db.execute("BEGIN EXCLUSIVE")
                print("held", flush=True)
                sys.stdin.read()
                db.execute("COMMIT")
                """], environment: childEnvironment(dir))
            let held = await holder.stdout?.wait(within: .seconds(30)) { String(decoding: $0, as: UTF8.self).contains("held") } ?? false
            try #require(held, "\(String(decoding: holder.stderr.bytes, as: UTF8.self))")
            let locked = try await server.call("get_sales", ["limit": 3, "charge_code": "LOCKED"])
            #expect(locked.isError && locked.errorCode == "MCP_UNAVAILABLE", "\(locked.content.line)")
            #expect(locked.errorMessage.contains("locked"), "\(locked.errorMessage)")
            Self.expectProductTerms(locked.errorMessage)
            try await Self.expectUnhealthy(server, "locked")
            holder.closeInput()
            #expect(await holder.waitForExit(within: .seconds(30))?.termination == .exited(0))
            try await Self.expectRecovered(server)
            #expect(try await server.call("get_sales", Self.salesQuery).content == before)
            try await Self.expectWriteWorks(server)
            await server.stop()
        }
    }

    @Test("an import killed with SIGKILL while the server serves: the server answers the previous data and writes again; the next import works")
    func importKilledWhileServing() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await demoDatabase(in: dir)
            let server = try await FaultServer(in: dir, database: database)
            let before = try await server.call("get_sales", Self.salesQuery).content
            var big = #"{"items": [{"sku": "BIG-1", "name": "Big", "category": "Tools", "price": 1}], "sales": ["#
            for index in 0..<120_000 {
                if index > 0 { big += "," }
                big += #"{"sale_id": "BIG-\#(index)", "charge_code": "DEPT001", "timestamp": "2025-07-01T10:00:00Z", "#
                    + #""lines": [{"sku": "BIG-1", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}]}"#
            }
            big += "]}"
            try Data(big.utf8).write(to: URL(fileURLWithPath: dir + "/big.json"))
            let importer = try Subprocess(Paths.server, ["import", dir + "/big.json", "--database", database],
                                          environment: childEnvironment(dir))
            let writing = await importer.stderr.wait(within: .seconds(120)) { $0.firstRange(of: Array("sales written".utf8)) != nil }
            importer.signal(SIGKILL)
            #expect(await importer.waitForExit(within: .seconds(30))?.termination == .signaled(SIGKILL))
            #expect(writing, "the import never reported writing: \(String(decoding: importer.stderr.bytes, as: UTF8.self))")
            #expect(try await server.call("get_sales", Self.salesQuery).content == before)
            try await Self.expectRecovered(server)
            try await Self.expectWriteWorks(server)
            let search = try await server.call("get_inventory", ["search": "BIG-1"])
            #expect(search.content["items"]?.arrayValue?.isEmpty == true, "\(search.content.line)")
            // The next import, after the killed one, goes through.
            let small = #"{"items": [{"sku": "SMALL-1", "name": "Small", "category": "Tools", "price": 1}], "sales": []}"#
            try Data(small.utf8).write(to: URL(fileURLWithPath: dir + "/small.json"))
            let next = try await runCommand(in: dir, ["import", dir + "/small.json", "--database", database])
            #expect(next.exit.termination == .exited(0), "\(next.stderr)")
            let imported = try await server.call("get_inventory", ["search": "SMALL-1"])
            #expect(imported.content["items"]?.arrayValue?.count == 1, "\(imported.content.line)")
            await server.stop()
        }
    }

    /// The root page number and the page size of `table`, read as another process would.
    static func rootPage(of table: String, in database: String) async throws -> (Int64, Int64) {
        let db = try SQLiteConnection(path: database, readOnly: true)
        let root = try #require(try await db.query("SELECT rootpage FROM sqlite_schema WHERE name = ?", [.text(table)]).first?.first?.intValue)
        let size = try #require(try await db.query("PRAGMA page_size").first?.first?.intValue)
        return (root, size)
    }
}
