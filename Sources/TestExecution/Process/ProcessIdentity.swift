import Foundation
import JSONRPC
#if canImport(Glibc)
import Glibc
#endif

/// A process named by its pid and its start time, so that a pid the kernel has since given to
/// another process is not taken for it. Read from `/proc` (Linux); elsewhere no identity is known.
struct ProcessIdentity: Sendable, Equatable {
    let pid: pid_t
    /// Clock ticks from boot to the process's start (`/proc/PID/stat`, field 22).
    let startTime: UInt64

    /// The process `pid` as it is now, or nil when there is none (or it is a zombie: it has ended
    /// and only waits to be reaped).
    static func of(_ pid: pid_t) -> ProcessIdentity? {
        guard pid > 0, let fields = statFields(of: pid), fields.state != "Z" else { return nil }
        return ProcessIdentity(pid: pid, startTime: fields.startTime)
    }

    /// Whether this very process is still running.
    var isRunning: Bool { Self.of(pid) == self }

    /// State, process group and start time of `pid`, from `/proc/PID/stat`.
    static func statFields(of pid: pid_t) -> (state: Character, group: pid_t, startTime: UInt64)? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), fields[2] field 5 (process group), fields[19] field 22 (start time).
        guard fields.count > 19, let state = fields[0].first, let group = pid_t(fields[2]),
              let start = UInt64(fields[19]) else { return nil }
        return (state, group, start)
    }
}

/// The process group a command suite ran in, as recorded with its execution: the group's id is the
/// pid of the command the server spawned, `leader` that command with its start time.
struct SuiteProcessGroup: Sendable, Equatable {
    let leader: ProcessIdentity

    /// The processes still running in the group that can be this run's: the leader if it is the
    /// recorded one, and members that started no earlier than it did. Empty when the leader's pid
    /// now names another process (the group was gone and the pid reused).
    func livingMembers() -> [pid_t] {
        let pgid = leader.pid
        if let current = ProcessIdentity.of(pgid), current != leader { return [] }
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard let fields = ProcessIdentity.statFields(of: pid) else { return false }
            return fields.group == pgid && fields.state != "Z" && fields.startTime >= leader.startTime
        }
    }

    /// Kills (`SIGKILL`) what is left of the group after the server that ran it died; returns
    /// whether anything was still running. A killed server's suite is not worth a grace period:
    /// its execution is already lost.
    func killOrphans() -> Bool {
        let members = livingMembers()
        guard !members.isEmpty else { return false }
        // The whole group if its leader is the recorded process (a pid cannot be reused while a
        // group of that id exists); otherwise the members found, one by one.
        if ProcessIdentity.of(leader.pid) == leader {
            kill(-leader.pid, SIGKILL)
        }
        for member in members { kill(member, SIGKILL) }
        return true
    }
}

/// Who runs an execution, as stored in its `results` while it is `running`: the server (pid and
/// start time) and, once the command is spawned, its process group. Rows written before start
/// times were recorded carry the server's pid alone.
struct ExecutionOwner: Sendable, Equatable {
    var runnerPID: pid_t
    var runnerStartTime: UInt64?
    var group: SuiteProcessGroup?

    /// This server, before any command is spawned.
    static func thisServer() -> ExecutionOwner {
        let pid = getpid()
        return ExecutionOwner(runnerPID: pid, runnerStartTime: ProcessIdentity.of(pid)?.startTime, group: nil)
    }

    /// The owner recorded in `results`, or nil when it names none.
    init?(results: String?) {
        guard let stored = results.flatMap({ try? JSONParser.parse($0) }),
              let pid = stored["runner_pid"]?.integerValue.flatMap(pid_t.init(exactly:)) else { return nil }
        runnerPID = pid
        runnerStartTime = stored["runner_started"]?.integerValue.flatMap(UInt64.init(exactly:))
        if let leader = stored["process_group"]?.integerValue.flatMap(pid_t.init(exactly:)),
           let started = stored["group_started"]?.integerValue.flatMap(UInt64.init(exactly:)) {
            group = SuiteProcessGroup(leader: ProcessIdentity(pid: leader, startTime: started))
        }
    }

    init(runnerPID: pid_t, runnerStartTime: UInt64?, group: SuiteProcessGroup?) {
        self.runnerPID = runnerPID
        self.runnerStartTime = runnerStartTime
        self.group = group
    }

    /// Whether the recorded server is another process that is still running (an owner recorded
    /// with a start time that no longer matches its pid is gone, its pid reused).
    var isAnotherLiveServer: Bool {
        if let runnerStartTime {
            guard ProcessIdentity.of(runnerPID)?.startTime == runnerStartTime else { return false }
            return runnerPID != getpid()
        }
        return runnerPID != getpid() && (kill(runnerPID, 0) == 0 || errno == EPERM)
    }

    /// The `results` JSON text that records this owner.
    var json: String {
        var object = JSONObject([("runner_pid", .integer(Int64(runnerPID)))])
        if let runnerStartTime { object.append("runner_started", .integer(Int64(clamping: runnerStartTime))) }
        if let group {
            object.append("process_group", .integer(Int64(group.leader.pid)))
            object.append("group_started", .integer(Int64(clamping: group.leader.startTime)))
        }
        return JSONWriter.string(.object(object))
    }
}
