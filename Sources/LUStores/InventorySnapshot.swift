#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Store

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
    private let foldedNames: [[UInt8]]
    private let foldedSKUs: [[UInt8]]
    private let foldedCategories: [String]
    private let stockThousandths: [Int64]

    init(dataVersion: Int64, items: [ItemRecord], categories: [String]) {
        self.dataVersion = dataVersion
        self.items = items
        self.categories = categories
        foldedNames = items.map { Array($0.name.lowercased().utf8) }
        foldedSKUs = items.map { Array($0.sku.lowercased().utf8) }
        foldedCategories = items.map { $0.category.lowercased() }
        stockThousandths = items.map(\.stockThousandths)
    }

    /// The items matching `filter`, `limit` of them after skipping `offset`, with the figures of
    /// every match. One pass over the items.
    func page(_ filter: InventoryFilter, offset: Int64, limit: Int) -> InventoryPage {
        let category = filter.category?.lowercased()
        let needle = filter.search.flatMap { $0.isEmpty ? nil : Array($0.lowercased().utf8) }
        var total: Int64 = 0
        var low: Int64 = 0
        var value: Int128 = 0  // price × thousandths summed over any catalogue cannot overflow
        var page: [ItemRecord] = []
        page.reserveCapacity(min(limit, items.count))
        for index in items.indices {
            let item = items[index]
            if !filter.includeInactive, !item.isActive { continue }
            if let category, foldedCategories[index] != category { continue }
            let isLow = item.isLowOnStock
            if filter.lowStockOnly, !isLow { continue }
            if let needle, !Self.contains(foldedNames[index], needle), !Self.contains(foldedSKUs[index], needle) { continue }
            if total >= offset, page.count < limit { page.append(item) }
            total += 1
            if isLow { low += 1 }
            value += Int128(item.pricePence) * Int128(stockThousandths[index])
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

    /// Whether `needle` occurs in `haystack` (bytes).
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        guard let first = needle.first else { return true }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                let last = hay.count - pin.count
                var start = 0
                while start <= last {
                    // memchr finds the next candidate first byte; memcmp checks the rest.
                    guard let found = memchr(hay.baseAddress! + start, Int32(first), last - start + 1) else { return false }
                    let position = hay.baseAddress!.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if memcmp(hay.baseAddress! + position, pin.baseAddress!, pin.count) == 0 { return true }
                    start = position + 1
                }
                return false
            }
        }
    }
}
