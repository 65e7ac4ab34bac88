/// Where a record came from in an import file, to name it in an error: `items[3]` of a JSON file
/// (fields `items[3].price`) or `line 5` of a CSV file (fields `line 5, column price`).
public struct ImportPosition: Sendable, Equatable, CustomStringConvertible {
    /// The record, e.g. `sales[17]` or `line 5`.
    public let record: String
    /// Whether fields are written `record, column field` (CSV) rather than `record.field` (JSON).
    public let isCSV: Bool

    /// The position of `record`, fields written CSV-style when `isCSV`.
    public init(record: String, isCSV: Bool = false) {
        self.record = record
        self.isCSV = isCSV
    }

    /// The position of `field` of the record.
    public func field(_ name: String) -> String {
        isCSV ? "\(record), column \(name)" : "\(record).\(name)"
    }

    /// The record, e.g. `items[3]`.
    public var description: String { record }
}

/// A rejected import: the first bad record, where it is and what is wrong. Nothing was written.
public struct ImportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where, e.g. `sales[17].lines[2].quantity` (empty for the file as a whole).
    public let position: String
    /// What, e.g. `must be greater than 0`.
    public let message: String

    /// An error at `position` saying `message`.
    public init(_ position: String, _ message: String) {
        self.position = position
        self.message = message
    }

    /// `position: message`, or the message alone for the file as a whole.
    public var description: String { position.isEmpty ? message : "\(position): \(message)" }
}

/// A category to add or update by name.
public struct ImportCategory: Sendable, Equatable {
    /// The category name (matched case-insensitively).
    public var name: String
    /// Nil keeps an existing description (a new category gets none).
    public var description: String?
    /// Where the record is in the file.
    public var position: ImportPosition

    /// A category record; the reader has checked its form.
    public init(name: String, description: String?, position: ImportPosition) {
        self.name = name
        self.description = description
        self.position = position
    }
}

/// An item to add or update by SKU. Nil optional fields keep an existing item's values; a new item
/// gets stock 0, minimum 0, unit `each`, no location, active.
public struct ImportItem: Sendable, Equatable {
    /// The stock-keeping unit, matched exactly.
    public var sku: String
    /// The category name (matched case-insensitively).
    public var name: String
    /// Category name; a category that does not exist yet is created.
    public var category: String
    /// Price per unit before VAT, pence.
    public var pricePence: Int64
    /// Units in stock, thousandths; nil keeps the current stock.
    public var stockThousandths: Int64?
    /// Reorder level, thousandths; nil keeps the current level.
    public var minimumStockThousandths: Int64?
    /// e.g. `each`, `L`, `kg`; nil keeps the current unit.
    public var unit: String?
    /// Where it is stored; nil keeps the current location.
    public var location: String?
    /// Still stocked; nil keeps the current flag.
    public var isActive: Bool?
    /// Where the record is in the file.
    public var position: ImportPosition

    /// An item record; the reader has checked its form.
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
    /// The charge code, matched exactly.
    public var code: String
    /// What the code pays for.
    public var title: String
    /// `YYYY-MM-DD`.
    public var validFrom: String?
    /// `YYYY-MM-DD`, not before `validFrom`.
    public var validUntil: String?
    /// Whether the code is on hold; nil keeps the current flag (a new code is not).
    public var onHold: Bool?
    /// Where the record is in the file.
    public var position: ImportPosition

    /// A charge-code record; the reader has checked its form and dates.
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
    /// The stock-keeping unit, matched exactly.
    public var sku: String
    /// Quantity sold, thousandths of a unit (> 0).
    public var quantityThousandths: Int64
    /// Price per unit before VAT, pence.
    public var unitPricePence: Int64
    /// VAT rate, ten-thousandths (2000 is 20%).
    public var vatRateTenThousandths: Int64
    /// Where the record is in the file.
    public var position: ImportPosition

    /// A sale line; the reader has checked its form.
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
    /// The charge code the sale is charged to; must exist in the file or the store.
    public var chargeCode: String
    /// When, seconds since the epoch (UTC).
    public var createdAt: Int64
    /// Completed or refunded.
    public var status: SalesQuery.Status
    /// Nil: paid (history is settled) for a new sale, and not compared for a repeated one.
    public var isPaid: Bool?
    /// The lines, in order (at least one).
    public var lines: [ImportLine]
    /// Where the record is in the file.
    public var position: ImportPosition

    /// A sale record; the reader has checked its form and time.
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
    /// Categories, in file order.
    public var categories: [ImportCategory] = []
    /// Items, in file order.
    public var items: [ImportItem] = []
    /// Charge codes, in file order.
    public var chargeCodes: [ImportChargeCode] = []
    /// Sales, in file order.
    public var sales: [ImportSale] = []

    /// Nothing yet.
    public init() {}
}

/// What an import did, record by record.
public struct ImportSummary: Sendable, Equatable, CustomStringConvertible {
    /// Categories created (named by the file or by an item).
    public var categoriesAdded = 0
    /// Categories the file named that already existed.
    public var categoriesUpdated = 0
    /// Items created.
    public var itemsAdded = 0
    /// Items whose SKU already existed, updated.
    public var itemsUpdated = 0
    /// Charge codes created.
    public var chargeCodesAdded = 0
    /// Charge codes that already existed, updated.
    public var chargeCodesUpdated = 0
    /// Sales written.
    public var salesAdded = 0
    /// Sales already in the store, identical: left as they were.
    public var salesSkipped = 0
    /// Lines of the sales written.
    public var linesAdded = 0

    /// Nothing yet.
    public init() {}

    /// One line: what was added, updated and skipped.
    public var description: String {
        "categories: \(categoriesAdded) added, \(categoriesUpdated) updated; "
            + "items: \(itemsAdded) added, \(itemsUpdated) updated; "
            + "charge codes: \(chargeCodesAdded) added, \(chargeCodesUpdated) updated; "
            + "sales: \(salesAdded) added (\(linesAdded) lines), \(salesSkipped) skipped as already present"
    }
}
