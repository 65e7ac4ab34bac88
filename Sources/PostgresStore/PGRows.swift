import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The rows of one statement, read in text format, cleared when the value goes away.
///
/// Decoders read libpq's buffers in place: numbers are parsed from the bytes without building a
/// `String`, and a value that does not have the expected form throws ``PostgresError/Code/unexpectedResult``
/// naming the column, never the value.
final class PGRows {
    private let result: OpaquePointer
    /// Number of rows.
    let count: Int

    init(_ result: OpaquePointer) {
        self.result = result
        self.count = Int(PQntuples(result))
    }

    deinit { PQclear(result) }

    /// Number of columns.
    var columnCount: Int { Int(PQnfields(result)) }

    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(result, Int32(row), Int32(column)) == 1 }

    private func bytes(_ row: Int, _ column: Int) -> UnsafeBufferPointer<UInt8> {
        let length = Int(PQgetlength(result, Int32(row), Int32(column)))
        let start = UnsafeRawPointer(PQgetvalue(result, Int32(row), Int32(column))!).assumingMemoryBound(to: UInt8.self)
        return UnsafeBufferPointer(start: start, count: length)
    }

    private func failure(_ column: Int, _ expected: String) -> PostgresError {
        let name = PQfname(result, Int32(column)).map { String(cString: $0) } ?? "\(column)"
        return PostgresError(.unexpectedResult, "column \(name) is not \(expected)")
    }

    /// The value as text (UTF-8).
    func text(_ row: Int, _ column: Int) throws(PostgresError) -> String {
        guard !isNull(row, column) else { throw failure(column, "text") }
        return String(decoding: bytes(row, column), as: UTF8.self)
    }

    /// An integer column.
    func int64(_ row: Int, _ column: Int) throws(PostgresError) -> Int64 {
        guard !isNull(row, column), let value = Self.integer(bytes(row, column)) else { throw failure(column, "an integer") }
        return value
    }

    /// A `numeric` amount in pounds as exact pence; refuses (throws) a value with a nonzero third decimal.
    func pence(_ row: Int, _ column: Int) throws(PostgresError) -> Int64 {
        guard !isNull(row, column), let value = Self.scaled(bytes(row, column), scale: 2) else {
            throw failure(column, "a whole number of pence")
        }
        return value
    }

    /// A `numeric` quantity as exact thousandths; refuses (throws) a value with a nonzero fourth decimal.
    func thousandths(_ row: Int, _ column: Int) throws(PostgresError) -> Int64 {
        guard !isNull(row, column), let value = Self.scaled(bytes(row, column), scale: 3) else {
            throw failure(column, "a quantity in thousandths")
        }
        return value
    }

    /// A `numeric` quantity or rate as the nearest `Double` (whose shortest form is the decimal).
    func double(_ row: Int, _ column: Int) throws(PostgresError) -> Double {
        guard !isNull(row, column) else { throw failure(column, "a number") }
        var end: UnsafeMutablePointer<CChar>?
        let start = PQgetvalue(result, Int32(row), Int32(column))!
        let value = strtod(start, &end)
        guard let end, end - start == Int(PQgetlength(result, Int32(row), Int32(column))), end != start else {
            throw failure(column, "a number")
        }
        return value
    }

    /// A boolean column (`t`/`f`).
    func bool(_ row: Int, _ column: Int) throws(PostgresError) -> Bool {
        let value = bytes(row, column)
        guard !isNull(row, column), value.count == 1, value[0] == UInt8(ascii: "t") || value[0] == UInt8(ascii: "f") else {
            throw failure(column, "a boolean")
        }
        return value[0] == UInt8(ascii: "t")
    }

    /// A `timestamp` (ISO DateStyle, `YYYY-MM-DD HH:MM:SS[.ffffff]`) as `YYYY-MM-DDTHH:MM:SSZ`,
    /// truncated to the second.
    func utcSecond(_ row: Int, _ column: Int) throws(PostgresError) -> String {
        let value = bytes(row, column)
        guard !isNull(row, column), value.count >= 19, value[4] == UInt8(ascii: "-"), value[10] == UInt8(ascii: " "),
              value[13] == UInt8(ascii: ":"), value.count == 19 || value[19] == UInt8(ascii: ".") else {
            throw failure(column, "a timestamp with a four-digit year")
        }
        return String(unsafeUninitializedCapacity: 20) { output in
            for index in 0..<19 { output[index] = value[index] }
            output[10] = UInt8(ascii: "T")
            output[19] = UInt8(ascii: "Z")
            return 20
        }
    }

    /// Decimal digits with an optional sign.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        scaled(bytes, scale: 0)
    }

    /// A decimal (`-12.30`) times `10^scale`, exactly; nil when malformed, when a nonzero digit lies
    /// beyond the scale, or on overflow.
    static func scaled(_ bytes: UnsafeBufferPointer<UInt8>, scale: Int) -> Int64? {
        var index = 0
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var value: Int64 = 0
        var digits = 0
        var fraction = -1
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "."), fraction < 0 {
                fraction = 0
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            digits += 1
            if fraction >= 0 {
                fraction += 1
                if fraction > scale {
                    if byte != UInt8(ascii: "0") { return nil }
                    continue
                }
            }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflow, !overflow2 else { return nil }
            value = sum
        }
        guard digits > 0 else { return nil }
        for _ in min(max(fraction, 0), scale)..<scale {
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = times
        }
        return negative ? -value : value
    }
}
