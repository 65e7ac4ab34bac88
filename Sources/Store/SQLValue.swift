/// One SQLite value, as bound to a statement parameter or read from a result column.
///
/// The five cases are SQLite's five storage classes. Values read back keep the storage class
/// SQLite reports for the column (`sqlite3_column_type`); no implicit conversions are applied.
/// Text is always UTF-8 and round-trips exactly, including embedded NUL characters.
public enum SQLValue: Sendable, Equatable {
    /// SQL `NULL`.
    case null
    /// A 64-bit signed integer (`INTEGER` storage class).
    case integer(Int64)
    /// An IEEE 754 double (`REAL` storage class). SQLite stores NaN as `NULL`.
    case real(Double)
    /// UTF-8 text (`TEXT` storage class).
    case text(String)
    /// Raw bytes (`BLOB` storage class). An empty array is an empty blob, not `NULL`.
    case blob([UInt8])
}

extension SQLValue {
    /// `true` only for `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The integer payload, or `nil` when the value is not `.integer`.
    public var intValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The numeric payload as a `Double`: `.real` as is, `.integer` converted; `nil` otherwise.
    public var doubleValue: Double? {
        switch self {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    /// The text payload, or `nil` when the value is not `.text`.
    public var stringValue: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The blob payload, or `nil` when the value is not `.blob`.
    public var blobValue: [UInt8]? {
        if case .blob(let value) = self { return value }
        return nil
    }
}
