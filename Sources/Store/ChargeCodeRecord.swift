/// One department charge code as `get_charge_codes` shows it. Validity is kept to the day.
public struct ChargeCodeRecord: Sendable, Equatable {
    /// The code sales are charged to, e.g. `DEPT007`.
    public var code: String
    /// What the code is for, e.g. the department or grant.
    public var title: String
    /// First day the code may be used (day number since 1970-01-01), nil when open.
    public var validFrom: Int64?
    /// Last day the code may be used, inclusive, nil when open.
    public var validUntil: Int64?
    /// Held by finance: no sale may be charged to it while held.
    public var onHold: Bool

    /// A charge code with these values.
    public init(code: String, title: String, validFrom: Int64?, validUntil: Int64?, onHold: Bool) {
        self.code = code
        self.title = title
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.onHold = onHold
    }

    /// Whether `day` lies in the validity window (ends included).
    public func isValid(on day: Int64) -> Bool {
        (validFrom.map { $0 <= day } ?? true) && (validUntil.map { day <= $0 } ?? true)
    }

    /// Usable on `day`: valid that day and not on hold.
    public func isActive(on day: Int64) -> Bool { !onHold && isValid(on: day) }
}
