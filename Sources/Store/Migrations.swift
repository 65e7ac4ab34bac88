/// The schema history of this build, oldest first.
///
/// Migration 1 is, statement for statement, the `SCHEMA` and `INDEXES` of the benchmark harness's
/// `make_db.py` (same tables, columns, types, constraints and index names; the table DDL text is
/// identical), so a database that script generated, which records version 1, is already current.
/// Released migrations are never edited; a schema change is a new migration appended to `all`.
/// Migration 2 (see `Migrations+SalesTotals.swift`) adds the sales totals and covering indexes the
/// data tools need; it is applied to such databases when they are opened. Migration 3 (see
/// `Migrations+SalesAnalysisTotals.swift`) adds the kept totals of `analyze_sales`.
public enum Migrations {
    /// Every migration this build knows, versions 1, 2, … in order.
    public static let all: [Migration] = [
        Migration(version: 1, description: "initial LUStores schema", sql: initialSchema),
        Migration(version: 2, description: "sales totals and covering indexes", sql: salesTotalsSchema),
        Migration(version: 3, description: "kept sales totals for the analysis", sql: salesAnalysisTotalsSchema),
    ]

    /// The schema version a database has once every migration in `all` has been applied.
    public static var latestVersion: Int { all.last?.version ?? 0 }

    /// The version-tracking table, exactly as the benchmark harness creates it. `IF NOT EXISTS` because
    /// the migrator creates it before running migration 1 (SQLite stores the DDL without that clause).
    static let versionTableSQL = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version    INTEGER NOT NULL PRIMARY KEY,
            applied_at TEXT    NOT NULL
        );
        """

    /// Money in integer pence, quantities REAL (kg and litres are fractional), booleans 0/1,
    /// times ISO 8601 UTC text 'YYYY-MM-DDTHH:MM:SSZ', dates 'YYYY-MM-DD'.
    static let initialSchema = versionTableSQL + """

        CREATE TABLE categories (
            id          INTEGER PRIMARY KEY,
            name        TEXT NOT NULL UNIQUE,
            description TEXT
        );
        CREATE TABLE items (
            id            INTEGER PRIMARY KEY,
            sku           TEXT    NOT NULL UNIQUE,
            name          TEXT    NOT NULL,
            category_id   INTEGER NOT NULL REFERENCES categories(id),
            price         INTEGER NOT NULL,             -- pence
            current_stock REAL    NOT NULL,
            minimum_stock REAL    NOT NULL,
            unit          TEXT    NOT NULL,
            location      TEXT,
            is_active     INTEGER NOT NULL DEFAULT 1,
            updated_at    TEXT    NOT NULL
        );
        CREATE TABLE charge_codes (
            code        TEXT PRIMARY KEY,
            title       TEXT    NOT NULL,
            valid_from  TEXT,
            valid_until TEXT,
            on_hold     INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE sales (
            id              INTEGER PRIMARY KEY,
            sale_id         TEXT    NOT NULL UNIQUE,
            charge_code     TEXT    NOT NULL REFERENCES charge_codes(code),
            subtotal_amount INTEGER NOT NULL,           -- pence
            vat_amount      INTEGER NOT NULL,
            total_amount    INTEGER NOT NULL,
            status          TEXT    NOT NULL CHECK (status IN ('completed', 'refunded')),
            is_paid         INTEGER NOT NULL,
            created_at      TEXT    NOT NULL            -- 'YYYY-MM-DDTHH:MM:SSZ'
        );
        CREATE TABLE sale_items (
            id             INTEGER PRIMARY KEY,
            sale_id        INTEGER NOT NULL REFERENCES sales(id),
            item_id        INTEGER REFERENCES items(id),
            item_name      TEXT    NOT NULL,
            item_sku       TEXT    NOT NULL,
            unit_price     INTEGER NOT NULL,            -- pence
            vat_rate       REAL    NOT NULL,            -- 0.2 or 0.0
            quantity       REAL    NOT NULL,
            subtotal       INTEGER NOT NULL,
            vat_amount     INTEGER NOT NULL,
            total_with_vat INTEGER NOT NULL
        );
        CREATE TABLE test_executions (
            execution_id TEXT PRIMARY KEY,
            test_type    TEXT NOT NULL,
            status       TEXT NOT NULL,
            started_at   TEXT NOT NULL,
            completed_at TEXT,
            results      TEXT,                          -- JSON
            output_tail  TEXT
        );
        CREATE INDEX idx_sales_created       ON sales(created_at, id);
        CREATE INDEX idx_sales_charge_code   ON sales(charge_code, created_at);
        CREATE INDEX idx_sales_status        ON sales(status, created_at);
        CREATE INDEX idx_sale_items_sale     ON sale_items(sale_id);
        CREATE INDEX idx_sale_items_item     ON sale_items(item_id);
        CREATE INDEX idx_items_category      ON items(category_id, is_active, name);
        CREATE INDEX idx_items_active_name   ON items(is_active, name, id);
        CREATE INDEX idx_items_low_stock     ON items((current_stock <= minimum_stock), is_active);
        CREATE INDEX idx_items_name_nocase   ON items(name COLLATE NOCASE);
        CREATE INDEX idx_test_executions_type ON test_executions(test_type, started_at);
        """
}
