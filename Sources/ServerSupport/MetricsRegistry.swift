import Synchronization

/// Counters and histograms kept in memory and written in the Prometheus text exposition format
/// (version 0.0.4).
///
/// Guarantees: every family is declared up front (name, help, type, buckets), so a sample can
/// never name an undeclared family or change a family's type; label values are escaped as the
/// format requires; counters only grow; a histogram's buckets are cumulative and its `+Inf`
/// bucket equals its count. Each update takes one lock for a dictionary lookup and an addition,
/// cheap enough for every request of a busy server.
public final class MetricsRegistry: Sendable {
    /// What a family counts.
    public enum Kind: Sendable, Equatable {
        /// A total that only grows.
        case counter
        /// Observed values in cumulative buckets with these upper bounds (ascending), plus a sum
        /// and a count.
        case histogram(buckets: [Double])
    }

    /// One metric family: its name, its `# HELP` text and its kind.
    public struct Family: Sendable {
        /// The metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`).
        public let name: String
        /// The `# HELP` line's text.
        public let help: String
        /// Counter or histogram.
        public let kind: Kind

        /// A family; `name` must be a valid metric name.
        public init(name: String, help: String, kind: Kind) {
            precondition(name.first.map { $0.isLetter || $0 == "_" || $0 == ":" } ?? false
                         && name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == ":" },
                         "invalid metric name \(name)")
            self.name = name
            self.help = help
            self.kind = kind
        }
    }

    /// A set of label values in the order the caller names them, already rendered as the
    /// exposition format's `name="value",…` text (so the hot path hashes one string).
    public struct Labels: Sendable, Hashable {
        /// The rendered pairs, without braces.
        public let text: String

        /// Labels `pairs`, each value escaped (`\`, `"` and newlines).
        public init(_ pairs: KeyValuePairs<String, String>) {
            var text = ""
            for (name, value) in pairs {
                if !text.isEmpty { text += "," }
                text += name + "=\"" + Self.escape(value) + "\""
            }
            self.text = text
        }

        /// No labels.
        public static let none = Labels([:])

        static func escape(_ value: String) -> String {
            guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
            var out = ""
            for character in value {
                switch character {
                case "\\": out += "\\\\"
                case "\"": out += "\\\""
                case "\n": out += "\\n"
                default: out.append(character)
                }
            }
            return out
        }
    }

    private struct Series {
        var value: Double = 0
        var buckets: [UInt64] = []
        var count: UInt64 = 0
    }

    private struct State {
        var series: [[Labels: Series]]
    }

    private let families: [Family]
    private let positions: [String: Int]
    private let state: Mutex<State>

    /// A registry of `families`, in the order they are written out; names must be unique.
    public init(_ families: [Family]) {
        var positions: [String: Int] = [:]
        for (position, family) in families.enumerated() {
            precondition(positions[family.name] == nil, "metric family \(family.name) declared twice")
            positions[family.name] = position
        }
        self.families = families
        self.positions = positions
        self.state = Mutex(State(series: Array(repeating: [:], count: families.count)))
    }

    /// Adds `amount` (not negative) to the counter `name` with `labels`.
    public func increment(_ name: String, _ labels: Labels = .none, by amount: Double = 1) {
        guard let position = positions[name], families[position].kind == .counter, amount >= 0 else {
            preconditionFailure("\(name) is not a declared counter, or the amount is negative")
        }
        state.withLock { $0.series[position][labels, default: Series()].value += amount }
    }

    /// Records `value` in the histogram `name` with `labels`.
    public func observe(_ name: String, _ labels: Labels = .none, _ value: Double) {
        guard let position = positions[name], case .histogram(let bounds) = families[position].kind else {
            preconditionFailure("\(name) is not a declared histogram")
        }
        // The first bucket the value fits; the buckets are made cumulative when written.
        let slot = bounds.firstIndex { value <= $0 } ?? bounds.count
        state.withLock { state in
            state.series[position][labels, default: Series(buckets: Array(repeating: 0, count: bounds.count + 1))].buckets[slot] += 1
            state.series[position][labels]!.value += value
            state.series[position][labels]!.count += 1
        }
    }

    /// The current value of counter `name` with `labels` (0 when never incremented).
    public func value(_ name: String, _ labels: Labels = .none) -> Double {
        guard let position = positions[name] else { return 0 }
        return state.withLock { $0.series[position][labels]?.value ?? 0 }
    }

    /// Every family in the exposition format, in declaration order; series within a family in
    /// label order, so the text is the same for the same counts.
    public func exposition() -> String {
        let snapshot = state.withLock { $0.series }
        var out = ""
        for (position, family) in families.enumerated() {
            let series = snapshot[position].sorted { $0.key.text < $1.key.text }
            switch family.kind {
            case .counter:
                Self.header(&out, family.name, family.help, "counter")
                for (labels, entry) in series { Self.sample(&out, family.name, labels.text, entry.value) }
            case .histogram(let bounds):
                Self.header(&out, family.name, family.help, "histogram")
                for (labels, entry) in series {
                    let prefix = labels.text.isEmpty ? "" : labels.text + ","
                    var cumulative: UInt64 = 0
                    for (index, bound) in bounds.enumerated() {
                        cumulative += entry.buckets[index]
                        Self.sample(&out, family.name + "_bucket", prefix + "le=\"\(Self.number(bound))\"", Double(cumulative))
                    }
                    Self.sample(&out, family.name + "_bucket", prefix + "le=\"+Inf\"", Double(entry.count))
                    Self.sample(&out, family.name + "_sum", labels.text, entry.value)
                    Self.sample(&out, family.name + "_count", labels.text, Double(entry.count))
                }
            }
        }
        return out
    }

    /// `# HELP` and `# TYPE` lines (help text escaped as the format requires).
    public static func header(_ out: inout String, _ name: String, _ help: String, _ type: String) {
        out += "# HELP \(name) " + help.replacingBackslashesAndNewlines() + "\n# TYPE \(name) \(type)\n"
    }

    /// One sample line; `labels` is rendered text without braces (empty for none).
    public static func sample(_ out: inout String, _ name: String, _ labels: String, _ value: Double) {
        out += name
        if !labels.isEmpty { out += "{" + labels + "}" }
        out += " " + number(value) + "\n"
    }

    /// A value as the format writes it: integers without a fraction, `+Inf`, `-Inf`, `NaN`.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

extension String {
    fileprivate func replacingBackslashesAndNewlines() -> String {
        guard contains(where: { $0 == "\\" || $0 == "\n" }) else { return self }
        var out = ""
        for character in self {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }
}
