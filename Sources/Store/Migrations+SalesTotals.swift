extension Migrations {
    /// Migration 2: what `get_sales` needs to answer exactly and fast at a million sales.
    ///
    /// - `sales_day_totals` and `sales_code_day_totals` hold, per UTC day (and per charge code and
    ///   UTC day), the number of completed and refunded sales and the sum of their `total_amount`
    ///   in pence. Triggers on `sales` keep them equal to the table under every INSERT, DELETE and
    ///   UPDATE, in the same transaction as the change; the migration fills them from the rows
    ///   already there (a database made by the benchmark harness). A day is `substr(created_at, 1, 10)`,
    ///   which is the UTC date of a stored time `YYYY-MM-DDTHH:MM:SSZ`.
    /// - Two covering indexes let the parts of a time range that are not whole UTC days be counted
    ///   and summed from the index alone, and one index orders every item by `name, id`.
    ///
    /// Rows whose counts fall to zero are kept (they add nothing to any sum).
    static let salesTotalsSchema = """
        CREATE TABLE sales_day_totals (
            day             TEXT    NOT NULL PRIMARY KEY,   -- 'YYYY-MM-DD', UTC
            completed_count INTEGER NOT NULL DEFAULT 0,
            completed_pence INTEGER NOT NULL DEFAULT 0,
            refunded_count  INTEGER NOT NULL DEFAULT 0,
            refunded_pence  INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        CREATE TABLE sales_code_day_totals (
            charge_code     TEXT    NOT NULL,
            day             TEXT    NOT NULL,               -- 'YYYY-MM-DD', UTC
            completed_count INTEGER NOT NULL DEFAULT 0,
            completed_pence INTEGER NOT NULL DEFAULT 0,
            refunded_count  INTEGER NOT NULL DEFAULT 0,
            refunded_pence  INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (charge_code, day)
        ) WITHOUT ROWID;
        CREATE INDEX idx_sales_created_totals ON sales(created_at, status, total_amount);
        CREATE INDEX idx_sales_code_created_totals ON sales(charge_code, created_at, status, total_amount);
        CREATE INDEX idx_items_name_id ON items(name, id);

        INSERT INTO sales_day_totals (day, completed_count, completed_pence, refunded_count, refunded_pence)
        SELECT substr(created_at, 1, 10),
               SUM(status = 'completed'), SUM(CASE WHEN status = 'completed' THEN total_amount ELSE 0 END),
               SUM(status = 'refunded'), SUM(CASE WHEN status = 'refunded' THEN total_amount ELSE 0 END)
        FROM sales GROUP BY 1;
        INSERT INTO sales_code_day_totals
            (charge_code, day, completed_count, completed_pence, refunded_count, refunded_pence)
        SELECT charge_code, substr(created_at, 1, 10),
               SUM(status = 'completed'), SUM(CASE WHEN status = 'completed' THEN total_amount ELSE 0 END),
               SUM(status = 'refunded'), SUM(CASE WHEN status = 'refunded' THEN total_amount ELSE 0 END)
        FROM sales GROUP BY 1, 2;

        CREATE TRIGGER sales_totals_after_insert AFTER INSERT ON sales BEGIN
        \(addTotals("NEW"))
        END;
        CREATE TRIGGER sales_totals_after_delete AFTER DELETE ON sales BEGIN
        \(subtractTotals("OLD"))
        END;
        CREATE TRIGGER sales_totals_after_update
        AFTER UPDATE OF created_at, status, total_amount, charge_code ON sales BEGIN
        \(subtractTotals("OLD"))
        \(addTotals("NEW"))
        END;
        """

    /// Trigger statements adding the sale `row` (`NEW`) to both totals tables.
    private static func addTotals(_ row: String) -> String {
        let values = """
            \(row).status = 'completed', CASE WHEN \(row).status = 'completed' THEN \(row).total_amount ELSE 0 END,
                    \(row).status = 'refunded', CASE WHEN \(row).status = 'refunded' THEN \(row).total_amount ELSE 0 END
            """
        let update = """
            completed_count = completed_count + excluded.completed_count,
                    completed_pence = completed_pence + excluded.completed_pence,
                    refunded_count = refunded_count + excluded.refunded_count,
                    refunded_pence = refunded_pence + excluded.refunded_pence
            """
        return """
                INSERT INTO sales_day_totals (day, completed_count, completed_pence, refunded_count, refunded_pence)
                VALUES (substr(\(row).created_at, 1, 10), \(values))
                ON CONFLICT (day) DO UPDATE SET \(update);
                INSERT INTO sales_code_day_totals
                    (charge_code, day, completed_count, completed_pence, refunded_count, refunded_pence)
                VALUES (\(row).charge_code, substr(\(row).created_at, 1, 10), \(values))
                ON CONFLICT (charge_code, day) DO UPDATE SET \(update);
            """
    }

    /// Trigger statements taking the sale `row` (`OLD`) out of both totals tables.
    private static func subtractTotals(_ row: String) -> String {
        let update = """
            completed_count = completed_count - (\(row).status = 'completed'),
                    completed_pence = completed_pence - CASE WHEN \(row).status = 'completed' THEN \(row).total_amount ELSE 0 END,
                    refunded_count = refunded_count - (\(row).status = 'refunded'),
                    refunded_pence = refunded_pence - CASE WHEN \(row).status = 'refunded' THEN \(row).total_amount ELSE 0 END
            """
        return """
                UPDATE sales_day_totals SET \(update)
                WHERE day = substr(\(row).created_at, 1, 10);
                UPDATE sales_code_day_totals SET \(update)
                WHERE charge_code = \(row).charge_code AND day = substr(\(row).created_at, 1, 10);
            """
    }
}
