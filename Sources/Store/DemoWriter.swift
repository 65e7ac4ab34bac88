/// Writes one demo-data run on the writer connection, inside the caller's transaction: categories,
/// charge codes, items, then the sales of ``DemoSchedule`` in time order with their lines.
struct DemoWriter {
    let options: DemoDataOptions
    let schedule: DemoSchedule
    let progress: @Sendable (Int, Int) -> Void

    /// Line counts 1…6 and their running weights (40% one line, 25% two, …).
    static let lineCountWeights: [Double] = [40, 65, 80, 90, 96, 100]
    /// Share of sales refunded.
    static let refundShare = 0.025
    /// Sales older than this many days are all paid.
    static let paidAfterDays: Int64 = 30

    private struct Item {
        let id: Int64
        let sku: String
        let name: String
        let pricePence: Int64
        let vatRate: Int64
        let fractional: Bool
    }

    private struct Code {
        let code: String
        let validFrom: Int64
        let validUntil: Int64?
        let weight: Double
    }

    func write(on db: isolated SQLiteConnection) throws -> DemoDataSummary {
        let items = try db.query("SELECT COUNT(*) FROM items").first?.first?.intValue ?? 0
        let sales = try db.query("SELECT COUNT(*) FROM sales").first?.first?.intValue ?? 0
        guard items == 0, sales == 0 else { throw DemoDataError.notEmpty(items: items, sales: sales) }
        var random = DemoRandom(seed: options.seed)
        let categoryIDs = try writeCategories(on: db)
        let codes = try writeChargeCodes(&random, on: db)
        let catalogue = try writeItems(&random, categoryIDs: categoryIDs, on: db)
        let written = try writeSales(&random, items: catalogue, codes: codes, on: db)
        return DemoDataSummary(categories: DemoCatalogue.categories.count, items: catalogue.count, chargeCodes: codes.count,
                               sales: written.sales, lines: written.lines, firstSale: written.first, lastSale: written.last)
    }

    /// Categories by name; one that already exists keeps its row.
    private func writeCategories(on db: isolated SQLiteConnection) throws -> [Int64] {
        try DemoCatalogue.categories.map { category throws(StoreError) -> Int64 in
            try db.run("INSERT INTO categories (name, description) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                       [.text(category.name), .text(category.description)])
            guard let id = try db.query("SELECT id FROM categories WHERE name = ?", [.text(category.name)]).first?.first?.intValue
            else { throw .sqlite(code: 1, message: "category \(category.name) vanished", sql: "SELECT id FROM categories") }
            return id
        }
    }

    private func writeChargeCodes(_ random: inout DemoRandom, on db: isolated SQLiteConnection) throws -> [Code] {
        let firstDay = UTCTime.day(of: options.end) - Int64(DemoDataOptions.historyDays) + 1
        var codes: [Code] = []
        for number in 1...DemoDataOptions.chargeCodeCount {
            let code = "DEPT" + String(repeating: "0", count: max(0, 3 - String(number).count)) + String(number)
            let title = random.pick(DemoCatalogue.groups) + " \u{2013} " + random.pick(DemoCatalogue.purposes)
            var validFrom = firstDay - Int64(random.int(30...2000))
            if number > 3, random.chance(0.15) {  // the first codes stay open for the whole history
                validFrom = firstDay + Int64(random.int(0...(DemoDataOptions.historyDays / 2)))
            }
            let validUntil = number > 3 && random.chance(0.2) ? validFrom + Int64(random.int(365...1500)) : nil
            let onHold = random.chance(0.05)
            try db.run("INSERT INTO charge_codes (code, title, valid_from, valid_until, on_hold) VALUES (?, ?, ?, ?, ?)",
                       [.text(code), .text(title), .text(UTCTime.formatDay(validFrom)),
                        validUntil.map { .text(UTCTime.formatDay($0)) } ?? .null, .integer(onHold ? 1 : 0)])
            codes.append(Code(code: code, validFrom: validFrom, validUntil: validUntil, weight: random.pareto(1.3)))
        }
        return codes
    }

    private func writeItems(_ random: inout DemoRandom, categoryIDs: [Int64], on db: isolated SQLiteConnection) throws -> [Item] {
        let categories = DemoCatalogue.categories
        var cumulative: [Double] = []
        for category in categories { cumulative.append((cumulative.last ?? 0) + category.weight) }
        var sequence = [Int](repeating: 0, count: categories.count)
        var items: [Item] = []
        items.reserveCapacity(options.items)
        for id in 1...options.items {
            // The first items take one category each, so every category has stock.
            let index = id <= categories.count ? id - 1 : random.index(cumulative: cumulative)
            let category = categories[index]
            let template = DemoCatalogue.item(category.kind, &random)
            sequence[index] += 1
            let digits = String(sequence[index])
            let sku = category.skuPrefix + "-" + String(repeating: "0", count: max(0, 5 - digits.count)) + digits
            let (minimum, stock) = Self.stockLevels(fractional: template.fractional, &random)
            let aisle = random.pick(["A", "B", "C", "D", "E", "F", "G", "H"])
            let location = "\(category.room) \(aisle)\(Self.twoDigits(random.int(1...24)))-\(random.int(1...6))"
            let updated = options.end - Int64(random.int(0...(90 * 86_400)))
            try db.run("""
                INSERT INTO items (id, sku, name, category_id, price, current_stock, minimum_stock, unit, location,
                                   is_active, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [.integer(Int64(id)), .text(sku), .text(template.name), .integer(categoryIDs[index]),
                      .integer(template.pricePence), .real(Double(stock) / 1000), .real(Double(minimum) / 1000),
                      .text(template.unit), .text(location), .integer(random.chance(0.05) ? 0 : 1),
                      .text(UTCTime.format(updated))])
            items.append(Item(id: Int64(id), sku: sku, name: template.name, pricePence: template.pricePence,
                              vatRate: category.vatRate, fractional: template.fractional))
        }
        return items
    }

    /// Minimum and current stock in thousandths; about one item in ten at or below its minimum.
    private static func stockLevels(fractional: Bool, _ random: inout DemoRandom) -> (minimum: Int64, stock: Int64) {
        if fractional {
            let minimum = Int64(random.int(20...600)) * 100  // 2.0 … 60.0 units
            let stock = random.chance(0.1) ? Int64(random.int(0...Int(minimum * 95 / 1000))) * 10
                : Int64(random.int(Int(minimum / 10)...Int(minimum * 8 / 10))) * 10
            return (minimum, stock)
        }
        let minimum = Int64(random.pick([2, 5, 5, 10, 10, 20, 25, 50]))
        let stock = random.chance(0.1) ? Int64(random.int(0...Int(minimum))) : Int64(random.int(Int(minimum) + 1...Int(minimum) * 12))
        return (minimum * 1000, stock * 1000)
    }

    private func writeSales(_ random: inout DemoRandom, items: [Item], codes: [Code],
                            on db: isolated SQLiteConnection) throws -> (sales: Int, lines: Int, first: String?, last: String?) {
        var popularity: [Double] = []
        popularity.reserveCapacity(items.count)
        for _ in items { popularity.append((popularity.last ?? 0) + random.pareto(1.1)) }
        let paidCutoff = options.end - Self.paidAfterDays * UTCTime.secondsPerDay
        var saleID: Int64 = 0
        var lineTotal = 0
        var first: String?
        var last: String?
        var lines: [(item: Item, quantity: Int64, subtotal: Int64, vat: Int64)] = []
        for day in schedule.days where day.count > 0 {
            let valid = codes.filter { $0.validFrom <= day.day && ($0.validUntil.map { day.day <= $0 } ?? true) }
            let usable = valid.isEmpty ? [codes[0]] : valid
            var codeWeights: [Double] = []
            for code in usable { codeWeights.append((codeWeights.last ?? 0) + code.weight) }
            for second in Self.sample(day.count, from: day.length, &random) {
                let at = day.start + Int64(second)
                let created = UTCTime.format(at)
                let code = usable[random.index(cumulative: codeWeights)].code
                lines.removeAll(keepingCapacity: true)
                var subtotal: Int64 = 0
                var vat: Int64 = 0
                for _ in 0...random.index(cumulative: Self.lineCountWeights) {
                    let item = items[random.index(cumulative: popularity)]
                    let quantity: Int64 = item.fractional ? Int64(random.int(5...250)) * 100
                        : (random.chance(0.55) ? 1 : Int64(random.int(2...12))) * 1000
                    let lineSubtotal = ScaledDecimal.lineSubtotal(unitPricePence: item.pricePence, quantityThousandths: quantity) ?? 0
                    let lineVAT = ScaledDecimal.lineVAT(subtotalPence: lineSubtotal, rateTenThousandths: item.vatRate) ?? 0
                    subtotal += lineSubtotal
                    vat += lineVAT
                    lines.append((item, quantity, lineSubtotal, lineVAT))
                }
                let refunded = random.chance(Self.refundShare)
                let paid = refunded || at < paidCutoff || random.chance(0.85)
                saleID += 1
                let reference = "S" + created.filter { $0.isNumber }
                try db.run("""
                    INSERT INTO sales (id, sale_id, charge_code, subtotal_amount, vat_amount, total_amount, status, is_paid,
                                       created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [.integer(saleID), .text(reference), .text(code), .integer(subtotal), .integer(vat),
                          .integer(subtotal + vat), .text(refunded ? "refunded" : "completed"), .integer(paid ? 1 : 0),
                          .text(created)])
                for line in lines {
                    try db.run("""
                        INSERT INTO sale_items (sale_id, item_id, item_name, item_sku, unit_price, vat_rate, quantity,
                                                subtotal, vat_amount, total_with_vat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, [.integer(saleID), .integer(line.item.id), .text(line.item.name), .text(line.item.sku),
                              .integer(line.item.pricePence), .real(Double(line.item.vatRate) / 10_000),
                              .real(Double(line.quantity) / 1000), .integer(line.subtotal), .integer(line.vat),
                              .integer(line.subtotal + line.vat)])
                }
                lineTotal += lines.count
                if first == nil { first = created }
                last = created
                if saleID % Int64(DemoData.progressInterval) == 0 { progress(Int(saleID), options.sales) }
            }
        }
        if saleID % Int64(DemoData.progressInterval) != 0 { progress(Int(saleID), options.sales) }
        return (Int(saleID), lineTotal, first, last)
    }

    /// `count` distinct offsets from `0..<length`, ascending (Floyd's algorithm for sparse samples,
    /// selection sampling for dense ones).
    static func sample(_ count: Int, from length: Int, _ random: inout DemoRandom) -> [Int] {
        if count * 8 < length {
            var chosen = Set<Int>(minimumCapacity: count)
            for upper in (length - count)..<length {
                let candidate = random.int(0...upper)
                chosen.insert(chosen.contains(candidate) ? upper : candidate)
            }
            return chosen.sorted()
        }
        var result: [Int] = []
        result.reserveCapacity(count)
        for offset in 0..<length where result.count < count {
            if random.below(length - offset) < count - result.count { result.append(offset) }
        }
        return result
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
