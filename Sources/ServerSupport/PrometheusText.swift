/// Writes the Prometheus text exposition format (version 0.0.4): `# HELP` and `# TYPE` lines,
/// samples, and histograms.
///
/// Guarantees: help text and label values are escaped as the format requires (`\`, `"` in label
/// values, newlines); values are written as the format reads them (integers without a
/// fraction, `+Inf`, `-Inf`, `NaN`).
public enum PrometheusText {
    /// The media type of the output.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// `# HELP` and `# TYPE` lines.
    public static func header(_ out: inout String, _ name: String, _ help: String, _ type: String) {
        out += "# HELP " + name + " " + escaped(help, quotes: false) + "\n# TYPE " + name + " " + type + "\n"
    }

    /// One sample line; `labels` is rendered `name="value",…` text without braces (empty for none).
    public static func sample(_ out: inout String, _ name: String, _ labels: String, _ value: Double) {
        out += name
        if !labels.isEmpty { out += "{" + labels + "}" }
        out += " " + number(value) + "\n"
    }

    /// `pairs` rendered as label text, each value escaped.
    public static func labels(_ pairs: KeyValuePairs<String, String>) -> String {
        var text = ""
        for (name, value) in pairs {
            if !text.isEmpty { text += "," }
            text += name + "=\"" + escaped(value, quotes: true) + "\""
        }
        return text
    }

    /// The `_bucket`, `_sum` and `_count` samples of `histogram` under `labels`.
    public static func histogram(_ out: inout String, _ name: String, _ labels: String, _ histogram: Histogram) {
        let prefix = labels.isEmpty ? "" : labels + ","
        var cumulative: UInt64 = 0
        for (index, bound) in histogram.bounds.enumerated() {
            cumulative += histogram.counts[index]
            sample(&out, name + "_bucket", prefix + "le=\"" + number(bound) + "\"", Double(cumulative))
        }
        sample(&out, name + "_bucket", prefix + "le=\"+Inf\"", Double(histogram.count))
        sample(&out, name + "_sum", labels, histogram.sum)
        sample(&out, name + "_count", labels, Double(histogram.count))
    }

    /// A value as the format writes it.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private static func escaped(_ text: String, quotes: Bool) -> String {
        guard text.contains(where: { $0 == "\\" || $0 == "\n" || (quotes && $0 == "\"") }) else { return text }
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\"" where quotes: out += "\\\""
            default: out.append(character)
            }
        }
        return out
    }
}

/// Observed values counted in buckets, with their sum and count: one histogram series.
///
/// Guarantees: ``observe(_:)`` allocates nothing and takes time bounded by the number of bounds;
/// a value lands in the first bucket whose bound is at least the value (the `+Inf` bucket past
/// the last), so the written buckets are cumulative and the `+Inf` bucket equals ``count``.
public struct Histogram: Sendable, Equatable {
    /// The buckets' upper bounds, ascending.
    public let bounds: [Double]
    /// Values per bucket (not cumulative); the last is past every bound.
    public private(set) var counts: [UInt64]
    /// The sum of the values observed.
    public private(set) var sum: Double = 0
    /// How many values were observed.
    public private(set) var count: UInt64 = 0

    /// An empty histogram with `bounds` (ascending).
    public init(bounds: [Double]) {
        precondition(zip(bounds, bounds.dropFirst()).allSatisfy { $0 < $1 }, "histogram bounds must ascend")
        self.bounds = bounds
        self.counts = Array(repeating: 0, count: bounds.count + 1)
    }

    /// Counts `value`.
    public mutating func observe(_ value: Double) {
        var slot = 0
        while slot < bounds.count && value > bounds[slot] { slot += 1 }
        counts[slot] += 1
        sum += value
        count += 1
    }
}
