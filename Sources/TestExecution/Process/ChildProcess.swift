import Dispatch
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One run of a configured test command, in its own process group.
///
/// Guarantees: the command gets `/dev/null` as stdin and a pipe as stdout and stderr (never the
/// server's stdout, which carries the protocol); it runs with default signal dispositions and an
/// empty signal mask whatever the server ignores; its output goes to an ``OutputCapture`` (bounded
/// memory); at the timeout, on cancellation, and when the command itself exits, the whole process
/// group gets `SIGTERM` then, after ``terminationGrace``, `SIGKILL` — so children and grandchildren
/// do not outlive the run; a process that leaves the group and keeps the output pipe open delays the
/// end by at most ``outputDrainLimit``; the blocking `poll`/`read` and `waitpid` run on two dedicated
/// threads, never on Swift's cooperative pool.
public enum ChildProcess {
    /// Time between `SIGTERM` and `SIGKILL` when a run is stopped.
    public static let terminationGrace: Duration = .seconds(2)
    /// Extra attempts when the program is momentarily busy (`ETXTBSY`), and the wait between them.
    static let textBusyRetries = 10
    static let textBusyDelayMicroseconds: UInt32 = 20_000
    /// How long output may keep coming after the command's group is gone, from processes that left
    /// the group (`setsid`) but hold the pipe; reading stops then.
    public static let outputDrainLimit: Duration = .seconds(2)
    /// Longest single wait for output before checking whether to stop reading.
    static let pollMilliseconds: Int32 = 200
    /// Bytes read from the pipe at once.
    static let readChunk = 64 << 10

    /// What to run.
    public struct Command: Sendable {
        /// Program and arguments; the program is looked up in `PATH` unless it contains a `/`
        /// (a relative path is relative to `workingDirectory`).
        public var arguments: [String]
        /// Where it starts; nil for the server's working directory.
        public var workingDirectory: String?
        /// The complete environment of the command.
        public var environment: [String: String]
        /// Time before its process group is sent `SIGTERM`, then `SIGKILL`.
        public var timeout: Duration

        /// A command as given.
        public init(arguments: [String], workingDirectory: String?, environment: [String: String], timeout: Duration) {
            self.arguments = arguments
            self.workingDirectory = workingDirectory
            self.environment = environment
            self.timeout = timeout
        }
    }

    /// How a run ended.
    public struct Outcome: Sendable, Equatable {
        /// Exit status, when the command exited.
        public var exitStatus: Int32?
        /// The signal that ended it, when one did.
        public var signal: Int32?
        /// Whether the timeout ended it.
        public var timedOut: Bool
        /// Whether the task's cancellation ended it.
        public var cancelled: Bool
        /// Whether the output pipe was still open ``outputDrainLimit`` after the group was killed
        /// (held by a process that left the group), so reading stopped there.
        public var outputLeftOpen: Bool
        /// The process id it had (its process group's id too).
        public var pid: pid_t

        /// "exited with status 3", "killed by signal 9".
        public var summary: String {
            if let exitStatus { return "exited with status \(exitStatus)" }
            return "killed by signal \(signal ?? 0)"
        }
    }

    /// The command could not be started (not found, not executable, bad working directory).
    public struct SpawnError: Error, Sendable, CustomStringConvertible {
        /// Why, with the system's error text.
        public let description: String
    }

    /// Runs `command` to its end (or its timeout, or the task's cancellation), capturing its
    /// output into `capture`. `started` is called with the pid (the group's id too) as soon as the
    /// process exists and its output is being read; the run is waited for once it returns, so what
    /// it records about the group is recorded before the run can end.
    public static func run(_ command: Command, capture: OutputCapture,
                           started: @Sendable (pid_t) async -> Void = { _ in }) async throws(SpawnError) -> Outcome {
        let (pid, readEnd) = try spawn(command)
        let flags = Flags()
        let readerDone = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: readChunk)
            var ready = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            while !flags.abandonOutput.load(ordering: .sequentiallyConsistent) {
                // poll first, so a pipe held open by a process that left the group cannot block us forever.
                let polled = poll(&ready, 1, pollMilliseconds)
                if polled < 0, errno == EINTR { continue }
                guard polled != 0 else { continue }
                let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR || errno == EAGAIN { continue }
                guard count > 0 else { break }
                capture.append(buffer[0..<count])
            }
            close(readEnd)
            readerDone.signal()
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + dispatchInterval(command.timeout)) {
            guard !flags.exited.load(ordering: .sequentiallyConsistent) else { return }
            flags.timedOut.store(true, ordering: .sequentiallyConsistent)
            stop(pid, flags)
        }
        await started(pid)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome, Never>) in
                Thread.detachNewThread {
                    var status: Int32 = 0
                    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
                    flags.exited.store(true, ordering: .sequentiallyConsistent)
                    // The leader is gone; whatever it left in its group goes too, so the pipe closes.
                    kill(-pid, SIGKILL)
                    // A process that left the group (setsid) may still hold the pipe: stop reading after a while.
                    var outputLeftOpen = false
                    if readerDone.wait(timeout: .now() + dispatchInterval(outputDrainLimit)) == .timedOut {
                        outputLeftOpen = true
                        flags.abandonOutput.store(true, ordering: .sequentiallyConsistent)
                        readerDone.wait()
                    }
                    let signalled = status & 0x7f
                    continuation.resume(returning: Outcome(
                        exitStatus: signalled == 0 ? (status >> 8) & 0xff : nil,
                        signal: signalled == 0 ? nil : signalled,
                        timedOut: flags.timedOut.load(ordering: .sequentiallyConsistent),
                        cancelled: flags.cancelled.load(ordering: .sequentiallyConsistent),
                        outputLeftOpen: outputLeftOpen, pid: pid))
                }
            }
        } onCancel: {
            flags.cancelled.store(true, ordering: .sequentiallyConsistent)
            stop(pid, flags)
        }
    }

    private final class Flags: Sendable {
        let timedOut = Atomic(false)
        let cancelled = Atomic(false)
        let exited = Atomic(false)
        let abandonOutput = Atomic(false)
    }

    /// `SIGTERM` to the group now, `SIGKILL` after the grace period unless the leader has exited
    /// (its exit kills the rest of the group at once).
    private static func stop(_ pid: pid_t, _ flags: Flags) {
        guard !flags.exited.load(ordering: .sequentiallyConsistent) else { return }
        kill(-pid, SIGTERM)
        DispatchQueue.global().asyncAfter(deadline: .now() + dispatchInterval(terminationGrace)) {
            if !flags.exited.load(ordering: .sequentiallyConsistent) { kill(-pid, SIGKILL) }
        }
    }

    private static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        return .milliseconds(Int(min(seconds, Int64(Int32.max))) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    /// Starts the process in a new process group; returns its pid and the read end of its output pipe.
    private static func spawn(_ command: Command) throws(SpawnError) -> (pid_t, Int32) {
        guard let program = command.arguments.first, !program.isEmpty else {
            throw SpawnError(description: "the command is empty")
        }
        // pipe + FD_CLOEXEC is not atomic (Glibc's module does not export pipe2): spawns are
        // serialised so no other child inherits the write end and holds our pipe open.
        return try spawnLock.withLock { _ throws(SpawnError) in try spawnLocked(command, program: program) }
    }

    private static let spawnLock = Mutex(())

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29+), looked up at run time because the
    /// Glibc module does not export it.
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addChdir: AddChdir? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: AddChdir.self) }

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34+): the command gets descriptors 0–2
    /// only, even ones the server's libraries opened without close-on-exec.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }

    private static func spawnLocked(_ command: Command, program: String) throws(SpawnError) -> (pid_t, Int32) {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            throw SpawnError(description: "cannot create a pipe: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
        if let addCloseFrom { _ = addCloseFrom(&actions, 3) }
        if let directory = command.workingDirectory {
            guard let addChdir else {
                close(pipeEnds[0])
                close(pipeEnds[1])
                throw SpawnError(description: "this C library cannot set a working directory for a command")
            }
            _ = addChdir(&actions, directory)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        var noSignal = sigset_t()
        sigemptyset(&noSignal)
        posix_spawnattr_setsigmask(&attributes, &noSignal)

        let argv = command.arguments.map { strdup($0) } + [nil]
        let envp = command.environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        var result = posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        // ETXTBSY: a script just written may still be open for writing in a child another thread
        // forked at that moment, until that child execs; it clears within milliseconds.
        for _ in 0..<textBusyRetries where result == ETXTBSY {
            usleep(textBusyDelayMicroseconds)
            result = posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
        }
        close(pipeEnds[1])
        guard result == 0 else {
            close(pipeEnds[0])
            let place = command.workingDirectory.map { " in \($0)" } ?? ""
            throw SpawnError(description: "cannot run \(program)\(place): \(String(cString: strerror(result)))")
        }
        return (pid, pipeEnds[0])
    }
}
