import Foundation
import JSONRPC
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Faults of the server's own process and of the processes around it, through the real binary:
/// the server killed while a suite runs, a database file no one may open, a client that never
/// reads the answers.
@Suite("Process faults", .serialized)
struct ProcessFaultTests {
    @Test("a server killed with SIGKILL mid-suite: the next server kills the suite's process group, marks the run interrupted and runs again")
    func suiteOfAKilledServerIsStoppedAtTheNextStart() async throws {
        try await withTemporaryDirectory { dir in
            let database = try await demoDatabase(in: dir)
            // A suite that starts a grandchild and waits: both must go when its server dies.
            let script = dir + "/long-suite.sh"
            try "#!/bin/sh\nsleep 300 &\necho $$ > \(dir)/leader.pid\nwait\n".write(toFile: script, atomically: true, encoding: .utf8)
            chmod(script, 0o755)
            let config: JSONValue = ["test_suites": ["e2e": ["command": [.string(script)], "timeout_ms": 600_000]]]
            try JSONWriter.string(config).write(toFile: dir + "/config.json", atomically: true, encoding: .utf8)
            let first = try await FaultServer(in: dir, database: database, arguments: ["--config", dir + "/config.json"])
            let started = try await first.call("run_tests", ["test_type": "e2e"])
            let id = try #require(started.content["execution_id"], "\(started.content.line)")
            let leader = try #require(await Self.leaderPID(in: dir), "the suite never wrote its pid")
            // Its record (the group with its start time) is written before the run is waited for.
            try #require(Self.livingMembers(ofGroup: leader).count >= 2, "the suite and its grandchild run")
            first.process.signal(SIGKILL)
            #expect(await first.process.waitForExit(within: .seconds(30))?.termination == .signaled(SIGKILL))
            // The fault: nothing stopped the suite with its server.
            #expect(!Self.livingMembers(ofGroup: leader).isEmpty)

            let second = try await FaultServer(in: dir, database: database, arguments: ["--config", dir + "/config.json"])
            #expect(Self.livingMembers(ofGroup: leader).isEmpty, "the old suite's group outlived the restart")
            let old = try await second.call("get_test_result", ["execution_id": id])
            #expect(old.content["status"] == "interrupted", "\(old.content.line)")
            #expect(old.content["reason"]?.stringValue?.contains("killed") == true, "\(old.content.line)")
            let again = try await second.call("run_tests", ["test_type": "e2e"])
            #expect(!again.isError && again.content["status"] == "running", "\(again.content.line)")
            // A graceful stop ends the new run with its group and records it interrupted.
            await second.stop()
        }
    }

    @Test("chmod 000 on the database under an unprivileged server: status says permission denied, reads go on from open files, all is back after chmod 644",
          .enabled(if: Privileges.isRoot, "runs the server as nobody with setpriv, which needs root; chmod 000 does not stop root itself"))
    func unreadableDatabaseFile() async throws {
        try await withTemporaryDirectory { dir in
            // The server runs as nobody, since root ignores file modes: its folder and file are
            // nobody's, in a folder nobody can reach.
            chmod(dir, 0o755)
            let folder = dir + "/nobody"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let database = try await demoDatabase(in: folder)
            try await shell(["chown", "-R", "nobody:nogroup", folder], in: dir)
            let server = try await FaultServer(in: folder, database: database,
                                               prefix: ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"])
            let before = try await server.call("get_sales", StoreFaultTests.salesQuery).content
            try await StoreFaultTests.expectRecovered(server)
            chmod(database, 0)
            try await StoreFaultTests.expectUnhealthy(server, "permission denied")
            #expect(try await server.call("get_sales", StoreFaultTests.salesQuery).content == before)
            #expect(await server.isRunning())
            chmod(database, 0o644)
            try await StoreFaultTests.expectRecovered(server)
            try await StoreFaultTests.expectWriteWorks(server)
            #expect(try await server.call("get_sales", StoreFaultTests.salesQuery).content == before)
            await server.stop()
        }
    }

    @Test("a client that never reads its answers: the server stops reading requests instead of holding answers, so its memory stays bounded")
    func stalledReaderKeepsMemoryBounded() async throws {
        try await withTemporaryDirectory { dir in
            _ = try await demoDatabase(in: dir)
            // Reads one byte, then never again (the pause outlasts the test).
            let server = try startServer(in: dir, stdout: .collect(chunk: 1, pauseMicroseconds: .max))
            // 20,000 tools/list answers are over 100 MiB; requests are about 50 bytes each.
            var lines = [initializeRequest(0, version: "2025-06-18").line, initializedNotification.line]
            lines += (1...20_000).map { request(.integer(Int64($0)), "tools/list").line }
            let writer = Task { await server.send(lines.joined(separator: "\n") + "\n") }
            var largest = 0
            for _ in 0..<20 {
                try await Task.sleep(for: .milliseconds(500))
                largest = max(largest, Self.residentKiB(of: server.pid) ?? 0)
            }
            #expect(largest > 0 && largest < 96 * 1024, "resident \(largest) KiB while its answers went unread")
            #expect(await server.waitForExit(within: .zero) == nil, "the server died with its reader stalled")
            await server.kill()
            _ = await writer.value
        }
    }

    /// The pid the suite script wrote, once it has.
    static func leaderPID(in dir: String) async -> pid_t? {
        for _ in 0..<600 {
            if let text = try? String(contentsOfFile: dir + "/leader.pid", encoding: .utf8),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return pid }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// Processes in group `group` that are running (not zombies waiting to be reaped).
    static func livingMembers(ofGroup group: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return false }
            let text = String(decoding: data, as: UTF8.self)
            guard let close = text.lastIndex(of: ")") else { return false }
            let fields = text[text.index(after: close)...].split(separator: " ")
            return fields.count > 2 && fields[0] != "Z" && pid_t(fields[2]) == group
        }
    }

    /// VmRSS of `pid` in KiB.
    static func residentKiB(of pid: pid_t) -> Int? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/status") else { return nil }
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
        return line.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") }
    }
}
