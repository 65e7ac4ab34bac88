import Foundation
import MCP
import Store

/// The completers of prompt arguments and template variables. Each returns every match, best
/// first; the engine sends the first 100 with `total` and `hasMore`. A failed read offers nothing.
enum AssistantCompletions {
    /// Past days offered after `today` and `yesterday`.
    static let recentDays = 30

    /// Every charge code (not only those of recent sales) starting with the typed text, ignoring
    /// case, by code.
    static func chargeCodes(_ content: AssistantContent) -> Completer {
        { typed, _, _ in
            guard let codes = try? await content.source.chargeCodes() else { return [] }
            let prefix = typed.lowercased()
            return codes.map(\.code).filter { $0.lowercased().hasPrefix(prefix) }
        }
    }

    /// Category names starting with the typed text (ignoring case), sorted.
    static func categories(_ content: AssistantContent) -> Completer {
        { typed, _, _ in
            guard let page = try? await content.source.inventoryPage(InventoryFilter(), offset: 0, limit: 0) else { return [] }
            return page.categories.filter { $0.lowercased().hasPrefix(typed.lowercased()) }
        }
    }

    /// The configured test types starting with the typed text.
    static func testTypes(_ content: AssistantContent) -> Completer {
        { typed, _, _ in content.testRunner.testTypes.filter { $0.lowercased().hasPrefix(typed.lowercased()) } }
    }

    /// Execution ids starting with the typed text, newest first.
    static func executionIDs(_ content: AssistantContent) -> Completer {
        { typed, _, _ in
            let ids = (try? await content.testRunner.recentExecutionIDs(limit: 1000)) ?? []
            return ids.filter { $0.hasPrefix(typed.lowercased()) }
        }
    }

    /// `today`, `yesterday`, then the last ``recentDays`` days as `YYYY-MM-DD`, newest first,
    /// those starting with the typed text.
    static func dates(_ content: AssistantContent) -> Completer {
        { typed, _, _ in
            let today = content.today
            let days = ["today", "yesterday"] + (0..<Int64(recentDays)).map { UTCTime.formatDay(today - $0) }
            return days.filter { $0.hasPrefix(typed.lowercased()) }
        }
    }
}
