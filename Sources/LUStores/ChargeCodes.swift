import Foundation
import JSONRPC
import MCP
import Store

/// `get_charge_codes`: the department charge codes sales are charged to, with their validity and
/// whether each is usable on a day (`schemas/get_charge_codes.*.schema.json`), from ``SalesLedger``.
public enum GetChargeCodesTool {
    /// The tool, answering through `ledger`.
    public static func make(ledger: SalesLedger) -> Tool {
        Tool(
            name: "get_charge_codes",
            title: "Charge codes",
            description: "The department charge codes sales are charged to, by code, with title, validity window and "
                + "hold. By default only the codes usable today (valid and not on hold); active_on judges another day "
                + "and include_inactive lists the rest too. search matches code or title, case-insensitively. Use it to "
                + "find the code for a department before filtering get_sales or analyze_sales by charge_code.",
            inputSchema: SchemaLibrary.getChargeCodesInput,
            outputSchema: SchemaLibrary.getChargeCodesOutput,
            annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true),
            handler: { arguments, _ in await ledger.chargeCodes(arguments) }
        )
    }
}

extension SalesLedger {
    /// The `get_charge_codes` result for `arguments`, or its tool error. `active_on` is a day in
    /// ``calendar``'s zone (today by default); `search` folds case for every script.
    public nonisolated func chargeCodes(_ arguments: JSONObject) async -> ToolOutcome {
        let search: String?
        let includeInactive: Bool
        let day: Int64
        do throws(ToolError) {
            let reader = ArgumentReader(arguments, schema: SchemaLibrary.getChargeCodesInput)
            search = try reader.string("search").map { $0.lowercased() }
            includeInactive = try reader.flag("include_inactive")
            let named = try reader.string("active_on") ?? "today"
            guard let parsed = calendar.day(named: named, now: now()) else {
                throw ArgumentReader.invalid("active_on", "active_on must be YYYY-MM-DD (a real date), today or yesterday, "
                                             + "not \(SalesArguments.quote(named))")
            }
            day = parsed
        } catch {
            return error.outcome
        }
        let codes: [ChargeCodeRecord]
        do {
            codes = try await source.chargeCodes()
        } catch {
            return ToolError.dataSource(error, while: "reading charge codes", logger: logger).outcome
        }
        let listed: [JSONValue] = codes.compactMap { code in
            let active = code.isActive(on: day)
            guard active || includeInactive else { return nil }
            if let search, !search.isEmpty, !code.code.lowercased().contains(search), !code.title.lowercased().contains(search) {
                return nil
            }
            return .object(JSONObject([
                ("code", .string(code.code)), ("title", .string(code.title)),
                ("valid_from", code.validFrom.map { .string(UTCTime.formatDay($0)) } ?? .null),
                ("valid_until", code.validUntil.map { .string(UTCTime.formatDay($0)) } ?? .null),
                ("on_hold", .bool(code.onHold)), ("active", .bool(active)),
            ]))
        }
        return .success(.object(JSONObject([("charge_codes", .array(listed))])))
    }
}
