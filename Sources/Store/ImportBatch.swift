/// Where a record came from in an import file, to name it in an error: `items[3]` of a JSON file
/// (fields `items[3].price`) or `line 5` of a CSV file (fields `line 5, column price`).
public struct ImportPosition: Sendable, Equatable, CustomStringConvertible {
    /// The record, e.g. `sales[17]` or `line 5`.
    public let record: String
    /// Whether fields are written `record, column field` (CSV) rather than `record.field` (JSON).
    public let isCSV: Bool

    public init(record: String, isCSV: Bool = false) {
        self.record = record
        self.isCSV = isCSV
    }

    /// The position of `field` of the record.
    public func field(_ name: String) -> String {
        isCSV ? "\(record), column \(name)" : "\(record).\(name)"
    }

    public var description: String { record }
}

/// A rejected import: the first bad record, where it is and what is wrong. Nothing was written.
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where, e.g. `sales[17].lines[2].quantity` (empty for the file as a whole).
    public let position: String
    /// What, e.g. `must be greater than 0`.
    public let message: String

    public init(_ position: String, _ message: String) {
        self.position = position
        self.message = message
    }

    public var description: String { position.isEmpty ? message : "\(position): \(message)" }
}

/// A category to add or update by name.
public struct ImportCategory: Sendable, Equatable {
    public var name: String
    /// Nil keeps an existing description (a new category gets none).
    public var description: String?
    public var position: ImportPosition

    public init(name: String, description: String?, position: ImportPosition) {
        self.name = name
        self.description = description
        self.position = position
    }
}

/// An item to add or update by SKU. Nil optional fields keep an existing item's values; a new item
/// gets stock 0, minimum 0, unit `each`, no location, active.
public struct ImportItem: Sendable, Equatable {
    public var sku: String
    public var name: String
    /// Category name; a category that does not exist yet is created.
    public var category: String
    public var pricePence: Int64
    public var stockThousandths: Int64?
    public var minimumStockThousandths: Int64?
    public var unit: String?
    public var location: String?
    public var isActive: Bool?
    public var position: ImportPosition

    public init(sku: String, name: String, category: String, pricePence: Int64, stockThousandths: Int64?,
                minimumStockThousandths: Int64?, unit: String?, location: String?, isActive: Bool?, position: ImportPosition) {
        self.sku = sku
        self.name = name
        self.category = category
        self.pricePence = pricePence
        self.stockThousandths = stockThousandths
        self.minimumStockThousandths = minimumStockThousandths
        self.unit = unit
        self.location = location
        self.isActive = isActive
        self.position = position
    }
}

/// A charge code to add or update. Nil optional fields keep an existing code's values.
public struct ImportChargeCode: Sendable, Equatable {
    public var code: String
    public var title: String
    /// `YYYY-MM-DD`.
    public var validFrom: String?
    public var validUntil: String?
    public var onHold: Bool?
    public var position: ImportPosition

    public init(code: String, title: String, validFrom: String?, validUntil: String?, onHold: Bool?, position: ImportPosition) {
        self.code = code
        self.title = title
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.onHold = onHold
        self.position = position
    }
}

/// One line of an imported sale.
public struct ImportLine: Sendable, Equatable {
    public var sku: String
    public var quantityThousandths: Int64
    public var unitPricePence: Int64
    public var vatRateTenThousandths: Int64
    public var position: ImportPosition

    public init(sku: String, quantityThousandths: Int64, unitPricePence: Int64, vatRateTenThousandths: Int64,
                position: ImportPosition) {
        self.sku = sku
        self.quantityThousandths = quantityThousandths
        self.unitPricePence = unitPricePence
        self.vatRateTenThousandths = vatRateTenThousandths
        self.position = position
    }
}

/// A historical sale to add (or skip, when the same sale is already there).
public struct ImportSale: Sendable, Equatable {
    /// The counter's reference (`sales.sale_id`).
    public var saleRef: String
    public var chargeCode: String
    /// When, seconds since the epoch (UTC).
    public var createdAt: Int64
    public var status: SalesQuery.Status
    /// Nil: paid (history is settled) for a new sale, and not compared for a repeated one.
    public var isPaid: Bool?
    public var lines: [ImportLine]
    public var position: ImportPosition

    public init(saleRef: String, chargeCode: String, createdAt: Int64, status: SalesQuery.Status, isPaid: Bool?,
                lines: [ImportLine], position: ImportPosition) {
        self.saleRef = saleRef
        self.chargeCode = chargeCode
        self.createdAt = createdAt
        self.status = status
        self.isPaid = isPaid
        self.lines = lines
        self.position = position
    }
}

/// Everything one import file holds, already checked for form; `ImportWriter` checks references
/// and writes it.
public struct ImportBatch: Sendable, Equatable {
    public var categories: [ImportCategory] = []
    public var items: [ImportItem] = []
    public var chargeCodes: [ImportChargeCode] = []
    public var sales: [ImportSale] = []

    public init() {}
}

/// What an import did, record by record.
public struct ImportSummary: Sendable, Equatable, CustomStringConvertible {
    public var categoriesAdded = 0
    public var categoriesUpdated = 0
    public var itemsAdded = 0
    public var itemsUpdated = 0
    public var chargeCodesAdded = 0
    public var chargeCodesUpdated = 0
    public var salesAdded = 0
    /// Sales already in the store, identical: left as they were.
    public var salesSkipped = 0
    public var linesAdded = 0

    public init() {}

    public var description: String {
        "categories: \(categoriesAdded) added, \(categoriesUpdated) updated; "
            + "items: \(itemsAdded) added, \(itemsUpdated) updated; "
            + "charge codes: \(chargeCodesAdded) added, \(chargeCodesUpdated) updated; "
            + "sales: \(salesAdded) added (\(linesAdded) lines), \(salesSkipped) skipped as already present"
    }
}
