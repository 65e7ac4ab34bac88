import Foundation
import JSONRPC
import MCP
import Store
import TestExecution

/// What the resources, prompts and completions of lustores-mcp read: the same monitor, data
/// source, calendar and test runner as the tools, so a resource says exactly what its tool says.
///
/// Guarantees: every failure reaches the client as a `RequestFailure` in product terms (no SQL,
/// path or key); an unknown execution id or an impossible date is `notFound`.
public struct AssistantContent: Sendable {
    /// `system.status` and the rest of `get_status`.
    public let monitor: StatusMonitor
    /// Where sales and items are read.
    public let source: any DataSource
    /// The zone dates are in.
    public let calendar: ZonedCalendar
    /// Test executions.
    public let testRunner: TestRunner
    /// The clock for `today` and `yesterday`.
    public let now: @Sendable () -> Date

    /// Content read from these; `now` is the system clock unless a test fixes it.
    public init(monitor: StatusMonitor, source: any DataSource, calendar: ZonedCalendar, testRunner: TestRunner,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.monitor = monitor
        self.source = source
        self.calendar = calendar
        self.testRunner = testRunner
        self.now = now
    }

    /// Makes `server` tell its subscribers about changes: `lustores://status` when the health
    /// status changes (seen by any status computation, and by one every `pollSeconds`), and
    /// `lustores://tests/{id}`, its output and `lustores://tests/latest` when an execution ends.
    /// The returned task polls until cancelled.
    public func publishChanges(to server: MCPServer, pollSeconds: Int = 30) async -> Task<Void, Never> {
        monitor.observeHealthChanges { _ in server.notifyResourceUpdated(AssistantResources.statusURI) }
        await testRunner.observeFinishes { id in
            server.notifyResourceUpdated("lustores://tests/\(id)")
            server.notifyResourceUpdated("lustores://tests/\(id)/output")
            server.notifyResourceUpdated(AssistantResources.latestTestURI)
        }
        let monitor = self.monitor
        return Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(pollSeconds))
                if Task.isCancelled { break }
                _ = await monitor.status()
            }
        }
    }

    // MARK: facts

    /// The local day number of today.
    var today: Int64 { calendar.localDay(at: Int64(now().timeIntervalSince1970.rounded(.down))) }

    /// `YYYY-MM-DD`, `today` or `yesterday` as a local day number; nil when it is none of them.
    func day(_ text: String) -> Int64? {
        switch text {
        case "today": return today
        case "yesterday": return today - 1
        default: return text.utf8.count == 10 ? UTCTime.parseDay(text) : nil
        }
    }

    /// The `get_test_result` answer for `id`; `notFound` for an id that is not one.
    func testResult(_ id: String) async throws -> JSONValue {
        guard Self.isExecutionID(id) else { throw RequestFailure.notFound }
        do throws(TestRunnerFailure) {
            return try await testRunner.result(of: id)
        } catch {
            if case .notFound = error { throw RequestFailure.notFound }
            throw RequestFailure.internalError("the test executions cannot be read")
        }
    }

    /// The newest execution's id, nil when there has been none.
    func latestExecutionID() async throws -> String? {
        do throws(TestRunnerFailure) {
            return try await testRunner.recentExecutionIDs(limit: 1).first
        } catch {
            throw RequestFailure.internalError("the test executions cannot be read")
        }
    }

    /// `test_` and 16 lower-case hex digits, as the runner makes them.
    static func isExecutionID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.count == 21 && text.hasPrefix("test_")
            && bytes[5...].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    /// Runs a data source read, turning its failure into a client-readable one.
    func read<T: Sendable>(_ what: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let failure as any DataSourceFailure {
            throw RequestFailure.internalError("\(what) failed: \(failure.clientReason)")
        } catch {
            throw RequestFailure.internalError("\(what) failed")
        }
    }
}
