/// The kept totals of `analyze_sales` (migration 3): how they are laid out, filled and kept exact.
///
/// Layout: every table is keyed by a UTC period (`hour` `YYYY-MM-DDTHH`, `day` `YYYY-MM-DD` or
/// `month` `YYYY-MM`, the prefix of the stored `created_at`), optionally a group key, and the sale's
/// status, and holds `sale_count`, `total_pence`, `vat_pence`, `quantity_thousandths`:
/// - sale level (every status): per hour, day and month, and per charge code and day or month;
///   they also hold `lined_count`, the sales with at least one line;
/// - line level (earning sales only): per item and per category (as the item's category was when the
///   line was counted), per day and month, `sale_count` being the distinct sales with such a line.
///
/// Keyed by UTC rather than by the configured zone, so a zone change needs no rebuild: a local period
/// is read as whole UTC months, days and hours plus the rows of whatever is left (see
/// `SalesTotalsPlan`, internal).
///
/// Exactness without per-row work on the write path:
/// - A batch writer (demo data, import) calls ``beginBatch(on:)`` and ``finishBatch(on:)`` in its
///   transaction; the sales it adds (ids above the highest id when it began) are aggregated in a few
///   `INSERT … SELECT … GROUP BY` statements at the end and added to the totals.
/// - Any other change (an insert outside a batch, an update or delete of a sale or a line, an item
///   added, removed or moved to another category) marks the UTC days it touches *dirty* through
///   triggers that do one small insert. A reader takes a dirty day from the rows, so answers are exact
///   at once; ``settle(on:)`` (at the end of every batch and when the store opens) rebuilds the dirty
///   days and their months and clears the marks.
public enum KeptSalesTotals {
    /// The grain of a table's period column.
    enum Grain: Int, CaseIterable {
        case hour = 13, day = 10, month = 7
    }

    /// What a table groups by besides period and status.
    enum Key {
        case none, chargeCode, item, category

        var isLineLevel: Bool { self == .item || self == .category }
    }

    /// One kept table.
    struct Table {
        let name: String
        let grain: Grain
        let key: Key
    }

    static let hours = Table(name: "analysis_hours", grain: .hour, key: .none)
    static let days = Table(name: "analysis_days", grain: .day, key: .none)
    static let months = Table(name: "analysis_months", grain: .month, key: .none)
    static let codeDays = Table(name: "analysis_code_days", grain: .day, key: .chargeCode)
    static let codeMonths = Table(name: "analysis_code_months", grain: .month, key: .chargeCode)
    static let itemDays = Table(name: "analysis_item_days", grain: .day, key: .item)
    static let itemMonths = Table(name: "analysis_item_months", grain: .month, key: .item)
    static let categoryDays = Table(name: "analysis_category_days", grain: .day, key: .category)
    static let categoryMonths = Table(name: "analysis_category_months", grain: .month, key: .category)
    static let all = [hours, days, months, codeDays, codeMonths, itemDays, itemMonths, categoryDays, categoryMonths]

    /// Revenue, VAT and quantity count only for these statuses.
    static let earning = "('completed', 'paid')"

    /// Quantity of a line in thousandths, as every sum of the analysis rounds it.
    static func thousandths(_ column: String) -> String { "CAST(round(\(column) * 1000) AS INTEGER)" }

    // MARK: Schema

    static var schema: String {
        var sql = ""
        for table in all {
            let key = table.key == .none ? "" : "group_key \(table.key == .chargeCode ? "TEXT" : "INTEGER") NOT NULL, "
            let lined = table.key.isLineLevel ? "" : ", lined_count INTEGER NOT NULL DEFAULT 0"
            sql += """
                CREATE TABLE \(table.name) (period TEXT NOT NULL, \(key)status TEXT NOT NULL,
                    sale_count INTEGER NOT NULL DEFAULT 0, total_pence INTEGER NOT NULL DEFAULT 0,
                    vat_pence INTEGER NOT NULL DEFAULT 0, quantity_thousandths INTEGER NOT NULL DEFAULT 0\(lined),
                    PRIMARY KEY (period, \(table.key == .none ? "" : "group_key, ")status)) WITHOUT ROWID;

                """
        }
        sql += """
            CREATE INDEX idx_analysis_code_days_code ON analysis_code_days(group_key, period);
            -- batch_from: while a batch writer runs, the highest sales.id before it began; NULL otherwise.
            CREATE TABLE analysis_state (id INTEGER PRIMARY KEY CHECK (id = 1), batch_from INTEGER);
            INSERT INTO analysis_state (id, batch_from) VALUES (1, NULL);
            CREATE TABLE analysis_dirty_days (day TEXT PRIMARY KEY) WITHOUT ROWID;

            """
        sql += triggers
        return sql
    }

    /// `WHEN` of a change to sale `row` that the batch in progress will not count itself.
    private static func outsideBatch(_ id: String) -> String {
        "(SELECT batch_from FROM analysis_state WHERE id = 1) IS NULL OR \(id) <= (SELECT batch_from FROM analysis_state WHERE id = 1)"
    }

    private static func markSale(_ row: String) -> String {
        "INSERT OR IGNORE INTO analysis_dirty_days (day) VALUES (substr(\(row).created_at, 1, 10));"
    }

    private static func markSaleOfLine(_ row: String) -> String {
        "INSERT OR IGNORE INTO analysis_dirty_days (day) SELECT substr(created_at, 1, 10) FROM sales WHERE id = \(row).sale_id;"
    }

    private static func markLinesOfItem(_ row: String) -> String {
        "INSERT OR IGNORE INTO analysis_dirty_days (day) SELECT DISTINCT substr(s.created_at, 1, 10) "
            + "FROM sale_items si JOIN sales s ON s.id = si.sale_id WHERE si.item_id = \(row).id;"
    }

    private static var triggers: String {
        """
        CREATE TRIGGER analysis_sales_insert AFTER INSERT ON sales WHEN \(outsideBatch("NEW.id")) BEGIN
            \(markSale("NEW"))
        END;
        CREATE TRIGGER analysis_sales_delete AFTER DELETE ON sales BEGIN
            \(markSale("OLD"))
        END;
        CREATE TRIGGER analysis_sales_update AFTER UPDATE OF id, created_at, status, total_amount, vat_amount, charge_code
        ON sales BEGIN
            \(markSale("OLD"))
            \(markSale("NEW"))
        END;
        CREATE TRIGGER analysis_lines_insert AFTER INSERT ON sale_items WHEN \(outsideBatch("NEW.sale_id")) BEGIN
            \(markSaleOfLine("NEW"))
        END;
        CREATE TRIGGER analysis_lines_delete AFTER DELETE ON sale_items BEGIN
            \(markSaleOfLine("OLD"))
        END;
        CREATE TRIGGER analysis_lines_update
        AFTER UPDATE OF sale_id, item_id, quantity, vat_amount, total_with_vat ON sale_items BEGIN
            \(markSaleOfLine("OLD"))
            \(markSaleOfLine("NEW"))
        END;
        CREATE TRIGGER analysis_items_insert AFTER INSERT ON items BEGIN
            \(markLinesOfItem("NEW"))
        END;
        CREATE TRIGGER analysis_items_delete AFTER DELETE ON items BEGIN
            \(markLinesOfItem("OLD"))
        END;
        CREATE TRIGGER analysis_items_move AFTER UPDATE OF id, category_id ON items
        WHEN OLD.id IS NOT NEW.id OR OLD.category_id IS NOT NEW.category_id BEGIN
            \(markLinesOfItem("OLD"))
            \(markLinesOfItem("NEW"))
        END;

        """
    }

    /// The statements that fill empty kept totals from every sale (migration 3).
    static var fillSQL: String {
        (addStatements(selecting: "1", months: true) + [
            "DROP TABLE temp.analysis_delta_code_hours", "DROP TABLE temp.analysis_delta_items",
            "DROP TABLE temp.analysis_delta_categories",
        ]).joined(separator: ";\n") + ";\n"
    }

    // MARK: Writing

    /// Marks the start of a batch in the caller's transaction: the sales inserted from now on with
    /// ids above today's highest are counted by ``finishBatch(on:)``, not marked dirty one by one.
    public static func beginBatch(on db: isolated SQLiteConnection) throws(StoreError) {
        try db.run("UPDATE analysis_state SET batch_from = (SELECT COALESCE(MAX(id), 0) FROM sales) WHERE id = 1")
    }

    /// Adds the batch's sales to the kept totals, ends the batch, and settles dirty days; in the
    /// caller's transaction, so the totals commit with the rows or not at all.
    public static func finishBatch(on db: isolated SQLiteConnection) throws(StoreError) {
        guard let from = try db.query("SELECT batch_from FROM analysis_state WHERE id = 1").first?.first?.intValue else { return }
        for statement in addStatements(selecting: "s.id > \(from)", months: true) { try db.run(statement) }
        try dropDeltas(on: db)
        try db.run("UPDATE analysis_state SET batch_from = NULL WHERE id = 1")
        try settle(on: db)
    }

    /// Rebuilds the dirty days (and the months that hold them) from the rows and clears the marks;
    /// nothing to do (one look-up) when none is dirty. Needs a write transaction or autocommit.
    public static func settle(on db: isolated SQLiteConnection) throws(StoreError) {
        guard try !db.query("SELECT 1 FROM analysis_dirty_days LIMIT 1").isEmpty else { return }
        let dirty = "(SELECT day FROM analysis_dirty_days)"
        let dirtyMonths = "(SELECT DISTINCT substr(day, 1, 7) FROM analysis_dirty_days)"
        for table in all {
            let match = table.grain == .month ? "period IN \(dirtyMonths)" : "substr(period, 1, 10) IN \(dirty)"
            try db.run("DELETE FROM \(table.name) WHERE \(match)")
        }
        for statement in addStatements(selecting: "substr(s.created_at, 1, 10) IN \(dirty)", months: false) {
            try db.run(statement)
        }
        try dropDeltas(on: db)
        for (month, day) in [(months, days), (codeMonths, codeDays), (itemMonths, itemDays), (categoryMonths, categoryDays)] {
            let key = month.key == .none ? "" : "group_key, "
            let lined = month.key.isLineLevel ? "" : ", lined_count"
            let linedSum = month.key.isLineLevel ? "" : ", SUM(lined_count)"
            try db.run("""
                INSERT INTO \(month.name) (period, \(key)status, sale_count, total_pence, vat_pence, quantity_thousandths\(lined))
                SELECT substr(period, 1, 7), \(key)status, SUM(sale_count), SUM(total_pence), SUM(vat_pence),
                       SUM(quantity_thousandths)\(linedSum)
                FROM \(day.name) WHERE substr(period, 1, 7) IN \(dirtyMonths) GROUP BY 1, \(key)status
                """)
        }
        try db.run("DELETE FROM analysis_dirty_days")
    }

    private static func dropDeltas(on db: isolated SQLiteConnection) throws(StoreError) {
        for name in ["analysis_delta_code_hours", "analysis_delta_items", "analysis_delta_categories"] {
            try db.run("DROP TABLE IF EXISTS temp.\(name)")
        }
    }

    /// Statements adding the sales matching `condition` (on `sales s`) to the hour and day tables,
    /// and to the month tables when `months`: three passes over the rows into temporary tables, then
    /// one upsert per kept table from them.
    static func addStatements(selecting condition: String, months addMonths: Bool) -> [String] {
        let lineQuantity = "(SELECT SUM(\(thousandths("quantity"))) FROM sale_items WHERE sale_id = s.id)"
        let lineCount = "EXISTS (SELECT 1 FROM sale_items WHERE sale_id = s.id)"
        var statements = [
            """
            CREATE TEMP TABLE analysis_delta_code_hours AS
            SELECT substr(s.created_at, 1, 13) AS period, s.charge_code AS group_key, s.status AS status,
                   COUNT(*) AS sale_count, SUM(s.total_amount) AS total_pence, SUM(s.vat_amount) AS vat_pence,
                   COALESCE(SUM(\(lineQuantity)), 0) AS quantity_thousandths, SUM(\(lineCount)) AS lined_count
            FROM sales s WHERE \(condition) GROUP BY 1, 2, 3
            """,
            lineDelta("analysis_delta_items", key: "COALESCE(si.item_id, 0)", joins: "", condition: condition),
            lineDelta("analysis_delta_categories", key: "COALESCE(c.id, 0)",
                      joins: "LEFT JOIN items i ON i.id = si.item_id LEFT JOIN categories c ON c.id = i.category_id",
                      condition: condition),
        ]
        let sums = "SUM(sale_count), SUM(total_pence), SUM(vat_pence), SUM(quantity_thousandths)"
        var targets: [(Table, String)] = [
            (hours, "SELECT period, status, \(sums), SUM(lined_count) FROM temp.analysis_delta_code_hours GROUP BY 1, 2"),
            (days, "SELECT substr(period, 1, 10), status, \(sums), SUM(lined_count) FROM temp.analysis_delta_code_hours GROUP BY 1, 2"),
            (codeDays, "SELECT substr(period, 1, 10), group_key, status, \(sums), SUM(lined_count) "
                + "FROM temp.analysis_delta_code_hours GROUP BY 1, 2, 3"),
            (itemDays, "SELECT * FROM temp.analysis_delta_items"),
            (categoryDays, "SELECT * FROM temp.analysis_delta_categories"),
        ]
        if addMonths {
            targets += [
                (self.months, "SELECT substr(period, 1, 7), status, \(sums), SUM(lined_count) "
                    + "FROM temp.analysis_delta_code_hours GROUP BY 1, 2"),
                (codeMonths, "SELECT substr(period, 1, 7), group_key, status, \(sums), SUM(lined_count) "
                    + "FROM temp.analysis_delta_code_hours GROUP BY 1, 2, 3"),
                (itemMonths, "SELECT substr(period, 1, 7), group_key, status, \(sums) FROM temp.analysis_delta_items GROUP BY 1, 2, 3"),
                (categoryMonths, "SELECT substr(period, 1, 7), group_key, status, \(sums) "
                    + "FROM temp.analysis_delta_categories GROUP BY 1, 2, 3"),
            ]
        }
        for (table, select) in targets { statements.append(upsert(table, select)) }
        return statements
    }

    /// Per day, line key and status, the lines of the earning sales matching `condition`.
    private static func lineDelta(_ name: String, key: String, joins: String, condition: String) -> String {
        """
        CREATE TEMP TABLE \(name) AS
        SELECT substr(s.created_at, 1, 10) AS period, \(key) AS group_key, s.status AS status,
               COUNT(DISTINCT s.id) AS sale_count, SUM(si.total_with_vat) AS total_pence, SUM(si.vat_amount) AS vat_pence,
               SUM(\(thousandths("si.quantity"))) AS quantity_thousandths
        FROM sales s JOIN sale_items si ON si.sale_id = s.id \(joins)
        WHERE (\(condition)) AND s.status IN \(earning) GROUP BY 1, 2, 3
        """
    }

    /// `INSERT INTO table … select … ON CONFLICT DO UPDATE` adding the selected figures.
    private static func upsert(_ table: Table, _ select: String) -> String {
        let key = table.key == .none ? "" : "group_key, "
        var columns = ["sale_count", "total_pence", "vat_pence", "quantity_thousandths"]
        if !table.key.isLineLevel { columns.append("lined_count") }
        let update = columns.map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", ")
        // `WHERE true` lets SQLite parse ON CONFLICT after a SELECT without ambiguity.
        return "INSERT INTO \(table.name) (period, \(key)status, \(columns.joined(separator: ", "))) "
            + "SELECT * FROM (\(select)) WHERE true ON CONFLICT (period, \(key)status) DO UPDATE SET \(update)"
    }
}
