/// Which sales `get_sales` asks for, in store terms: UTC instants, pence, row offsets.
public struct SalesQuery: Sendable, Equatable {
    /// The statuses a sale may have. The embedded store writes `completed` and `refunded`; a
    /// LUStores PostgreSQL database writes `completed` and `paid`. `completed` and `paid` earn.
    public enum Status: String, Sendable, CaseIterable {
        case completed
        case paid
        case refunded
    }

    /// Only sales charged to this code, when set (exact match in the embedded store; case-insensitive in
    /// LUStores' PostgreSQL database, as LUStores itself compares codes).
    public var chargeCode: String?
    /// Only sales with this status, when set.
    public var status: Status?
    /// Only sales created at or after this instant (seconds since the epoch, UTC), when set.
    public var from: Int64?
    /// Only sales created before this instant (exclusive), when set.
    public var to: Int64?
    /// Matching sales skipped before the first one returned (newest first).
    public var offset: Int64
    /// Most sales returned.
    public var limit: Int

    /// A query for the sales matching every given filter, `limit` of them after skipping `offset`.
    public init(chargeCode: String? = nil, status: Status? = nil, from: Int64? = nil, to: Int64? = nil,
                offset: Int64 = 0, limit: Int) {
        self.chargeCode = chargeCode
        self.status = status
        self.from = from
        self.to = to
        self.offset = offset
        self.limit = limit
    }
}

/// One sale as `get_sales` lists it, money in pence.
public struct SaleRecord: Sendable, Equatable {
    /// `sales.id`.
    public var id: Int64
    /// `sales.sale_id`, the counter's reference (e.g. `S202506090915`).
    public var saleRef: String
    /// The department charge code.
    public var chargeCode: String
    /// Subtotal plus VAT, pence.
    public var totalPence: Int64
    /// Before VAT, pence.
    public var subtotalPence: Int64
    /// VAT, pence.
    public var vatPence: Int64
    /// Number of lines (`sale_items` rows) of the sale.
    public var lineCount: Int64
    /// `sales.status` as stored: `completed`, `paid`, `refunded` or any other value the store holds.
    public var status: String
    /// `sales.created_at`, `YYYY-MM-DDTHH:MM:SSZ`.
    public var createdAt: String

    /// A sale with these values.
    public init(id: Int64, saleRef: String, chargeCode: String, totalPence: Int64, subtotalPence: Int64,
                vatPence: Int64, lineCount: Int64, status: String, createdAt: String) {
        self.id = id
        self.saleRef = saleRef
        self.chargeCode = chargeCode
        self.totalPence = totalPence
        self.subtotalPence = subtotalPence
        self.vatPence = vatPence
        self.lineCount = lineCount
        self.status = status
        self.createdAt = createdAt
    }
}

/// Counts and pence sums of a set of sales, split by status.
public struct SalesTotals: Sendable, Equatable {
    /// Completed sales counted.
    public var completedCount: Int64 = 0
    /// Sum of their totals, pence.
    public var completedPence: Int64 = 0
    /// Refunded sales counted.
    public var refundedCount: Int64 = 0
    /// Sum of their totals, pence.
    public var refundedPence: Int64 = 0

    /// Totals with these figures (zero by default).
    public init(completedCount: Int64 = 0, completedPence: Int64 = 0, refundedCount: Int64 = 0, refundedPence: Int64 = 0) {
        self.completedCount = completedCount
        self.completedPence = completedPence
        self.refundedCount = refundedCount
        self.refundedPence = refundedPence
    }

    /// The sales counted, restricted to `status` when given.
    public func count(status: SalesQuery.Status?) -> Int64 {
        switch status {
        case nil: return completedCount + refundedCount
        case .completed?: return completedCount
        case .refunded?: return refundedCount
        case .paid?: return 0  // the embedded store holds no paid sales
        }
    }

    /// Revenue: the totals of the completed sales among those counted (refunds earn nothing).
    public func revenue(status: SalesQuery.Status?) -> Int64 {
        status == nil || status == .completed ? completedPence : 0
    }

    static func + (lhs: SalesTotals, rhs: SalesTotals) -> SalesTotals {
        SalesTotals(completedCount: lhs.completedCount + rhs.completedCount,
                    completedPence: lhs.completedPence + rhs.completedPence,
                    refundedCount: lhs.refundedCount + rhs.refundedCount,
                    refundedPence: lhs.refundedPence + rhs.refundedPence)
    }
}

/// One page of sales with the exact figures of every matching sale.
public struct SalesPage: Sendable, Equatable {
    /// The sales of the page, newest first (`created_at DESC, id DESC`).
    public var sales: [SaleRecord]
    /// Number of sales matching the filters (all pages).
    public var total: Int64
    /// Sum in pence of the totals of the matching sales whose status is `completed` or `paid`.
    public var revenuePence: Int64

    /// A page with these figures.
    public init(sales: [SaleRecord], total: Int64, revenuePence: Int64) {
        self.sales = sales
        self.total = total
        self.revenuePence = revenuePence
    }
}
