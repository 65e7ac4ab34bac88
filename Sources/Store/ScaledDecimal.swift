/// Exact decimal arithmetic on integers scaled by a power of ten: money in pence (scale 2),
/// quantities in thousandths (scale 3), VAT rates in ten-thousandths (scale 4).
///
/// Guarantees: no binary floating point is involved in any result; parsing refuses (nil) rather
/// than rounds a value with more fraction digits than the scale, and refuses values that would
/// overflow 64 bits; ``divideRoundingHalfUp(_:by:)`` rounds halves away from zero.
public enum ScaledDecimal {
    /// Pence per pound.
    public static let penceScale = 2
    /// Quantities and stock levels are exact to a thousandth of a unit (a gram of a kilogram).
    public static let quantityScale = 3
    /// `10^quantityScale`.
    public static let quantityFactor: Int64 = 1000
    /// VAT rates are exact to a ten-thousandth (0.175 is 1750).
    public static let rateScale = 4
    /// `10^rateScale`.
    public static let rateFactor: Int64 = 10_000
    /// Longest decimal text accepted.
    public static let maximumTextLength = 40

    /// The value of decimal `text` times `10^scale`, e.g. `parse("12.5", scale: 2) == 1250`.
    /// Accepts an optional sign, digits with an optional fraction, and an optional exponent
    /// (`1.5e3`, `2E-2`), as JSON numbers and Swift's `Double.description` are written. Nil when the
    /// text is malformed, needs more than `scale` fraction digits, or overflows.
    public static func parse(_ text: String, scale: Int) -> Int64? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumTextLength, scale >= 0, scale <= 18 else { return nil }
        var index = 0
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var sawDigit = false
        var sawPoint = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                digits.append(byte - UInt8(ascii: "0"))
                if sawPoint { fractionDigits += 1 }
                sawDigit = true
            } else if byte == UInt8(ascii: "."), !sawPoint {
                sawPoint = true
            } else {
                break
            }
            index += 1
        }
        guard sawDigit else { return nil }
        var exponent = 0
        if index < bytes.count {
            guard bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") else { return nil }
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < bytes.count, let value = UTCTime.number(bytes[index...]), value <= 400 else { return nil }
            exponent = exponentNegative ? -value : value
        }
        // value = digits × 10^(exponent − fractionDigits); we want it × 10^scale.
        var shift = exponent - fractionDigits + scale
        while shift < 0, let last = digits.last, last == 0 {
            digits.removeLast()
            shift += 1
        }
        guard shift >= 0 else { return nil }  // more fraction digits than the scale allows
        var result: Int64 = 0
        for digit in digits {
            let (times, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            result = sum
        }
        for _ in 0..<shift where result != 0 {
            let (times, overflow) = result.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            result = times
        }
        return negative ? -result : result
    }

    /// `numerator / denominator` rounded to the nearest integer, halves away from zero.
    /// `denominator` must be positive.
    public static func divideRoundingHalfUp(_ numerator: Int64, by denominator: Int64) -> Int64 {
        precondition(denominator > 0, "denominator must be positive")
        let magnitude = numerator.magnitude
        let rounded = (magnitude / denominator.magnitude) + (magnitude % denominator.magnitude * 2 >= denominator.magnitude ? 1 : 0)
        return numerator < 0 ? -Int64(rounded) : Int64(rounded)
    }

    /// A line's subtotal in pence: `unitPricePence × quantity`, the quantity in thousandths,
    /// rounded half-up to the penny. Nil on overflow.
    public static func lineSubtotal(unitPricePence: Int64, quantityThousandths: Int64) -> Int64? {
        let (product, overflow) = unitPricePence.multipliedReportingOverflow(by: quantityThousandths)
        guard !overflow else { return nil }
        return divideRoundingHalfUp(product, by: quantityFactor)
    }

    /// A line's VAT in pence: `subtotalPence × rate`, the rate in ten-thousandths, rounded half-up
    /// to the penny. Nil on overflow.
    public static func lineVAT(subtotalPence: Int64, rateTenThousandths: Int64) -> Int64? {
        let (product, overflow) = subtotalPence.multipliedReportingOverflow(by: rateTenThousandths)
        guard !overflow else { return nil }
        return divideRoundingHalfUp(product, by: rateFactor)
    }

    /// `value / 10^scale` as decimal text with exactly `scale` fraction digits (`1250, 2` → `12.50`).
    public static func format(_ value: Int64, scale: Int) -> String {
        var factor: UInt64 = 1
        for _ in 0..<scale { factor *= 10 }
        let magnitude = value.magnitude
        let whole = magnitude / factor
        var text = value < 0 ? "-" : ""
        text += String(whole)
        if scale > 0 {
            let fraction = String(magnitude % factor)
            text += "." + String(repeating: "0", count: scale - fraction.count) + fraction
        }
        return text
    }
}
