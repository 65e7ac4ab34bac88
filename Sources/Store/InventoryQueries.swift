/// One item as `get_inventory` shows it, price in pence.
public struct ItemRecord: Sendable, Equatable {
    /// `items.id`.
    public var id: Int64
    /// The stock-keeping unit.
    public var sku: String
    /// The item's name.
    public var name: String
    /// The name of the item's category.
    public var category: String
    /// `items.current_stock`; fractional for kilograms and litres.
    public var stock: Double
    /// The reorder level.
    public var minimumStock: Double
    /// e.g. `each`, `L`, `kg`.
    public var unit: String
    /// `items.location`, "" when unset.
    public var location: String
    /// Shelf price per unit, pence, as the store keeps it: before VAT in the embedded store; in
    /// LUStores' PostgreSQL database including VAT when ``vatIncluded`` is true.
    public var pricePence: Int64
    /// Still stocked.
    public var isActive: Bool
    /// The item's VAT rate as a fraction (0.2 is 20 %), when the store keeps one per item (LUStores'
    /// PostgreSQL database does; the embedded store does not, and leaves it nil).
    public var vatRate: Double?
    /// Whether ``pricePence`` includes VAT, when the store says so per item (nil in the embedded
    /// store, whose prices are all before VAT).
    public var vatIncluded: Bool?

    /// An item with these values.
    public init(id: Int64, sku: String, name: String, category: String, stock: Double, minimumStock: Double,
                unit: String, location: String, pricePence: Int64, isActive: Bool,
                vatRate: Double? = nil, vatIncluded: Bool? = nil) {
        self.id = id
        self.sku = sku
        self.name = name
        self.category = category
        self.stock = stock
        self.minimumStock = minimumStock
        self.unit = unit
        self.location = location
        self.pricePence = pricePence
        self.isActive = isActive
        self.vatRate = vatRate
        self.vatIncluded = vatIncluded
    }

    /// Low on stock: `stock ≤ minimum_stock`.
    public var isLowOnStock: Bool { stock <= minimumStock }

    /// The stock in thousandths of a unit, as the exact stock value uses it (rounded half away from
    /// zero, as SQLite's `ROUND` does).
    public var stockThousandths: Int64 { Self.thousandths(stock) }

    /// The reorder level in thousandths of a unit, rounded as ``stockThousandths`` is.
    public var minimumStockThousandths: Int64 { Self.thousandths(minimumStock) }

    private static func thousandths(_ units: Double) -> Int64 {
        let scaled = (units * Double(ScaledDecimal.quantityFactor)).rounded()
        return scaled.magnitude < 9.0e18 ? Int64(scaled) : 0
    }

    /// Σ price × stock of `items` in pence by the rule of ``InventoryPage/stockValuePence``: the
    /// exact sum (pence × thousandths) rounded half-up to the penny once, at the end.
    public static func stockValuePence(of items: some Sequence<ItemRecord>) -> Int64 {
        var milliPence: Int128 = 0
        for item in items { milliPence += Int128(item.pricePence) * Int128(item.stockThousandths) }
        return InventorySnapshot.pence(milliPence: milliPence)
    }
}

/// Which items `get_inventory` asks for.
public struct InventoryFilter: Sendable, Equatable {
    /// Only items of the category with this name (case-insensitive), when set.
    public var category: String?
    /// Only items whose name or SKU contains this text (case-insensitive), when set and not empty.
    public var search: String?
    /// Only items low on stock.
    public var lowStockOnly: Bool
    /// Inactive items too (by default only active ones).
    public var includeInactive: Bool

    /// A filter; by default every active item.
    public init(category: String? = nil, search: String? = nil, lowStockOnly: Bool = false, includeInactive: Bool = false) {
        self.category = category
        self.search = search
        self.lowStockOnly = lowStockOnly
        self.includeInactive = includeInactive
    }
}

/// A page of items with the figures of every matching item.
public struct InventoryPage: Sendable, Equatable {
    /// The items of the page, by `name, id`.
    public var items: [ItemRecord]
    /// Every category name, sorted.
    public var categories: [String]
    /// Number of matching items.
    public var total: Int64
    /// Number of matching items low on stock.
    public var lowStockCount: Int64
    /// Σ price × stock of the matching items in pence: the exact sum (price in pence × stock in
    /// thousandths) rounded half-up to the penny once, at the end.
    public var stockValuePence: Int64

    /// A page with these figures.
    public init(items: [ItemRecord], categories: [String], total: Int64, lowStockCount: Int64, stockValuePence: Int64) {
        self.items = items
        self.categories = categories
        self.total = total
        self.lowStockCount = lowStockCount
        self.stockValuePence = stockValuePence
    }
}

/// The queries behind `get_inventory`.
///
/// Guarantees: items sort by `name, id` (binary order, a total order); sums are exact integers
/// (price in pence × stock in thousandths); both functions read in one read transaction.
public enum InventoryQueries {
    private static let itemColumns = """
        SELECT i.id, i.sku, i.name, c.name, i.current_stock, i.minimum_stock, i.unit, COALESCE(i.location, ''),
               i.price, i.is_active
        FROM items i JOIN categories c ON c.id = i.category_id
        """

    /// Every item (active or not) by `name, id`, and every category name, in one snapshot.
    public static func all(on db: isolated SQLiteConnection) throws(StoreError) -> (items: [ItemRecord], categories: [String]) {
        let items = try db.query(itemColumns + " ORDER BY i.name, i.id").map(item)
        return (items, try categories(on: db))
    }

    /// The page of items matching `filter`, computed in SQL (`LIKE`, so case-insensitive for ASCII
    /// letters only). The catalogue's reference and its path for very large catalogues.
    public static func page(_ filter: InventoryFilter, offset: Int64, limit: Int,
                            on db: isolated SQLiteConnection) throws(StoreError) -> InventoryPage {
        var conditions: [String] = []
        var bindings: [SQLValue] = []
        if !filter.includeInactive { conditions.append("i.is_active = 1") }
        if let category = filter.category {
            conditions.append("c.name = ? COLLATE NOCASE")
            bindings.append(.text(category))
        }
        if let search = filter.search, !search.isEmpty {
            var escaped = ""
            for character in search {
                if character == "\\" || character == "%" || character == "_" { escaped.append("\\") }
                escaped.append(character)
            }
            conditions.append("(i.name LIKE ? ESCAPE '\\' OR i.sku LIKE ? ESCAPE '\\')")
            bindings += [.text("%" + escaped + "%"), .text("%" + escaped + "%")]
        }
        if filter.lowStockOnly { conditions.append("i.current_stock <= i.minimum_stock") }
        let filterSQL = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let summarySQL = """
            SELECT COUNT(*), COALESCE(SUM(i.current_stock <= i.minimum_stock), 0),
                   COALESCE(SUM(i.price * CAST(ROUND(i.current_stock * 1000) AS INTEGER)), 0)
            FROM items i JOIN categories c ON c.id = i.category_id
            """ + filterSQL
        guard let summary = try db.query(summarySQL, bindings).first, summary.count == 3,
              let total = summary[0].intValue, let low = summary[1].intValue, let value = summary[2].intValue else {
            throw .sqlite(code: 20, message: "unexpected result shape", sql: "inventory summary")
        }
        let items = try db.query(itemColumns + filterSQL + " ORDER BY i.name, i.id LIMIT ? OFFSET ?",
                                 bindings + [.integer(Int64(limit)), .integer(offset)]).map(item)
        return InventoryPage(items: items, categories: try categories(on: db), total: total, lowStockCount: low,
                             stockValuePence: ScaledDecimal.divideRoundingHalfUp(value, by: ScaledDecimal.quantityFactor))
    }

    /// Every charge code by code (binary order); `valid_from` and `valid_until` are kept as
    /// `YYYY-MM-DD` (a longer text is read by its first ten characters).
    public static func chargeCodes(on db: isolated SQLiteConnection) throws(StoreError) -> [ChargeCodeRecord] {
        try db.query("SELECT code, title, valid_from, valid_until, on_hold FROM charge_codes ORDER BY code").map { row throws(StoreError) in
            guard row.count == 5, let code = row[0].stringValue, let title = row[1].stringValue, let onHold = row[4].intValue else {
                throw .sqlite(code: 20, message: "a charge_codes row has an unexpected type", sql: "SELECT code, title …")
            }
            return ChargeCodeRecord(code: code, title: title, validFrom: row[2].stringValue.flatMap { UTCTime.parseDay(String($0.prefix(10))) },
                                    validUntil: row[3].stringValue.flatMap { UTCTime.parseDay(String($0.prefix(10))) },
                                    onHold: onHold != 0)
        }
    }

    private static func categories(on db: isolated SQLiteConnection) throws(StoreError) -> [String] {
        try db.query("SELECT name FROM categories ORDER BY name").compactMap { $0.first?.stringValue }
    }

    private static func item(_ row: [SQLValue]) throws(StoreError) -> ItemRecord {
        guard row.count == 10, let id = row[0].intValue, let sku = row[1].stringValue, let name = row[2].stringValue,
              let category = row[3].stringValue, let stock = row[4].doubleValue, let minimum = row[5].doubleValue,
              let unit = row[6].stringValue, let location = row[7].stringValue, let price = row[8].intValue,
              let active = row[9].intValue else {
            throw .sqlite(code: 20, message: "an items row has an unexpected type", sql: "SELECT i.id, i.sku …")
        }
        return ItemRecord(id: id, sku: sku, name: name, category: category, stock: stock, minimumStock: minimum,
                          unit: unit, location: location, pricePence: price, isActive: active != 0)
    }
}
