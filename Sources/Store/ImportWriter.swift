/// Why an import wrote nothing: a bad record (with its position) or a store failure.
public enum ImportFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(ImportError)
    case store(StoreError)

    /// The error's one-line description.
    public var description: String {
        switch self {
        case .invalid(let error): return error.description
        case .store(let error): return error.description
        }
    }
}

/// Writes an ``ImportBatch`` in one transaction on the store's writer: categories and charge codes
/// upsert by name and code, items by SKU, sales are added with their lines.
///
/// Guarantees:
/// - All or nothing: the first record that cannot be written (unknown charge code or SKU, a
///   `sale_id` already present with different contents, amounts beyond 64 bits) rolls everything
///   back and is reported with its position; a killed process leaves the previous data intact
///   (SQLite's WAL never exposes an uncommitted transaction).
/// - A sale whose `sale_id` is already present with identical contents (charge code, time, status,
///   totals and lines; `paid` only when the file says) is skipped, so importing a file twice adds
///   nothing the second time.
/// - Line subtotal = unit price × quantity and line VAT = subtotal × rate, each rounded half-up to
///   the penny (`ScaledDecimal`); sale totals are the sums. Importing sales never changes stock.
/// - Category names match case-insensitively (an item naming `chemicals` joins `Chemicals`); an
///   item's category that does not exist yet is created.
public enum ImportWriter {
    /// How often `progress` is told, in sales.
    public static let progressInterval = 50_000

    /// Writes `batch` into `store`; `now` (seconds since the epoch) stamps `items.updated_at`.
    /// `progress(done, total)` is called from the writer's thread as sales are written.
    public static func write(_ batch: ImportBatch, into store: Store, now: Int64,
                             progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws(ImportFailure)
        -> ImportSummary
    {
        do {
            return try await store.writer.transaction { db in
                var writer = Session(stamp: UTCTime.format(now))
                try KeptSalesTotals.beginBatch(on: db)
                let summary = try writer.write(batch, progress: progress, on: db)
                try KeptSalesTotals.finishBatch(on: db)
                return summary
            }
        } catch let error as ImportError {
            throw .invalid(error)
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .store(.sqlite(code: 1, message: "\(error)", sql: "import"))
        }
    }

    /// One import's state: what it has counted and the ids it has looked up.
    private struct Session {
        let stamp: String
        var summary = ImportSummary()
        var categoryIDs: [String: Int64] = [:]
        var knownCodes: Set<String> = []
        var itemsBySKU: [String: (id: Int64, name: String)] = [:]

        init(stamp: String) {
            self.stamp = stamp
        }

        mutating func write(_ batch: ImportBatch, progress: (Int, Int) -> Void, on db: isolated SQLiteConnection) throws -> ImportSummary {
            for category in batch.categories {
                if let id = try categoryID(category.name, on: db) {
                    if let description = category.description {
                        try db.run("UPDATE categories SET description = ? WHERE id = ?", [.text(description), .integer(id)])
                    }
                    summary.categoriesUpdated += 1
                } else {
                    try addCategory(category.name, description: category.description, on: db)
                }
            }
            for item in batch.items { try write(item, on: db) }
            for code in batch.chargeCodes { try write(code, on: db) }
            for (index, sale) in batch.sales.enumerated() {
                try write(sale, on: db)
                if (index + 1) % progressInterval == 0 { progress(index + 1, batch.sales.count) }
            }
            return summary
        }

        /// The id of the category named `name` (any case), nil when there is none.
        private mutating func categoryID(_ name: String, on db: isolated SQLiteConnection) throws -> Int64? {
            if let id = categoryIDs[name.lowercased()] { return id }
            guard let id = try db.query("SELECT id FROM categories WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1",
                                        [.text(name)]).first?.first?.intValue else { return nil }
            categoryIDs[name.lowercased()] = id
            return id
        }

        @discardableResult
        private mutating func addCategory(_ name: String, description: String?, on db: isolated SQLiteConnection) throws -> Int64 {
            let id = try db.run("INSERT INTO categories (name, description) VALUES (?, ?)",
                                [.text(name), description.map { .text($0) } ?? .null]).lastRowID
            categoryIDs[name.lowercased()] = id
            summary.categoriesAdded += 1
            return id
        }

        private mutating func write(_ item: ImportItem, on db: isolated SQLiteConnection) throws {
            let category = try categoryID(item.category, on: db) ?? addCategory(item.category, description: nil, on: db)
            func real(_ thousandths: Int64?) -> SQLValue { thousandths.map { .real(Double($0) / 1000) } ?? .null }
            let optional: [SQLValue] = [real(item.stockThousandths), real(item.minimumStockThousandths),
                                        item.unit.map { .text($0) } ?? .null, item.location.map { .text($0) } ?? .null,
                                        item.isActive.map { .integer($0 ? 1 : 0) } ?? .null]
            if let existing = try db.query("SELECT id FROM items WHERE sku = ?", [.text(item.sku)]).first?.first?.intValue {
                try db.run("""
                    UPDATE items SET name = ?, category_id = ?, price = ?, current_stock = COALESCE(?, current_stock),
                        minimum_stock = COALESCE(?, minimum_stock), unit = COALESCE(?, unit),
                        location = COALESCE(?, location), is_active = COALESCE(?, is_active), updated_at = ?
                    WHERE id = ?
                    """, [.text(item.name), .integer(category), .integer(item.pricePence)] + optional
                        + [.text(stamp), .integer(existing)])
                itemsBySKU[item.sku] = (existing, item.name)
                summary.itemsUpdated += 1
            } else {
                let id = try db.run("""
                    INSERT INTO items (sku, name, category_id, price, current_stock, minimum_stock, unit, location,
                                       is_active, updated_at)
                    VALUES (?, ?, ?, ?, COALESCE(?, 0), COALESCE(?, 0), COALESCE(?, 'each'), ?, COALESCE(?, 1), ?)
                    """, [.text(item.sku), .text(item.name), .integer(category), .integer(item.pricePence)] + optional
                        + [.text(stamp)]).lastRowID
                itemsBySKU[item.sku] = (id, item.name)
                summary.itemsAdded += 1
            }
        }

        private mutating func write(_ code: ImportChargeCode, on db: isolated SQLiteConnection) throws {
            let values: [SQLValue] = [.text(code.title), code.validFrom.map { .text($0) } ?? .null,
                                      code.validUntil.map { .text($0) } ?? .null, code.onHold.map { .integer($0 ? 1 : 0) } ?? .null]
            if try db.query("SELECT 1 FROM charge_codes WHERE code = ?", [.text(code.code)]).isEmpty {
                try db.run("""
                    INSERT INTO charge_codes (title, valid_from, valid_until, on_hold, code) VALUES (?, ?, ?, COALESCE(?, 0), ?)
                    """, values + [.text(code.code)])
                summary.chargeCodesAdded += 1
            } else {
                try db.run("""
                    UPDATE charge_codes SET title = ?, valid_from = COALESCE(?, valid_from),
                        valid_until = COALESCE(?, valid_until), on_hold = COALESCE(?, on_hold) WHERE code = ?
                    """, values + [.text(code.code)])
                summary.chargeCodesUpdated += 1
            }
            knownCodes.insert(code.code)
        }

        private mutating func item(_ sku: String, at position: String, on db: isolated SQLiteConnection) throws -> (id: Int64, name: String) {
            if let known = itemsBySKU[sku] { return known }
            guard let row = try db.query("SELECT id, name FROM items WHERE sku = ?", [.text(sku)]).first,
                  let id = row[0].intValue, let name = row[1].stringValue else {
                throw ImportError(position, "no item has SKU \(sku) (in the file or the store)")
            }
            itemsBySKU[sku] = (id, name)
            return (id, name)
        }

        private mutating func write(_ sale: ImportSale, on db: isolated SQLiteConnection) throws {
            if !knownCodes.contains(sale.chargeCode) {
                guard try !db.query("SELECT 1 FROM charge_codes WHERE code = ?", [.text(sale.chargeCode)]).isEmpty else {
                    throw ImportError(sale.position.field("charge_code"),
                                      "no charge code \(sale.chargeCode) (in the file or the store)")
                }
                knownCodes.insert(sale.chargeCode)
            }
            var lines: [StoredLine] = []
            var subtotal: Int64 = 0
            var vat: Int64 = 0
            for line in sale.lines {
                let item = try item(line.sku, at: line.position.field("sku"), on: db)
                guard let lineSubtotal = ScaledDecimal.lineSubtotal(unitPricePence: line.unitPricePence,
                                                                    quantityThousandths: line.quantityThousandths),
                      let lineVAT = ScaledDecimal.lineVAT(subtotalPence: lineSubtotal, rateTenThousandths: line.vatRateTenThousandths),
                      case (let newSubtotal, false) = subtotal.addingReportingOverflow(lineSubtotal),
                      case (let newVAT, false) = vat.addingReportingOverflow(lineVAT),
                      !newSubtotal.addingReportingOverflow(newVAT).overflow else {
                    throw ImportError(line.position.record, "the amounts are too large")
                }
                subtotal = newSubtotal
                vat = newVAT
                lines.append(StoredLine(itemID: item.id, name: item.name, sku: line.sku, unitPrice: line.unitPricePence,
                                        rate: line.vatRateTenThousandths, quantity: line.quantityThousandths,
                                        subtotal: lineSubtotal, vat: lineVAT))
            }
            let created = UTCTime.format(sale.createdAt)
            if let existing = try db.query("""
                SELECT id, charge_code, subtotal_amount, vat_amount, total_amount, status, is_paid, created_at
                FROM sales WHERE sale_id = ?
                """, [.text(sale.saleRef)]).first {
                let stored = try storedLines(saleID: existing[0].intValue ?? -1, on: db)
                var differences: [String] = []
                if existing[1] != .text(sale.chargeCode) { differences.append("charge_code") }
                if existing[7] != .text(created) { differences.append("timestamp") }
                if existing[5] != .text(sale.status.rawValue) { differences.append("status") }
                if let paid = sale.isPaid, existing[6] != .integer(paid ? 1 : 0) { differences.append("paid") }
                if stored != lines || existing[2] != .integer(subtotal) || existing[3] != .integer(vat) {
                    differences.append("lines")
                }
                guard differences.isEmpty else {
                    throw ImportError(sale.position.field("sale_id"), "\(sale.saleRef) is already in the store with a "
                        + "different \(differences.joined(separator: ", ")); a repeated sale must be identical")
                }
                summary.salesSkipped += 1
                return
            }
            let saleID = try db.run("""
                INSERT INTO sales (sale_id, charge_code, subtotal_amount, vat_amount, total_amount, status, is_paid, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(sale.saleRef), .text(sale.chargeCode), .integer(subtotal), .integer(vat), .integer(subtotal + vat),
                      .text(sale.status.rawValue), .integer(sale.isPaid == false ? 0 : 1), .text(created)]).lastRowID
            for line in lines {
                try db.run("""
                    INSERT INTO sale_items (sale_id, item_id, item_name, item_sku, unit_price, vat_rate, quantity, subtotal,
                                            vat_amount, total_with_vat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.integer(saleID), .integer(line.itemID), .text(line.name), .text(line.sku), .integer(line.unitPrice),
                          .real(Double(line.rate) / Double(ScaledDecimal.rateFactor)),
                          .real(Double(line.quantity) / Double(ScaledDecimal.quantityFactor)), .integer(line.subtotal),
                          .integer(line.vat), .integer(line.subtotal + line.vat)])
            }
            summary.salesAdded += 1
            summary.linesAdded += lines.count
        }

        /// The lines of stored sale `saleID`, in the form an import computes them.
        private func storedLines(saleID: Int64, on db: isolated SQLiteConnection) throws -> [StoredLine] {
            try db.query("""
                SELECT item_id, item_name, item_sku, unit_price, vat_rate, quantity, subtotal, vat_amount
                FROM sale_items WHERE sale_id = ? ORDER BY id
                """, [.integer(saleID)]).map { row in
                StoredLine(itemID: row[0].intValue ?? -1, name: row[1].stringValue ?? "", sku: row[2].stringValue ?? "",
                           unitPrice: row[3].intValue ?? -1,
                           rate: Int64(((row[4].doubleValue ?? -1) * Double(ScaledDecimal.rateFactor)).rounded()),
                           quantity: Int64(((row[5].doubleValue ?? -1) * Double(ScaledDecimal.quantityFactor)).rounded()),
                           subtotal: row[6].intValue ?? -1, vat: row[7].intValue ?? -1)
            }
        }
    }

    /// A sale line as stored, for writing and for comparing a repeated sale. The item's id and name
    /// are not compared (an item may have been renamed since).
    private struct StoredLine: Equatable {
        let itemID: Int64
        let name: String
        let sku: String
        let unitPrice: Int64
        let rate: Int64
        let quantity: Int64
        let subtotal: Int64
        let vat: Int64

        static func == (lhs: StoredLine, rhs: StoredLine) -> Bool {
            lhs.sku == rhs.sku && lhs.unitPrice == rhs.unitPrice && lhs.rate == rhs.rate && lhs.quantity == rhs.quantity
                && lhs.subtotal == rhs.subtotal && lhs.vat == rhs.vat
        }
    }
}
