import Foundation
import MCP
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

// Child processes for the end-to-end tests: posix_spawn with close-on-exec pipes (tests run in
// parallel, so a pipe end leaked into another test's child would keep a stream open), every
// blocking read and write on a dedicated POSIX thread (never on the cooperative pool), and exit
// status and CPU time collected with a non-blocking wait4.

/// Starts a detached POSIX thread running `body` (MCP's `PosixThread`).
func startThread(_ body: @escaping @Sendable () -> Void) {
    PosixThread(body).start()
}

/// Runs blocking work on a thread of its own and awaits its result, so a blocked `read`, `write`
/// or `flock` never occupies a thread of Swift's cooperative pool (two threads on a 2-core machine).
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        startThread { continuation.resume(returning: body()) }
    }
}

/// Checks `condition` every few milliseconds until it holds or `timeout` passes.
func eventually(within timeout: Duration, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if condition() { return true }
        if ContinuousClock.now >= deadline || Task.isCancelled { return false }
        try? await Task.sleep(for: .milliseconds(5))
    }
}

/// The test process must survive writing to a child that has gone away.
private let brokenPipesIgnored: Bool = {
    signal(SIGPIPE, SIG_IGN)
    return true
}()

/// Everything a child process wrote to one stream, read to its end by a dedicated thread.
final class OutputCollector: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var finished = false
    }

    private let state = Mutex(State())

    /// Starts reading `descriptor` (which this collector then owns and closes at end of stream)
    /// in bites of `chunk` bytes, pausing `pauseMicroseconds` after each: a slow reader.
    init(descriptor: Int32, chunk: Int = 65536, pauseMicroseconds: UInt32 = 0) {
        startThread { [self] in
            var buffer = [UInt8](repeating: 0, count: chunk)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    state.withLock { $0.bytes.append(contentsOf: buffer[0..<count]) }
                    if pauseMicroseconds > 0 { usleep(pauseMicroseconds) }
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(descriptor)
            state.withLock { $0.finished = true }
        }
    }

    /// What has been read so far.
    var bytes: [UInt8] { state.withLock { $0.bytes } }
    /// Whether the stream has ended (every writer closed it).
    var isFinished: Bool { state.withLock { $0.finished } }

    /// Everything, once the stream has ended; nil if it has not ended within `timeout`.
    func all(within timeout: Duration) async -> [UInt8]? {
        await eventually(within: timeout) { isFinished } ? bytes : nil
    }

    /// Waits until `condition` holds for the bytes read so far (true); false once the stream has
    /// ended without it (it can no longer come to hold) or `timeout` has passed.
    func wait(within timeout: Duration, until condition: ([UInt8]) -> Bool) async -> Bool {
        var held = false
        _ = await eventually(within: timeout) {
            state.withLock { state in
                held = condition(state.bytes)
                return held || state.finished
            }
        }
        return held
    }
}

/// How a child ended.
enum Termination: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    /// The status a shell would report: the exit status itself, or 128 + the signal number, so a
    /// child killed by a signal never passes for one that exited 0, 1 or 2.
    var status: Int32 {
        switch self {
        case .exited(let status): return status
        case .signaled(let signal): return 128 + signal
        }
    }

    var description: String {
        switch self {
        case .exited(let status): return "exit status \(status)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }
}

/// A child's end: how, and the CPU time it used (user + system, seconds).
struct ProcessExit: Equatable {
    let termination: Termination
    let cpuSeconds: Double
}

struct SpawnError: Error, CustomStringConvertible {
    let description: String
}

/// One child process with its stdin, stdout and stderr connected to this process.
final class Subprocess: Sendable {
    /// What becomes of the child's stdout.
    enum Output {
        /// Read to its end, in bites of `chunk` bytes with a pause after each.
        case collect(chunk: Int = 65536, pauseMicroseconds: UInt32 = 0)
        /// The read end is closed right after the spawn: every write the child makes fails (EPIPE).
        case closed
    }

    private static let spawnLock = NSLock()

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which Swift does not import
    /// (it is declared only under _GNU_SOURCE); nil where the C library lacks it.
    private static var addCloseFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32)? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32).self)
    }

    let pid: pid_t
    let executable: String
    /// The child's stdout; nil when it was spawned with ``Output/closed``.
    let stdout: OutputCollector?
    let stderr: OutputCollector
    private let input: Mutex<Int32>
    private let exit = Mutex<ProcessExit?>(nil)

    /// Spawns `executable` (looked up on `PATH` when it has no slash) with exactly `environment`.
    init(_ executable: String, _ arguments: [String], environment: [String: String],
         stdout output: Output = .collect()) throws(SpawnError) {
        _ = brokenPipesIgnored
        // Pipes are made and the child spawned under one lock: glibc here has no pipe2, so the
        // ends are marked close-on-exec just after `pipe`, and no other spawn may come between.
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        let stdinPipe = try Self.makePipe()
        let stdoutPipe = try Self.makePipe()
        let stderrPipe = try Self.makePipe()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdinPipe.read, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe.write, 2)
        // Other suites of this test process make pipes without close-on-exec (in-process
        // transports): a child must not hold their ends open, or they would never see EOF or EPIPE.
        if let closeFrom = Self.addCloseFrom { _ = closeFrom(&actions, 3) }

        // Default dispositions and an empty signal mask, whatever this thread of the test runner
        // has: the server must meet SIGPIPE, SIGTERM and SIGINT as a real client would send them.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, number)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = executable.contains("/")
            ? posix_spawn(&child, executable, &actions, &attributes, argv, envp)
            : posix_spawnp(&child, executable, &actions, &attributes, argv, envp)
        close(stdinPipe.read)
        close(stdoutPipe.write)
        close(stderrPipe.write)
        guard result == 0 else {
            close(stdinPipe.write)
            close(stdoutPipe.read)
            close(stderrPipe.read)
            throw SpawnError(description: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
        self.executable = executable
        input = Mutex(stdinPipe.write)
        switch output {
        case .collect(let chunk, let pause):
            stdout = OutputCollector(descriptor: stdoutPipe.read, chunk: chunk, pauseMicroseconds: pause)
        case .closed:
            close(stdoutPipe.read)
            stdout = nil
        }
        stderr = OutputCollector(descriptor: stderrPipe.read)
    }

    deinit {
        // A test that failed half-way must not leave a process behind.
        if exit.withLock({ $0 == nil }) {
            Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        }
        closeInput()
    }

    /// A pipe whose two ends are close-on-exec and above the standard descriptors. Called with
    /// ``spawnLock`` held, so no other spawn of this process sees the ends before they are marked.
    private static func makePipe() throws(SpawnError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))")
        }
        func marked(_ descriptor: Int32) -> Int32 {
            guard descriptor < 3 else {
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
                return descriptor
            }
            let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 3)
            close(descriptor)
            return copy
        }
        return (marked(ends[0]), marked(ends[1]))
    }

    /// Writes `bytes` to the child's stdin on a thread of its own, then closes stdin if `close`
    /// is true. Returns false when the child stopped reading first (EPIPE) or stdin was closed.
    @discardableResult
    func send(_ bytes: [UInt8], close closing: Bool = false) async -> Bool {
        await onThread { [self] in
            let descriptor = input.withLock { $0 }
            var written = descriptor >= 0
            if written {
                written = bytes.withUnsafeBytes { raw in
                    var offset = 0
                    while offset < raw.count {
                        let count = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                        if count > 0 {
                            offset += count
                        } else if count < 0, errno == EINTR {
                            continue
                        } else {
                            return false
                        }
                    }
                    return true
                }
            }
            if closing { closeInput() }
            return written
        }
    }

    @discardableResult
    func send(_ text: String, close closing: Bool = false) async -> Bool {
        await send(Array(text.utf8), close: closing)
    }

    /// Closes the child's stdin (end of input). Harmless when already closed.
    func closeInput() {
        let descriptor = input.withLock { descriptor -> Int32 in
            defer { descriptor = -1 }
            return descriptor
        }
        if descriptor >= 0 { close(descriptor) }
    }

    /// Sends `signalNumber` to the child, unless it has already been reaped.
    func signal(_ signalNumber: Int32) {
        exit.withLock { reaped in
            if reaped == nil { _ = Glibc.kill(pid, signalNumber) }
        }
    }

    /// The child's end, waiting at most `timeout` for it; nil if it is still running then.
    func waitForExit(within timeout: Duration) async -> ProcessExit? {
        var result: ProcessExit?
        _ = await eventually(within: timeout) {
            result = reap()
            return result != nil
        }
        return result
    }

    /// Kills the child (SIGKILL) and reaps it.
    func kill() async {
        signal(SIGKILL)
        _ = await waitForExit(within: .seconds(30))
    }

    /// A non-blocking wait4: the child's end if it has ended, else nil.
    private func reap() -> ProcessExit? {
        exit.withLock { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            var usage = rusage()
            let result = wait4(pid, &status, WNOHANG, &usage)
            guard result == pid else { return nil }
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as functions.
            let termination: Termination = status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signaled(status & 0x7F)
            func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
            reaped = ProcessExit(termination: termination, cpuSeconds: seconds(usage.ru_utime) + seconds(usage.ru_stime))
            return reaped
        }
    }
}

/// What a finished child wrote and how it ended.
struct Completed {
    let exit: ProcessExit
    let stdout: [UInt8]
    let stderr: String

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

enum SubprocessFailure: Error, CustomStringConvertible {
    case timedOut(String, Duration, stdout: String, stderr: String)

    var description: String {
        switch self {
        case .timedOut(let what, let timeout, let stdout, let stderr):
            return "\(what) did not finish within \(timeout) (killed).\n--- stdout (tail) ---\n\(stdout.suffix(4000))\n"
                + "--- stderr (tail) ---\n\(stderr.suffix(4000))"
        }
    }
}

extension Subprocess {
    /// Waits for the child to end and for both its streams to close. On timeout the child is
    /// killed and `SubprocessFailure.timedOut` thrown with what it wrote.
    func finish(within timeout: Duration) async throws -> Completed {
        guard let exit = await waitForExit(within: timeout) else {
            await kill()
            let out = String(decoding: stdout?.bytes ?? [], as: UTF8.self)
            throw SubprocessFailure.timedOut(executable, timeout, stdout: out, stderr: String(decoding: stderr.bytes, as: UTF8.self))
        }
        closeInput()
        // The streams close when the child ends, unless a grandchild inherited them.
        let out = await stdout?.all(within: .seconds(30)) ?? stdout?.bytes ?? []
        let err = await stderr.all(within: .seconds(30)) ?? stderr.bytes
        return Completed(exit: exit, stdout: out, stderr: String(decoding: err, as: UTF8.self))
    }

    /// Runs a command to its end with `input` on its stdin.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                    input: [UInt8] = [], timeout: Duration = .seconds(60)) async throws -> Completed {
        let process = try Subprocess(executable, arguments, environment: environment)
        await process.send(input, close: true)
        return try await process.finish(within: timeout)
    }
}
