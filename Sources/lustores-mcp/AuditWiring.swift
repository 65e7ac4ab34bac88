import Dispatch
import Foundation
import HTTPShim
import ServerSupport

/// The audit log of `serve` and `http`, and its reopening on SIGHUP.
enum AuditWiring {
    /// The audit log `configuration` names, opened; nil when it names none. A path that cannot
    /// be opened stops start-up (exit 2).
    static func open(_ configuration: Configuration, logger: Logger) -> AuditLog? {
        guard let path = configuration.auditLogPath else { return nil }
        do {
            let audit = try AuditLog(path: path, logger: logger)
            logger.info("audit log: \(path)")
            return audit
        } catch {
            LUStoresMCP.fail(error.description, status: 2)
        }
    }

    /// Reopens `audit` on every SIGHUP (logrotate's signal after moving the file), from a
    /// dispatch source rather than a signal handler; keep the source for as long as it should act.
    static func reopenOnHangUp(_ audit: AuditLog, logger: Logger) -> DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler {
            do throws(AuditLog.OpenError) {
                try audit.reopen()
                logger.info("SIGHUP: audit log \(audit.path) reopened")
            } catch {
                logger.error("SIGHUP: \(error.description); audit lines still go to the file opened before")
            }
        }
        source.resume()
        return source
    }
}
