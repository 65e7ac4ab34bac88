import Foundation
import Synchronization
import Testing
@testable import TestExecution
#if canImport(Glibc)
import Glibc
#endif

/// Child processes for real: group kill at the timeout, bounded capture, spawn failures.
@Suite struct TestRunnerProcessTests {
    func command(_ arguments: [String], directory: String? = nil, timeout: Duration = .seconds(30),
                 environment: [String: String] = ["PATH": "/usr/bin:/bin"]) -> ChildProcess.Command {
        ChildProcess.Command(arguments: arguments, workingDirectory: directory, environment: environment, timeout: timeout)
    }

    @Test func exitStatusEnvironmentWorkingDirectoryAndNullStdin() async throws {
        try await withProcessTestDirectory { directory in
            let capture = OutputCapture()
            let outcome = try await ChildProcess.run(
                command(["/bin/sh", "-c", "pwd; echo \"value=$FOO\"; cat; echo err >&2; exit 3"], directory: directory,
                        environment: ["PATH": "/usr/bin:/bin", "FOO": "bar baz"]),
                capture: capture)
            #expect(outcome.exitStatus == 3 && !outcome.timedOut)
            let lines = capture.tail.split(separator: "\n").map(String.init)
            #expect(lines == [URL(fileURLWithPath: directory).resolvingSymlinksInPath().path, "value=bar baz", "err"]
                    || lines == [directory, "value=bar baz", "err"])
        }
    }

    @Test func theCommandGetsOnlyItsThreeStandardDescriptors() async throws {
        // A descriptor of ours without close-on-exec must not leak into the command.
        let leaky = open("/dev/null", O_RDONLY)
        defer { close(leaky) }
        let capture = OutputCapture()
        #expect(leaky > 2)
        let check = "if [ -e /proc/$$/fd/\(leaky) ]; then echo leaked; else echo clean; fi; [ -e /proc/$$/fd/2 ] && echo has-2"
        _ = try await ChildProcess.run(command(["/bin/sh", "-c", check]), capture: capture)
        #expect(capture.tail == "clean\nhas-2\n")
    }

    @Test func timeoutKillsTheWholeGroupIncludingChildrenThatIgnoreSIGTERM() async throws {
        try await withProcessTestDirectory { directory in
            let script = """
                #!/bin/sh
                (trap '' TERM; exec sleep 300) &
                echo $! > "\(directory)/child.pid"
                echo $$ > "\(directory)/parent.pid"
                echo started
                wait
                """
            let path = try writeScript(script, named: "hang.sh", in: directory)
            let clock = ContinuousClock()
            let start = clock.now
            let outcome = try await ChildProcess.run(command([path], timeout: .milliseconds(800)), capture: OutputCapture())
            let elapsed = clock.now - start
            #expect(outcome.timedOut)
            #expect(outcome.signal == SIGTERM)
            #expect(elapsed < .seconds(60), "the child that ignores SIGTERM sleeps 300 s")
            let parent = try #require(pidFromFile("\(directory)/parent.pid"))
            let child = try #require(pidFromFile("\(directory)/child.pid"))
            #expect(parent == outcome.pid)
            // Killed processes may linger a moment as zombies until their parent reaps them.
            #expect(await eventuallyGone(parent))
            #expect(await eventuallyGone(child))
        }
    }

    @Test func aProcessThatLeftTheGroupCannotHoldTheRunOpen() async throws {
        try await withProcessTestDirectory { directory in
            // The escaped process writes its pid once it is in its own session: only then may the
            // command exit (before that, the group kill at the exit would still reach it).
            let pidFile = "\(directory)/escaped.pid"
            let script = "setsid sh -c 'echo $$ > \(pidFile).tmp; mv \(pidFile).tmp \(pidFile); exec sleep 30' &\n"
                + "while [ ! -s \(pidFile) ]; do sleep 0.01; done\necho bye\n"
            let clock = ContinuousClock()
            let start = clock.now
            let capture = OutputCapture()
            let outcome = try await ChildProcess.run(command(["/bin/sh", "-c", script]), capture: capture)
            if let escaped = pidFromFile(pidFile) { kill(escaped, SIGKILL) }
            #expect(outcome.exitStatus == 0 && outcome.outputLeftOpen)
            // The escaped process sleeps 30 s: ending well before that proves it did not hold the run
            // open, with room for a loaded machine.
            #expect(clock.now - start < .seconds(20))
            #expect(capture.tail == "bye\n")
        }
    }

    /// The capture holds at most its tail. The server's own peak memory under 1 GB of output is
    /// measured through the binary (`TestExecutionEndToEndTests`): here the test process runs
    /// every other suite in parallel, so its resident memory says nothing about the capture.
    @Test func aGigabyteOfOutputKeepsOnlyTheEnd() async throws {
        let capture = OutputCapture()
        let outcome = try await ChildProcess.run(
            command(["/bin/sh", "-c", "head -c 1000000000 /dev/zero; echo; echo THE END"]), capture: capture)
        #expect(outcome.exitStatus == 0)
        #expect(capture.totalBytes == 1_000_000_000 + 9)
        #expect(capture.tail.hasSuffix("\nTHE END\n"))
        #expect(capture.tail.utf8.count <= OutputCapture.tailLimit)
    }

    @Test func aFileThatIsNotExecutableIsASpawnError() async throws {
        try await withProcessTestDirectory { directory in
            let path = "\(directory)/plain.sh"
            try "#!/bin/sh\necho hi\n".write(toFile: path, atomically: true, encoding: .utf8)
            await #expect {
                _ = try await ChildProcess.run(command([path]), capture: OutputCapture())
            } throws: { error in
                "\(error)".contains("Permission denied") && "\(error)".contains(path)
            }
            await #expect(throws: ChildProcess.SpawnError.self) {
                _ = try await ChildProcess.run(command(["no-such-command-lustores"]), capture: OutputCapture())
            }
            await #expect(throws: ChildProcess.SpawnError.self) {
                _ = try await ChildProcess.run(command(["/bin/true"], directory: "\(directory)/missing"), capture: OutputCapture())
            }
        }
    }

    @Test func streamsTAPLinesAsTheyArrive() async throws {
        let seen = Mutex<[Int]>([])
        let capture = OutputCapture(lineFormat: .tap) { count in seen.withLock { $0.append(count) } }
        let outcome = try await ChildProcess.run(
            command(["/bin/sh", "-c", "echo 1..3; echo ok 1 - a; sleep 0.1; echo 'not ok 2 - b'; sleep 0.1; printf 'ok 3 - c'"]),
            capture: capture)
        #expect(outcome.exitStatus == 0)
        // Lines may arrive together on a loaded machine: counts only grow, and reach 2 before the end.
        let counts = seen.withLock { $0 }
        #expect(counts.last == 2 && counts == counts.sorted() && Set(counts).count == counts.count)
        let report = try #require(try capture.lineReport()?.get())
        #expect((report.total, report.passed, report.failed) == (3, 2, 1))
    }

    @Test func documentCaptureStopsAtItsLimit() async throws {
        let capture = OutputCapture(documentLimit: 1000)
        _ = try await ChildProcess.run(command(["/bin/sh", "-c", "head -c 5000 /dev/zero"]), capture: capture)
        #expect(capture.document == nil && capture.documentOverflowed)
        let small = OutputCapture(documentLimit: 1000)
        _ = try await ChildProcess.run(command(["/bin/sh", "-c", "printf '<testsuite/>'"]), capture: small)
        #expect(small.document == Array("<testsuite/>".utf8))
    }
}

/// Runs `body` in a new temporary directory, removed afterwards.
func withProcessTestDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("lustores-runner-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url.path)
}

/// Writes an executable script and returns its path.
func writeScript(_ text: String, named name: String, in directory: String) throws -> String {
    let path = "\(directory)/\(name)"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    chmod(path, 0o755)
    return path
}

func pidFromFile(_ path: String) -> pid_t? {
    (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
}

/// Whether `pid` is gone (or a zombie) within a few seconds.
func eventuallyGone(_ pid: pid_t) async -> Bool {
    for _ in 0..<50 {
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        let state = stat.split(separator: ")").last?.split(separator: " ").first
        if kill(pid, 0) != 0 || state == "Z" || stat.isEmpty { return true }
        try? await Task.sleep(for: .milliseconds(100))
    }
    return false
}
