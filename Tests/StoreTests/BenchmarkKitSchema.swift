/// A verbatim copy of the benchmark harness's schema (`SCHEMA` and `INDEXES` in its make_db.py),
/// used to build databases the way that script does and to prove migration 1 creates the same schema.
/// If the harness's schema changes, update this copy and add a migration.
enum BenchmarkKitSchema {
    /// `SCHEMA` from make_db.py: all seven tables, schema_version included.
    static let schema = #"""
        CREATE TABLE schema_version (
            version    INTEGER NOT NULL PRIMARY KEY,
            applied_at TEXT    NOT NULL
        );
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
        """#

    /// `INDEXES` from make_db.py, created after the rows are inserted.
    static let indexes = #"""
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
        """#

    /// The seven tables, sorted.
    static let tables = [
        "categories", "charge_codes", "items", "sale_items", "sales", "schema_version", "test_executions",
    ]

    /// The ten named indexes, sorted.
    static let indexNames = [
        "idx_items_active_name", "idx_items_category", "idx_items_low_stock", "idx_items_name_nocase",
        "idx_sale_items_item", "idx_sale_items_sale", "idx_sales_charge_code", "idx_sales_created",
        "idx_sales_status", "idx_test_executions_type",
    ]
}
