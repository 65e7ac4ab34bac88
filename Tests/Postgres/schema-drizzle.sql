-- The LUStores tables as its Drizzle migrations make them (the columns lustores-mcp reads, and
-- some others so rows are as wide as LUStores'), with LUStores' own keys and indexes only.
CREATE TABLE categories (
    id serial NOT NULL, name varchar(100) NOT NULL, description text,
    icon varchar(50) NOT NULL DEFAULT 'fas fa-box', color varchar(50) NOT NULL DEFAULT 'blue',
    created_at timestamp DEFAULT now(), updated_at timestamp DEFAULT now());
CREATE TABLE items (
    id serial NOT NULL, name varchar(200) NOT NULL, sku varchar(100) NOT NULL, description text,
    category_id integer NOT NULL, price numeric(10,2) NOT NULL, vat_rate numeric(5,4) NOT NULL DEFAULT 0.2000,
    vat_included boolean NOT NULL DEFAULT true, current_stock numeric(10,2) NOT NULL DEFAULT 0.00,
    minimum_stock numeric(10,2) NOT NULL DEFAULT 0.00, unit varchar(50) NOT NULL DEFAULT 'pieces',
    location varchar(200), is_active boolean NOT NULL DEFAULT true, low_stock_acknowledged_at timestamp,
    notes_id integer, created_by varchar, updated_by varchar,
    created_at timestamp DEFAULT now(), updated_at timestamp DEFAULT now());
CREATE TABLE chargecodes (
    code varchar NOT NULL, title varchar NOT NULL, authorised_by varchar,
    valid_from timestamp, valid_until timestamp, pin varchar, cost_centre varchar,
    activity varchar(200), cat3 varchar(200), notes_id integer, on_hold boolean NOT NULL DEFAULT false,
    hold_reason text, held_at timestamp, held_by varchar,
    created_at timestamp DEFAULT now(), updated_at timestamp DEFAULT now());
CREATE TABLE sales (
    id serial NOT NULL, sale_id varchar(50) NOT NULL, charge_code varchar(100) NOT NULL,
    subtotal_amount numeric(12,2) NOT NULL, vat_amount numeric(12,2) NOT NULL DEFAULT 0.00,
    total_amount numeric(12,2) NOT NULL, vat_applied boolean NOT NULL DEFAULT true, customer_info jsonb,
    notes_id integer, status varchar(20) NOT NULL DEFAULT 'completed', is_paid boolean NOT NULL DEFAULT false,
    processed_by varchar, delivered_to varchar(200), delivered_to_email varchar(200), delivered_at timestamp,
    created_at timestamp DEFAULT now(), updated_at timestamp DEFAULT now());
CREATE TABLE sale_items (
    id serial NOT NULL, sale_id integer NOT NULL, item_id integer NOT NULL,
    item_name varchar(200) NOT NULL, item_sku varchar(100) NOT NULL, unit_price numeric(10,2) NOT NULL,
    vat_rate numeric(5,4) NOT NULL, vat_amount numeric(10,2) NOT NULL DEFAULT 0.00,
    quantity numeric(10,2) NOT NULL, subtotal numeric(12,2) NOT NULL, total_with_vat numeric(12,2) NOT NULL,
    created_at timestamp DEFAULT now(),
    vat_included boolean NOT NULL DEFAULT true);

ALTER TABLE categories ADD PRIMARY KEY (id);
ALTER TABLE chargecodes ADD PRIMARY KEY (code);
ALTER TABLE items ADD PRIMARY KEY (id), ADD CONSTRAINT items_sku_unique UNIQUE (sku);
ALTER TABLE sales ADD PRIMARY KEY (id), ADD CONSTRAINT sales_sale_id_unique UNIQUE (sale_id);
ALTER TABLE sale_items ADD PRIMARY KEY (id);
ALTER TABLE items ADD CONSTRAINT items_category_id_categories_id_fk FOREIGN KEY (category_id) REFERENCES categories(id);
ALTER TABLE sale_items ADD CONSTRAINT sale_items_sale_id_sales_id_fk FOREIGN KEY (sale_id) REFERENCES sales(id),
    ADD CONSTRAINT sale_items_item_id_items_id_fk FOREIGN KEY (item_id) REFERENCES items(id);
CREATE INDEX idx_items_name ON items (name);
CREATE INDEX idx_items_category ON items (category_id);
CREATE INDEX idx_items_is_active ON items (is_active);
CREATE INDEX idx_items_updated_at ON items (updated_at);
CREATE INDEX idx_items_active_category ON items (is_active, category_id);
CREATE INDEX idx_items_low_stock_check ON items (is_active, current_stock, minimum_stock) WHERE is_active = true;
