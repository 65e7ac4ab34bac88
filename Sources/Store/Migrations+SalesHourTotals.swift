extension Migrations {
    /// Migration 3: what `analyze_sales` needs to answer the sale-level groupings fast at a million
    /// sales, in any time zone whose periods start on whole UTC hours.
    ///
    /// `sales_hour_totals` (per UTC hour and status) and `sales_code_hour_totals` (per charge code,
    /// UTC hour and status) hold the number of sales, the sums of `total_amount` and `vat_amount`
    /// in pence, and the sum of the quantities of their lines in thousandths (each line's REAL
    /// quantity rounded once). An hour is `substr(created_at, 1, 13)`, `YYYY-MM-DDTHH` in UTC.
    /// Triggers on `sales` and on `sale_items` keep both equal to the tables under every INSERT,
    /// DELETE and UPDATE, in the same transaction as the change: a sale adds the quantities of the
    /// lines it already has, and a line adds its quantity to its sale's row when the sale exists,
    /// so either order of writing a sale and its lines counts each quantity once. The migration
    /// fills them from the rows already there. Rows whose counts fall to zero are kept.
    static let salesHourTotalsSchema = """
        CREATE TABLE sales_hour_totals (
            hour                 TEXT    NOT NULL,          -- 'YYYY-MM-DDTHH', UTC
            status               TEXT    NOT NULL,
            sale_count           INTEGER NOT NULL DEFAULT 0,
            total_pence          INTEGER NOT NULL DEFAULT 0,
            vat_pence            INTEGER NOT NULL DEFAULT 0,
            quantity_thousandths INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (hour, status)
        ) WITHOUT ROWID;
        CREATE TABLE sales_code_hour_totals (
            charge_code          TEXT    NOT NULL,
            hour                 TEXT    NOT NULL,          -- 'YYYY-MM-DDTHH', UTC
            status               TEXT    NOT NULL,
            sale_count           INTEGER NOT NULL DEFAULT 0,
            total_pence          INTEGER NOT NULL DEFAULT 0,
            vat_pence            INTEGER NOT NULL DEFAULT 0,
            quantity_thousandths INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (charge_code, hour, status)
        ) WITHOUT ROWID;
        CREATE INDEX idx_sales_code_hour_totals_hour ON sales_code_hour_totals(hour);

        INSERT INTO sales_hour_totals (hour, status, sale_count, total_pence, vat_pence, quantity_thousandths)
        SELECT substr(s.created_at, 1, 13), s.status, COUNT(*), SUM(s.total_amount), SUM(s.vat_amount), SUM(COALESCE(q.n, 0))
        FROM sales s LEFT JOIN (\(lineQuantities)) q ON q.sale_id = s.id GROUP BY 1, 2;
        INSERT INTO sales_code_hour_totals
            (charge_code, hour, status, sale_count, total_pence, vat_pence, quantity_thousandths)
        SELECT s.charge_code, substr(s.created_at, 1, 13), s.status, COUNT(*), SUM(s.total_amount), SUM(s.vat_amount),
               SUM(COALESCE(q.n, 0))
        FROM sales s LEFT JOIN (\(lineQuantities)) q ON q.sale_id = s.id GROUP BY 1, 2, 3;

        CREATE TRIGGER sales_hour_totals_after_insert AFTER INSERT ON sales BEGIN
        \(changeSale("NEW", sign: "+"))
        END;
        CREATE TRIGGER sales_hour_totals_after_delete AFTER DELETE ON sales BEGIN
        \(changeSale("OLD", sign: "-"))
        END;
        CREATE TRIGGER sales_hour_totals_after_update
        AFTER UPDATE OF created_at, status, total_amount, vat_amount, charge_code ON sales BEGIN
        \(changeSale("OLD", sign: "-"))
        \(changeSale("NEW", sign: "+"))
        END;
        CREATE TRIGGER sale_items_hour_totals_after_insert AFTER INSERT ON sale_items BEGIN
        \(changeQuantity("NEW", sign: "+"))
        END;
        CREATE TRIGGER sale_items_hour_totals_after_delete AFTER DELETE ON sale_items BEGIN
        \(changeQuantity("OLD", sign: "-"))
        END;
        CREATE TRIGGER sale_items_hour_totals_after_update AFTER UPDATE OF quantity, sale_id ON sale_items BEGIN
        \(changeQuantity("OLD", sign: "-"))
        \(changeQuantity("NEW", sign: "+"))
        END;
        """

    /// Quantity of a line in thousandths, as every sum of the analysis rounds it.
    static func thousandths(_ column: String) -> String { "CAST(round(\(column) * 1000) AS INTEGER)" }

    /// `sale_id, n`: the quantity of each sale's lines in thousandths.
    private static var lineQuantities: String {
        "SELECT sale_id, SUM(\(thousandths("quantity"))) AS n FROM sale_items GROUP BY sale_id"
    }

    /// Trigger statements adding (`+`) or taking out (`-`) the sale `row` in both tables.
    private static func changeSale(_ row: String, sign: String) -> String {
        let quantity = "(SELECT COALESCE(SUM(\(thousandths("quantity"))), 0) FROM sale_items WHERE sale_id = \(row).id)"
        let values = "\(sign)1, \(sign)\(row).total_amount, \(sign)\(row).vat_amount, \(sign)\(quantity)"
        let update = """
            sale_count = sale_count + excluded.sale_count, total_pence = total_pence + excluded.total_pence,
                    vat_pence = vat_pence + excluded.vat_pence,
                    quantity_thousandths = quantity_thousandths + excluded.quantity_thousandths
            """
        return """
                INSERT INTO sales_hour_totals (hour, status, sale_count, total_pence, vat_pence, quantity_thousandths)
                VALUES (substr(\(row).created_at, 1, 13), \(row).status, \(values))
                ON CONFLICT (hour, status) DO UPDATE SET \(update);
                INSERT INTO sales_code_hour_totals
                    (charge_code, hour, status, sale_count, total_pence, vat_pence, quantity_thousandths)
                VALUES (\(row).charge_code, substr(\(row).created_at, 1, 13), \(row).status, \(values))
                ON CONFLICT (charge_code, hour, status) DO UPDATE SET \(update);
            """
    }

    /// Trigger statements adding (`+`) or taking out (`-`) the quantity of line `row` in its
    /// sale's rows of both tables (nothing when the sale does not exist).
    private static func changeQuantity(_ row: String, sign: String) -> String {
        let sale = "SELECT s.charge_code, substr(s.created_at, 1, 13), s.status FROM sales s WHERE s.id = \(row).sale_id"
        let update = "quantity_thousandths = quantity_thousandths \(sign) \(thousandths("\(row).quantity"))"
        return """
                UPDATE sales_hour_totals SET \(update)
                WHERE (hour, status) = (SELECT substr(s.created_at, 1, 13), s.status FROM sales s WHERE s.id = \(row).sale_id);
                UPDATE sales_code_hour_totals SET \(update)
                WHERE (charge_code, hour, status) = (\(sale));
            """
    }
}
