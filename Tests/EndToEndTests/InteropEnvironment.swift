import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The Python side of the interoperability tests (Tests/Interop): a virtual environment at
/// `.build/interop-venv` with `Tests/Interop/requirements.txt` installed.
///
/// It is prepared once per test process, on first use, and reused across processes: a marker
/// file in the environment records the SHA-256 of the requirements it was installed from, and it
/// is rebuilt when that differs or its packages cannot be imported. An exclusive `flock` on
/// `.build/interop-venv.lock` keeps two test processes from building it at once. A machine
/// without python3, its venv module or pip makes every interop test fail with a message saying so.
enum InteropEnvironment {
    static let interopDirectory = Paths.repositoryRoot + "/Tests/Interop"
    static let requirements = interopDirectory + "/requirements.txt"
    static let venv = Paths.repositoryRoot + "/.build/interop-venv"
    static let python = venv + "/bin/python"
    static let marker = venv + "/.lustores-requirements.sha256"
    static let lockFile = Paths.repositoryRoot + "/.build/interop-venv.lock"

    struct SetupError: Error, CustomStringConvertible {
        let description: String
    }

    /// The preparation, started by the first test that needs it and shared by all.
    private static let preparation = Task<Result<String, SetupError>, Never> {
        do {
            return .success(try await prepare())
        } catch let error as SetupError {
            return .failure(error)
        } catch {
            return .failure(SetupError(description: "preparing the interop environment failed: \(error)"))
        }
    }

    /// The path of the environment's python, once the environment is ready; throws why not.
    static func readyPython() async throws -> String {
        try await preparation.value.get()
    }

    /// The environment for Python processes: this process's (PATH, proxies, pip settings), plus
    /// what keeps pip quiet.
    static func environment(_ directory: String) -> [String: String] {
        childEnvironment(directory, ["PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONDONTWRITEBYTECODE": "1"])
    }

    private static func prepare() async throws -> String {
        guard FileManager.default.fileExists(atPath: requirements) else {
            throw SetupError(description: "\(requirements) is missing")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        let digest = try await requirementsDigest(environment: environment)

        try FileManager.default.createDirectory(atPath: Paths.repositoryRoot + "/.build", withIntermediateDirectories: true)
        let lock = open(lockFile, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard lock >= 0 else { throw SetupError(description: "cannot open \(lockFile): \(String(cString: strerror(errno)))") }
        defer { close(lock) }  // releases the lock
        _ = await onThread { flock(lock, LOCK_EX) }

        if await isReady(digest: digest, environment: environment) { return python }

        let created = try await Subprocess.run("python3", ["-m", "venv", "--clear", venv], environment: environment,
                                               timeout: .seconds(300))
        guard created.exit.termination == .exited(0) else {
            throw SetupError(description: "`python3 -m venv \(venv)` failed (\(created.exit.termination)); the interop "
                + "tests need python3 with its venv module and pip (CI installs them):\n\(created.stdoutText)\(created.stderr)")
        }
        let installed = try await Subprocess.run(
            python, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", "-r", requirements],
            environment: environment, timeout: .seconds(900))
        guard installed.exit.termination == .exited(0) else {
            throw SetupError(description: "`pip install -r \(requirements)` failed (\(installed.exit.termination)); pip "
                + "and PyPI must be reachable (CI installs them):\n\(installed.stdoutText.suffix(4000))\(installed.stderr.suffix(4000))")
        }
        guard await importsWork(environment: environment) else {
            throw SetupError(description: "the interop environment at \(venv) was installed but cannot import mcp, "
                + "mcp_types, jsonschema and referencing")
        }
        try Data((digest + "\n").utf8).write(to: URL(fileURLWithPath: marker))
        return python
    }

    /// SHA-256 of requirements.txt, computed by the system python3 — which also proves python3
    /// is there and new enough, with the modules the environment needs.
    private static func requirementsDigest(environment: [String: String]) async throws -> String {
        let script = """
            import hashlib, sys, venv, ensurepip
            assert sys.version_info >= (3, 10), f"Python >= 3.10 needed, this is {sys.version.split()[0]}"
            print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())
            """
        let run: Completed
        do {
            run = try await Subprocess.run("python3", ["-c", script, requirements], environment: environment)
        } catch let error as SpawnError {
            throw SetupError(description: "python3 is not available (\(error)); the interop tests need python3 ≥ 3.10 "
                + "with venv and pip on PATH (CI installs them)")
        }
        guard run.exit.termination == .exited(0) else {
            throw SetupError(description: "python3 cannot run the interop tests (\(run.exit.termination)): it must be "
                + "≥ 3.10 with the venv and ensurepip modules (Debian: python3-venv); CI installs them:\n\(run.stderr)")
        }
        return run.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func isReady(digest: String, environment: [String: String]) async -> Bool {
        guard let recorded = try? String(contentsOfFile: marker, encoding: .utf8),
              recorded.trimmingCharacters(in: .whitespacesAndNewlines) == digest else { return false }
        return await importsWork(environment: environment)
    }

    private static func importsWork(environment: [String: String]) async -> Bool {
        guard FileManager.default.isExecutableFile(atPath: python),
              let run = try? await Subprocess.run(python, ["-c", "import mcp, mcp_types, jsonschema, referencing"],
                                                  environment: environment) else { return false }
        return run.exit.termination == .exited(0)
    }
}
