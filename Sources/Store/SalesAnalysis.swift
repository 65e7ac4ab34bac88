/// What `analyze_sales` asks a ``DataSource`` for: the figures of the sales matching `get_sales`'
/// filters, grouped one way, in store terms (UTC instants, pence, thousandths).
///
/// A sale *earns* when its status is `completed` or `paid`. For the sale-level groupings
/// (``Grouping/chargeCode``, ``Grouping/status``, ``Grouping/periods(boundaries:)``) a group's
/// `count` is its matching sales of every status, and `revenue`, `vat` and `quantity` sum the
/// totals, VAT and line quantities of its earning sales. For the line-level groupings
/// (``Grouping/item``, ``Grouping/category``) only the lines of matching earning sales count:
/// `revenue` sums their `total_with_vat`, `vat` their VAT, `quantity` their quantity, and `count`
/// is the number of distinct sales with such a line.
public struct SalesAnalysisQuery: Sendable, Equatable {
    /// How the matching sales are grouped.
    public enum Grouping: Sendable, Equatable {
        /// By charge code (keyed by the code, labelled with its title).
        case chargeCode
        /// By status as stored.
        case status
        /// By item (lines of earning sales).
        case item
        /// By the category of the line's item (lines of earning sales).
        case category
        /// By consecutive time intervals `[boundaries[i], boundaries[i + 1])`, UTC instants in
        /// increasing order; no boundaries (or one) means no periods, only the totals and extent.
        case periods(boundaries: [Int64])
    }

    /// Only sales charged to this code, when set (compared as `get_sales` compares it).
    public var chargeCode: String?
    /// Only sales with this status, when set.
    public var status: SalesQuery.Status?
    /// Only sales created at or after this instant, when set.
    public var from: Int64?
    /// Only sales created before this instant (exclusive), when set.
    public var to: Int64?
    /// The grouping asked for.
    public var grouping: Grouping

    /// A query grouping the sales matching every given filter by `grouping`.
    public init(grouping: Grouping, chargeCode: String? = nil, status: SalesQuery.Status? = nil,
                from: Int64? = nil, to: Int64? = nil) {
        self.grouping = grouping
        self.chargeCode = chargeCode
        self.status = status
        self.from = from
        self.to = to
    }
}

/// The figures of one group or of a whole analysis; exact integers.
public struct SalesFigures: Sendable, Equatable {
    /// Sales counted (see ``SalesAnalysisQuery`` for which).
    public var count: Int64
    /// Revenue, pence.
    public var revenuePence: Int64
    /// VAT, pence.
    public var vatPence: Int64
    /// Quantity sold, thousandths of a unit.
    public var quantityThousandths: Int64

    /// Figures with these values (zero by default).
    public init(count: Int64 = 0, revenuePence: Int64 = 0, vatPence: Int64 = 0, quantityThousandths: Int64 = 0) {
        self.count = count
        self.revenuePence = revenuePence
        self.vatPence = vatPence
        self.quantityThousandths = quantityThousandths
    }

    /// The sum of two sets of figures over disjoint sales.
    public static func + (lhs: SalesFigures, rhs: SalesFigures) -> SalesFigures {
        SalesFigures(count: lhs.count + rhs.count, revenuePence: lhs.revenuePence + rhs.revenuePence,
                     vatPence: lhs.vatPence + rhs.vatPence,
                     quantityThousandths: lhs.quantityThousandths + rhs.quantityThousandths)
    }
}

/// One keyed group of an analysis.
public struct SalesGroup: Sendable, Equatable {
    /// The group's key: the charge code, the status, the item's number in decimal (empty for lines
    /// without an item), or the category's name (empty for lines whose item has no category).
    public var key: String
    /// Human text: the charge code's title, the item's name, the category's name; the key when
    /// the store has nothing better.
    public var label: String
    /// The group's figures.
    public var figures: SalesFigures

    /// A group with these values.
    public init(key: String, label: String, figures: SalesFigures) {
        self.key = key
        self.label = label
        self.figures = figures
    }
}

/// The answer of ``DataSource/salesAnalysis(_:)``, read in one snapshot.
public struct SalesAnalysis: Sendable, Equatable {
    /// The keyed groups, in no particular order, each with at least one counted sale; empty for
    /// ``SalesAnalysisQuery/Grouping/periods(boundaries:)``.
    public var groups: [SalesGroup]
    /// For periods: the figures of each interval, in order (one fewer than the boundaries), zero
    /// where no sale falls; empty otherwise.
    public var periods: [SalesFigures]
    /// The figures of the whole filtered set, counted as the groups are (for the line-level
    /// groupings `count` is the distinct sales, not the sum of the groups' counts).
    public var totals: SalesFigures
    /// The earliest and latest `created_at` of the matching sales (any status), nil when none match.
    public var extent: (first: Int64, last: Int64)?

    /// An analysis with these values.
    public init(groups: [SalesGroup] = [], periods: [SalesFigures] = [], totals: SalesFigures = SalesFigures(),
                extent: (first: Int64, last: Int64)? = nil) {
        self.groups = groups
        self.periods = periods
        self.totals = totals
        self.extent = extent
    }

    /// Equal groups, periods, totals and extent.
    public static func == (lhs: SalesAnalysis, rhs: SalesAnalysis) -> Bool {
        lhs.groups == rhs.groups && lhs.periods == rhs.periods && lhs.totals == rhs.totals
            && lhs.extent?.first == rhs.extent?.first && lhs.extent?.last == rhs.extent?.last
    }
}
