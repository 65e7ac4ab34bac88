#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Every item of the store held in memory, sorted by `name, id`, with what filtering needs
/// precomputed: lower-cased UTF-8 of each name and SKU, lower-cased category names, stock in
/// thousandths.
///
/// Guarantees: ``page(_:offset:limit:)`` answers exactly what `InventoryQueries.page` answers on
/// the same rows (same order, counts and exact sums; tests compare them), except that search and
/// category matching fold case for every script, not only ASCII. Immutable, so it is shared
/// between concurrent calls freely.
struct InventorySnapshot: Sendable {
    /// The `PRAGMA data_version` the rows were read at.
    let dataVersion: Int64
    let items: [ItemRecord]
    let categories: [String]
    /// Per item, in `items` order, what a filter reads, in flat arrays so a pass over ten thousand
    /// items touches no reference-counted value: lower-cased names and SKUs back to back in one
    /// buffer (`text[nameStart[i]..<skuStart[i]]`, `text[skuStart[i]..<nameStart[i + 1]]`), the
    /// index of the lower-cased category name, activity, low stock, price and stock.
    private let text: [UInt8]
    private let nameStart: [Int]
    private let skuStart: [Int]
    private let categoryIndex: [Int]
    private let foldedCategoryNames: [String]
    private let isActive: [Bool]
    private let isLow: [Bool]
    private let pricePence: [Int64]
    private let stockThousandths: [Int64]

    init(dataVersion: Int64, items: [ItemRecord], categories: [String]) {
        self.dataVersion = dataVersion
        self.items = items
        self.categories = categories
        var text: [UInt8] = []
        var nameStart: [Int] = []
        var skuStart: [Int] = []
        var categoryIndex: [Int] = []
        var folded: [String] = []
        var foldedIndex: [String: Int] = [:]
        nameStart.reserveCapacity(items.count + 1)
        skuStart.reserveCapacity(items.count)
        for item in items {
            nameStart.append(text.count)
            text.append(contentsOf: item.name.lowercased().utf8)
            skuStart.append(text.count)
            text.append(contentsOf: item.sku.lowercased().utf8)
            let category = item.category.lowercased()
            if let index = foldedIndex[category] {
                categoryIndex.append(index)
            } else {
                foldedIndex[category] = folded.count
                categoryIndex.append(folded.count)
                folded.append(category)
            }
        }
        nameStart.append(text.count)
        self.text = text
        self.nameStart = nameStart
        self.skuStart = skuStart
        self.categoryIndex = categoryIndex
        foldedCategoryNames = folded
        isActive = items.map(\.isActive)
        isLow = items.map(\.isLowOnStock)
        pricePence = items.map(\.pricePence)
        stockThousandths = items.map(\.stockThousandths)
    }

    /// The items matching `filter`, `limit` of them after skipping `offset`, with the figures of
    /// every match. One pass over the items.
    func page(_ filter: InventoryFilter, offset: Int64, limit: Int) -> InventoryPage {
        // A category that no item has matches nothing (-2); no category filter is -1.
        let wanted = filter.category.map { name in foldedCategoryNames.firstIndex(of: name.lowercased()) ?? -2 } ?? -1
        let needle = Array((filter.search ?? "").lowercased().utf8)
        var total: Int64 = 0
        var low: Int64 = 0
        var value: Int128 = 0  // price × thousandths summed over any catalogue cannot overflow
        var page: [ItemRecord] = []
        page.reserveCapacity(min(limit, items.count))
        text.withUnsafeBufferPointer { text in
            needle.withUnsafeBufferPointer { needle in
                for index in 0..<items.count {
                    if !filter.includeInactive, !isActive[index] { continue }
                    if wanted != -1, categoryIndex[index] != wanted { continue }
                    if filter.lowStockOnly, !isLow[index] { continue }
                    if !needle.isEmpty,
                       !Self.contains(text, from: nameStart[index], to: skuStart[index], needle),
                       !Self.contains(text, from: skuStart[index], to: nameStart[index + 1], needle) { continue }
                    if total >= offset, page.count < limit { page.append(items[index]) }
                    total += 1
                    if isLow[index] { low += 1 }
                    value += Int128(pricePence[index]) * Int128(stockThousandths[index])
                }
            }
        }
        return InventoryPage(items: page, categories: categories, total: total, lowStockCount: low,
                             stockValuePence: Self.pence(milliPence: value))
    }

    /// `milliPence` rounded half-up (away from zero) to the penny, clamped to 64 bits.
    static func pence(milliPence: Int128) -> Int64 {
        let factor = Int128(ScaledDecimal.quantityFactor)
        let magnitude = milliPence.magnitude
        let rounded = Int128(magnitude / UInt128(factor)) + (magnitude % UInt128(factor) * 2 >= UInt128(factor) ? 1 : 0)
        let signed = milliPence < 0 ? -rounded : rounded
        return Int64(clamping: signed)
    }

    /// Whether `needle` (not empty) occurs in `text[from..<to]`.
    private static func contains(_ text: UnsafeBufferPointer<UInt8>, from: Int, to: Int,
                                 _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = text.baseAddress, let pin = needle.baseAddress, to - from >= needle.count else { return false }
        let first = Int32(pin[0])
        let last = to - needle.count
        var start = from
        while start <= last {
            // memchr finds the next candidate first byte; memcmp checks the rest.
            guard let found = memchr(base + start, first, last - start + 1) else { return false }
            let position = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + position, pin, needle.count) == 0 { return true }
            start = position + 1
        }
        return false
    }
}
