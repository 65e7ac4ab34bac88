import Store

/// Which of LUStores' two schema paths made the database.
public enum SchemaVariant: String, Sendable, Equatable {
    /// The Drizzle migrations: `sale_items.vat_included` exists.
    case drizzle
    /// The older `init.sql`: no `sale_items.vat_included`.
    case initSQL = "init"
}

/// The tables and columns the server reads, as the start-up check verifies them.
enum LUStoresSchema {
    /// Every table with the columns the contract, the checks and the doctor use, in check order.
    static let requiredColumns: [(table: String, columns: [String])] = [
        ("categories", ["id", "name"]),
        ("items", ["id", "sku", "name", "category_id", "price", "vat_rate", "vat_included", "current_stock",
                   "minimum_stock", "unit", "location", "is_active"]),
        ("chargecodes", ["code", "title", "valid_from", "valid_until", "on_hold"]),
        ("sales", ["id", "sale_id", "charge_code", "subtotal_amount", "vat_amount", "total_amount", "status",
                   "created_at"]),
        ("sale_items", ["id", "sale_id", "item_id", "vat_amount", "total_with_vat"]),
    ]

    static var tables: [String] { requiredColumns.map(\.table) }

    /// The columns of the five tables as the search path resolves them (no privilege needed).
    static let columnsSQL = """
        SELECT c.relname, a.attname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE c.oid IN (to_regclass('categories'), to_regclass('items'), to_regclass('chargecodes'),
                        to_regclass('sales'), to_regclass('sale_items'))
          AND a.attnum > 0 AND NOT a.attisdropped
        """

    /// The variant, or the first missing table or column as one line.
    static func verify(_ rows: PGRows) throws(PostgresError) -> SchemaVariant {
        var columns: [String: Set<String>] = [:]
        for row in 0..<rows.count { columns[try rows.text(row, 0), default: []].insert(try rows.text(row, 1)) }
        for (table, required) in requiredColumns {
            guard let present = columns[table] else {
                throw PostgresError(.schemaMismatch, "database: no table \(table) (in the role's search_path)")
            }
            if let missing = required.first(where: { !present.contains($0) }) {
                throw PostgresError(.schemaMismatch, "database: table \(table) has no column \(missing)")
            }
        }
        return columns["sale_items"]?.contains("vat_included") == true ? .drizzle : .initSQL
    }
}

extension PostgresDataSource {
    /// Verifies that the five LUStores tables exist with every column the server reads, and tells
    /// the variant. Throws ``PostgresError/Code/schemaMismatch`` whose description is one line
    /// naming the first thing missing (`database: table chargecodes has no column on_hold`), or the
    /// connection's error when the database cannot be reached.
    public func checkSchema() async throws(PostgresError) -> SchemaVariant {
        try await read([BoundStatement(sql: LUStoresSchema.columnsSQL, types: [], values: [])]) { results, _ throws(PostgresError) in
            try LUStoresSchema.verify(results[0])
        }
    }
}
