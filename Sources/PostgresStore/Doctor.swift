import Store

/// An index the LUStores contract recommends, which the server never creates itself.
public struct RecommendedIndex: Sendable, Equatable {
    /// The indexed table.
    public let table: String
    /// Leading key columns (expressions as `pg_get_indexdef` prints them), in order.
    public let keys: [String]
    /// Columns the index must also hold, as keys or `INCLUDE`d, for index-only scans.
    public let covering: [String]
    /// The statement for the database's owner.
    public let statement: String

    /// The three of the contract: line counts of a page, time-ordered pages and summaries, and one
    /// charge code's pages and summaries.
    public static let all: [RecommendedIndex] = [
        RecommendedIndex(table: "sale_items", keys: ["sale_id"], covering: [],
                         statement: "CREATE INDEX CONCURRENTLY ON sale_items (sale_id);"),
        RecommendedIndex(table: "sales", keys: ["created_at", "id"], covering: ["status", "total_amount"],
                         statement: "CREATE INDEX CONCURRENTLY ON sales (created_at, id) INCLUDE (status, total_amount);"),
        RecommendedIndex(table: "sales", keys: ["upper((charge_code)::text)", "created_at", "id"],
                         covering: ["charge_code", "status", "total_amount"],
                         statement: "CREATE INDEX CONCURRENTLY ON sales (upper(charge_code), created_at, id) "
                             + "INCLUDE (charge_code, status, total_amount);"),
    ]

    /// The valid, non-partial indexes of `sales` and `sale_items` with their definitions.
    static let definitionsSQL = """
        SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE i.indrelid IN (to_regclass('sales'), to_regclass('sale_items')) AND i.indisvalid AND i.indpred IS NULL
        """

    /// Whether an index with definition `definition` (`… USING btree (a, b) INCLUDE (c)`) on
    /// `table` serves as this one.
    func isServed(by table: String, definition: String) -> Bool {
        guard table == self.table, let using = definition.firstRange(of: " USING ") else { return false }
        let afterUsing = definition[using.upperBound...]
        guard afterUsing.hasPrefix("btree "), let open = afterUsing.firstIndex(of: "(") else { return false }
        let (keyList, rest) = Self.parenthesised(afterUsing[open...])
        let keyColumns = Self.splitTopLevel(keyList)
        var included: [String] = []
        if let include = rest.firstRange(of: "INCLUDE ("), let start = rest[include.lowerBound...].firstIndex(of: "(") {
            included = Self.splitTopLevel(Self.parenthesised(rest[start...]).inside)
        }
        guard keyColumns.count >= keys.count, Array(keyColumns.prefix(keys.count)) == keys else { return false }
        return covering.allSatisfy { keyColumns.contains($0) || included.contains($0) }
    }

    /// The text inside the parenthesis `text` starts with, and what follows it.
    private static func parenthesised(_ text: Substring) -> (inside: Substring, rest: Substring) {
        var depth = 0
        for index in text.indices {
            if text[index] == "(" { depth += 1 }
            if text[index] == ")" {
                depth -= 1
                if depth == 0 { return (text[text.index(after: text.startIndex)..<index], text[text.index(after: index)...]) }
            }
        }
        return ("", "")
    }

    private static func splitTopLevel(_ list: Substring) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in list {
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1 }
            if character == ",", depth == 0 {
                parts.append(current.trimmingPrefix(while: \.isWhitespace).description)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current.trimmingPrefix(while: \.isWhitespace).description)
        return parts.filter { !$0.isEmpty }
    }

    /// The recommended indexes no row of `definitions` (table, definition) serves.
    static func missing(_ definitions: PGRows) throws(PostgresError) -> [RecommendedIndex] {
        var present: [(String, String)] = []
        for row in 0..<definitions.count { present.append((try definitions.text(row, 0), try definitions.text(row, 1))) }
        return all.filter { index in !present.contains { index.isServed(by: $0.0, definition: $0.1) } }
    }
}

/// What `lustores-mcp doctor` reports about a LUStores PostgreSQL database.
public struct DoctorReport: Sendable, Equatable {
    /// One of the five tables.
    public struct Table: Sendable, Equatable {
        /// The table's name.
        public let name: String
        /// Its rows (nil when the table is missing or the role cannot read it).
        public let rowCount: Int64?
        /// The privileges the connected role holds on it, among SELECT, INSERT, UPDATE, DELETE, TRUNCATE.
        public let privileges: [String]
    }

    /// `server_version`, e.g. `15.20 (Debian 15.20-0+deb12u1)`.
    public let serverVersion: String
    /// The role connected as.
    public let role: String
    /// The schema variant, or nil when a table or column is missing (see ``schemaProblem``).
    public let variant: SchemaVariant?
    /// The start-up check's one line when the schema lacks something.
    public let schemaProblem: String?
    /// The five tables in the contract's order.
    public let tables: [Table]
    /// Recommended indexes the database lacks.
    public let missingIndexes: [RecommendedIndex]

    /// One line per table on which the role could write: the server never does, and a role with
    /// SELECT alone is the safe set-up.
    public var warnings: [String] {
        tables.compactMap { table in
            let writes = table.privileges.filter { $0 != "SELECT" }
            return writes.isEmpty ? nil
                : "warning: role \(role) can \(writes.joined(separator: ", ")) on \(table.name); SELECT alone is enough"
        }
    }

    /// The report as lines of text, for a terminal.
    public var text: String {
        var lines = ["server: PostgreSQL \(serverVersion), connected as \(role)"]
        if let variant {
            lines.append("schema: complete (\(variant == .drizzle ? "Drizzle migrations" : "init.sql") variant)")
        } else if let schemaProblem {
            lines.append("schema: " + schemaProblem)
        }
        for table in tables {
            let rows = table.rowCount.map { "\($0) rows" } ?? "rows unknown"
            let rights = table.privileges.isEmpty ? "no rights" : table.privileges.joined(separator: ", ")
            lines.append("table \(table.name): \(rows); \(rights)")
        }
        lines += warnings
        if missingIndexes.isEmpty {
            lines.append("indexes: the three recommended indexes are present")
        } else {
            lines.append("indexes: \(missingIndexes.count) recommended index(es) missing; the database's owner can add them with:")
            lines += missingIndexes.map { "  " + $0.statement }
        }
        return lines.joined(separator: "\n")
    }
}

extension PostgresDataSource {
    /// Gathers the doctor's facts in read-only transactions: version, role, rights on each table,
    /// the schema check, row counts (when the schema is complete) and missing recommended indexes.
    public func doctor() async throws(PostgresError) -> DoctorReport {
        let privileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"]
        let rightsSQL = "SELECT t, " + privileges.map { "CASE WHEN to_regclass(t) IS NULL THEN false ELSE has_table_privilege(t, '\($0)') END" }
            .joined(separator: ", ") + " FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n"
        let tableArray = "{" + LUStoresSchema.tables.joined(separator: ",") + "}"
        let statements = [
            BoundStatement(sql: "SELECT current_setting('server_version'), current_user", types: [], values: []),
            BoundStatement(sql: rightsSQL, types: [1009], values: [tableArray]),  // 1009: text[]
            BoundStatement(sql: LUStoresSchema.columnsSQL, types: [], values: []),
            BoundStatement(sql: RecommendedIndex.definitionsSQL, types: [], values: []),
        ]
        struct Facts: Sendable {
            var version = "", role = ""
            var rights: [(String, [String])] = []
            var variant: SchemaVariant?
            var problem: String?
            var missing: [RecommendedIndex] = []
        }
        let facts = try await read(statements) { results, _ throws(PostgresError) in
            var facts = Facts()
            facts.version = try results[0].text(0, 0)
            facts.role = try results[0].text(0, 1)
            for row in 0..<results[1].count {
                var held: [String] = []
                for (offset, privilege) in privileges.enumerated() where try results[1].bool(row, offset + 1) { held.append(privilege) }
                facts.rights.append((try results[1].text(row, 0), held))
            }
            do throws(PostgresError) { facts.variant = try LUStoresSchema.verify(results[2]) } catch { facts.problem = error.description }
            facts.missing = try RecommendedIndex.missing(results[3])
            return facts
        }
        var counts: [Int64?] = Array(repeating: nil, count: LUStoresSchema.tables.count)
        if facts.variant != nil, facts.rights.allSatisfy({ $0.1.contains("SELECT") }) {
            let countSQL = "SELECT " + LUStoresSchema.tables.map { "(SELECT count(*) FROM \($0))" }.joined(separator: ", ")
            counts = try await read([BoundStatement(sql: countSQL, types: [], values: [])]) { results, _ throws(PostgresError) in
                var values: [Int64?] = []
                for column in 0..<LUStoresSchema.tables.count { values.append(try results[0].int64(0, column)) }
                return values
            }
        }
        let tables = facts.rights.enumerated().map { index, entry in
            DoctorReport.Table(name: entry.0, rowCount: counts[index], privileges: entry.1)
        }
        return DoctorReport(serverVersion: facts.version, role: facts.role, variant: facts.variant,
                            schemaProblem: facts.problem, tables: tables, missingIndexes: facts.missing)
    }
}
