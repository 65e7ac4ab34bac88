import Foundation
import JSONRPC
import MCP
import Store

// The import parsers (this reader and `CSVParser`) stay in LUStores rather than moving to Store:
// they check every record against `import.schema.json`, which is embedded here (`SchemaLibrary`)
// and checked with MCP's `SchemaValidator`, while Store holds the SQL side (`ImportBatch`,
// `ImportWriter`) and knows no JSON Schema. Moving them would make Store depend on both.

/// Reads an import file into an `ImportBatch` (module `Store`): the JSON format of `schemas/import.schema.json`,
/// or an items CSV with the header `sku,name,category,price,stock,minimum_stock,unit,location`
/// (any order, optionally `active`).
///
/// Guarantees: every record is checked against the import schema (the same file `schemas/` holds)
/// and then for what a schema cannot say — amounts with at most two decimals, quantities with at
/// most three, rates with at most four, real dates and times with a zone, `valid_until` not before
/// `valid_from`; the first bad record is reported with its position (`sales[17].lines[2].quantity:
/// must be greater than 0`, `line 5, column price: …`). Records are checked in file order, section
/// by section (categories, items, charge codes, sales). No file over ``maximumFileBytes`` is read.
public enum ImportReader {
    /// Largest import file read (the parsed JSON takes several times this in memory).
    public static let maximumFileBytes = 512 << 20
    /// The columns an items CSV must have.
    public static let csvColumns = ["sku", "name", "category", "price", "stock", "minimum_stock", "unit", "location"]
    /// A column an items CSV may add.
    public static let csvOptionalColumns = ["active"]

    /// Reads the file at `path`: CSV when its name ends in `.csv` or it does not start with `{`
    /// (after white space), JSON otherwise.
    public static func read(path: String) throws(ImportError) -> ImportBatch {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ImportError(path, "cannot be read")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumFileBytes + 1) ?? Data()
        } catch {
            throw ImportError(path, "cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= maximumFileBytes else {
            throw ImportError(path, "is larger than \(maximumFileBytes >> 20) MiB; split it into several imports")
        }
        let bytes = [UInt8](data)
        let firstByte = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        if path.lowercased().hasSuffix(".csv") || (!path.lowercased().hasSuffix(".json") && firstByte != UInt8(ascii: "{")) {
            return try csv(bytes)
        }
        return try json(bytes)
    }

    /// A JSON import document.
    public static func json(_ bytes: [UInt8]) throws(ImportError) -> ImportBatch {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw ImportError("", "the file is not valid JSON: \(error)")
        }
        if let violation = SchemaValidator.validate(document, against: outline) {
            throw ImportError(violation.path, violation.reason)
        }
        var batch = ImportBatch()
        for (index, record) in (document["categories"]?.arrayValue ?? []).enumerated() {
            batch.categories.append(try category(record, at: ImportPosition(record: "categories[\(index)]")))
        }
        for (index, record) in (document["items"]?.arrayValue ?? []).enumerated() {
            batch.items.append(try item(record, at: ImportPosition(record: "items[\(index)]")))
        }
        for (index, record) in (document["charge_codes"]?.arrayValue ?? []).enumerated() {
            batch.chargeCodes.append(try chargeCode(record, at: ImportPosition(record: "charge_codes[\(index)]")))
        }
        for (index, record) in (document["sales"]?.arrayValue ?? []).enumerated() {
            batch.sales.append(try sale(record, at: ImportPosition(record: "sales[\(index)]")))
        }
        return batch
    }

    /// An items CSV (RFC 4180, header row first).
    public static func csv(_ bytes: [UInt8]) throws(ImportError) -> ImportBatch {
        let records = try CSVParser.parse(bytes)
        guard let header = records.first else { throw ImportError("line 1", "the CSV file has no header row") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for name in names where !csvColumns.contains(name) && !csvOptionalColumns.contains(name) {
            throw ImportError("line \(header.line)", "unknown column \(name); the columns are "
                + (csvColumns + csvOptionalColumns).joined(separator: ","))
        }
        for column in csvColumns where !names.contains(column) {
            throw ImportError("line \(header.line)", "the header has no \(column) column; it must have "
                + csvColumns.joined(separator: ","))
        }
        guard Set(names).count == names.count else { throw ImportError("line \(header.line)", "a column is named twice") }
        guard records.count - 1 <= maximumItems else {
            throw ImportError("line \(records[maximumItems + 1].line)", "more than \(maximumItems) items in one file")
        }
        var batch = ImportBatch()
        for record in records.dropFirst() {
            let position = ImportPosition(record: "line \(record.line)", isCSV: true)
            guard record.fields.count == names.count else {
                throw ImportError(position.record, "\(record.fields.count) fields, but the header has \(names.count)")
            }
            var object = JSONObject()
            for (name, text) in zip(names, record.fields) {
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                guard !trimmed.isEmpty else { continue }  // an empty cell is left out
                switch name {
                case "price", "stock", "minimum_stock":
                    object[name] = (try? JSONParser.parse(trimmed)).flatMap { $0.doubleValue == nil ? nil : $0 } ?? .string(text)
                case "active":
                    object[name] = ["true", "yes", "1"].contains(trimmed.lowercased()) ? .bool(true)
                        : ["false", "no", "0"].contains(trimmed.lowercased()) ? .bool(false) : .string(text)
                default:
                    object[name] = .string(text)
                }
            }
            batch.items.append(try item(.object(object), at: position))
        }
        return batch
    }

    // MARK: - Records

    private static let schema = SchemaLibrary.importFormat
    private static func recordSchema(_ section: String) -> JSONValue {
        schema["properties"]?[section]?["items"] ?? [:]
    }
    private static let maximumItems = Int(schema["properties"]?["items"]?["maxItems"]?.integerValue ?? 1_000_000)

    /// The import schema with each section's records left unchecked: checks the document's shape
    /// only, so that records are checked one by one, in order.
    private static let outline: JSONValue = {
        guard var root = schema.objectValue, var properties = root["properties"]?.objectValue else { return schema }
        for key in properties.keys {
            if var section = properties[key]?.objectValue {
                section["items"] = nil
                properties[key] = .object(section)
            }
        }
        root["properties"] = .object(properties)
        return .object(root)
    }()

    private static func check(_ record: JSONValue, _ section: String, at position: ImportPosition,
                              freeText: Set<String> = []) throws(ImportError) {
        if let violation = SchemaValidator.validate(record, against: recordSchema(section)) {
            throw ImportError(violation.path.isEmpty ? position.record : position.field(violation.path), violation.reason)
        }
        try refuseControlCharacters(record, at: position, freeText: freeText)
    }

    /// Refuses a string field holding a control character (U+0000–U+001F, U+007F): SQLite's C
    /// interfaces end text at a NUL, so a SKU `A\u0000B` would be stored as one thing and shown as
    /// another, and no identifier or label has a use for the others. Fields in `freeText` (a name
    /// or description a person wrote) may hold tabs and line breaks, nothing else.
    private static func refuseControlCharacters(_ record: JSONValue, at position: ImportPosition,
                                                freeText: Set<String>) throws(ImportError) {
        for (key, value) in record.objectValue ?? JSONObject() {
            guard let text = value.stringValue else { continue }
            let allowed: Set<UInt8> = freeText.contains(key) ? [0x09, 0x0A, 0x0D] : []
            if let bad = text.utf8.first(where: { ($0 < 0x20 || $0 == 0x7F) && !allowed.contains($0) }) {
                let code = "U+" + String(repeating: "0", count: bad < 0x10 ? 3 : 2) + String(bad, radix: 16, uppercase: true)
                throw ImportError(position.field(key), "must not contain control characters (found \(code))")
            }
        }
    }

    private static func category(_ record: JSONValue, at position: ImportPosition) throws(ImportError) -> ImportCategory {
        try check(record, "categories", at: position, freeText: ["description"])
        return ImportCategory(name: record["name"]?.stringValue ?? "", description: text(record["description"]),
                              position: position)
    }

    private static func item(_ record: JSONValue, at position: ImportPosition) throws(ImportError) -> ImportItem {
        try check(record, "items", at: position, freeText: ["name", "location"])
        return ImportItem(
            sku: record["sku"]?.stringValue ?? "", name: record["name"]?.stringValue ?? "",
            category: record["category"]?.stringValue ?? "",
            pricePence: try decimal(record["price"], scale: ScaledDecimal.penceScale, at: position.field("price"))
                ?? 0,
            stockThousandths: try decimal(record["stock"], scale: ScaledDecimal.quantityScale, at: position.field("stock")),
            minimumStockThousandths: try decimal(record["minimum_stock"], scale: ScaledDecimal.quantityScale,
                                                 at: position.field("minimum_stock")),
            unit: text(record["unit"]), location: text(record["location"]), isActive: record["active"]?.boolValue,
            position: position)
    }

    private static func chargeCode(_ record: JSONValue, at position: ImportPosition) throws(ImportError) -> ImportChargeCode {
        try check(record, "charge_codes", at: position, freeText: ["title"])
        let from = text(record["valid_from"])
        let until = text(record["valid_until"])
        for (name, value) in [("valid_from", from), ("valid_until", until)] {
            if let value, UTCTime.parseDay(value) == nil {
                throw ImportError(position.field(name), "must be a real date YYYY-MM-DD, not \(value)")
            }
        }
        if let from, let until, until < from {
            throw ImportError(position.field("valid_until"), "must not be before valid_from (\(from))")
        }
        return ImportChargeCode(code: record["code"]?.stringValue ?? "", title: record["title"]?.stringValue ?? "",
                                validFrom: from, validUntil: until, onHold: record["on_hold"]?.boolValue, position: position)
    }

    private static func sale(_ record: JSONValue, at position: ImportPosition) throws(ImportError) -> ImportSale {
        try check(record, "sales", at: position)
        let stamp = record["timestamp"]?.stringValue ?? ""
        guard let time = ISO8601Time.parse(stamp), let created = time.utcSeconds,
              created >= UTCTime.earliest, created <= UTCTime.latest else {
            throw ImportError(position.field("timestamp"), "must be an ISO 8601 time with Z or a UTC offset, "
                + "e.g. 2025-06-09T09:15:00Z, not \(SalesArguments.quote(stamp))")
        }
        var lines: [ImportLine] = []
        for (index, line) in (record["lines"]?.arrayValue ?? []).enumerated() {
            let at = ImportPosition(record: position.field("lines[\(index)]"))
            try refuseControlCharacters(line, at: at, freeText: [])
            lines.append(ImportLine(
                sku: line["sku"]?.stringValue ?? "",
                quantityThousandths: try decimal(line["quantity"], scale: ScaledDecimal.quantityScale, at: at.field("quantity")) ?? 0,
                unitPricePence: try decimal(line["unit_price"], scale: ScaledDecimal.penceScale, at: at.field("unit_price")) ?? 0,
                vatRateTenThousandths: try decimal(line["vat_rate"], scale: ScaledDecimal.rateScale, at: at.field("vat_rate")) ?? 0,
                position: at))
        }
        return ImportSale(saleRef: record["sale_id"]?.stringValue ?? "", chargeCode: record["charge_code"]?.stringValue ?? "",
                          createdAt: created - (time.hasFraction ? 1 : 0),  // a stored time is whole seconds: truncate
                          status: SalesQuery.Status(rawValue: record["status"]?.stringValue ?? "completed") ?? .completed,
                          isPaid: record["paid"]?.boolValue, lines: lines, position: position)
    }

    /// A string field, nil when absent or null.
    private static func text(_ value: JSONValue?) -> String? {
        value?.stringValue
    }

    /// A number field as an exact integer at `scale` (pence, thousandths, ten-thousandths); nil when
    /// absent or null.
    private static func decimal(_ value: JSONValue?, scale: Int, at position: String) throws(ImportError) -> Int64? {
        guard let value, value != .null else { return nil }
        let text: String
        switch value {
        case .integer(let number): text = String(number)
        case .double(let number): text = number.description  // the shortest text that reads back: the file's digits
        default: throw ImportError(position, "must be a number")
        }
        guard let scaled = ScaledDecimal.parse(text, scale: scale) else {
            throw ImportError(position, "must have at most \(scale) decimal places, not \(text)")
        }
        return scaled
    }
}
