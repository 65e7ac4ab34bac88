-- Fixture rows for either schema variant (no column here is variant-specific), and SELECT on the
-- five tables for the role lus_reader (created beforehand by the test support). Each row is a case
-- the PostgreSQL store must get exactly right:
--   sales   1  last microsecond of 2026-11-26 (truncated, never rounded, to 23:59:59Z)
--           2  charge code typed in lower case, status paid, first instant of 2026-11-27
--           3  status refunded: counted, but earns no revenue
--           4  charge code 'Dept001', VAT-inclusive shelf prices, three lines, .5 s
--           5  created_at NULL: left out of every answer
--           6  total 1p above the sum of its lines (LUStores' floating-point sums): passes the check
--           7  total 5p above its lines, and a charge code no chargecodes row knows: fails the checks
--        8, 9  the same created_at: newest first means id 9 before id 8
--          10  fully refunded and netted: no lines, zero totals
--   items   Capacitor_100nF and 'Physics 100% Guide' (search escaping), Acetone with a NULL location
--           and a VAT-exclusive price, an inactive item, two items of the same name, a 0 % VAT book,
--           a lower-case name (byte order puts it last), stock × price with halves of a penny.
INSERT INTO categories (id, name, description) VALUES
    (1, 'Electronics', 'Components'), (2, 'Chemicals', NULL), (3, 'Books', NULL), (4, 'Cryogenics', 'Nothing yet');

INSERT INTO items (id, name, sku, category_id, price, vat_rate, vat_included, current_stock, minimum_stock, unit, location, is_active) VALUES
    (1, 'Resistor 10k',       'ELC-001', 1,  0.12, 0.2000, true,  500.00, 100.00, 'pieces', 'A1',      true),
    (2, 'Capacitor_100nF',    'ELC-002', 1,  0.25, 0.2000, true,   33.34,  50.00, 'pieces', 'A2',      true),
    (3, 'Acetone',            'CHM-001', 2, 12.50, 0.2000, false,   3.50,   5.00, 'L',      NULL,      true),
    (4, 'Physics 100% Guide', 'BK-001',  3, 39.99, 0.0000, true,    2.00,   1.00, 'pieces', 'Shelf B', true),
    (5, 'Old Probe',          'ELC-003', 1,  5.00, 0.2000, true,    1.00,   0.00, 'pieces', 'A9',      false),
    (6, 'acetone wipes',      'CHM-002', 2,  3.99, 0.2000, true,    0.50,   0.50, 'pieces', 'C3',      true),
    (7, 'Resistor 10k',       'ELC-004', 1,  0.10, 0.2000, true,    0.00,   0.00, 'pieces', 'A1',      true);

INSERT INTO chargecodes (code, title, on_hold) VALUES
    ('DEPT001', 'Physics', false), ('DEPT002', 'Chemistry', false), ('LAB9', 'Laboratory 9', true);

INSERT INTO sales (id, sale_id, charge_code, subtotal_amount, vat_amount, total_amount, status, is_paid, created_at) VALUES
    (1,  'S001', 'DEPT001',   9.17, 1.83, 11.00, 'completed', false, '2026-11-26 23:59:59.999999'),
    (2,  'S002', 'dept001',   5.00, 1.00,  6.00, 'paid',      true,  '2026-11-27 00:00:00'),
    (3,  'S003', 'DEPT002',   2.00, 0.40,  2.40, 'refunded',  false, '2026-11-27 09:00:00.000001'),
    (4,  'S004', 'Dept001',  47.64, 1.53, 49.17, 'completed', false, '2026-11-27 12:30:45.5'),
    (5,  'S005', 'DEPT001',   1.00, 0.20,  1.20, 'completed', false, NULL),
    (6,  'S006', 'DEPT002',   7.09, 1.42,  8.51, 'completed', false, '2026-11-27 23:59:59.999999'),
    (7,  'S007', 'unknown9', 80.03, 0.00, 80.03, 'paid',      true,  '2026-11-28 00:00:00'),
    (8,  'S008', 'DEPT002',   3.33, 0.66,  3.99, 'completed', false, '2026-11-28 10:15:00'),
    (9,  'S009', 'lab9',      0.50, 0.10,  0.60, 'completed', false, '2026-11-28 10:15:00'),
    (10, 'S010', 'DEPT001',   0.00, 0.00,  0.00, 'completed', false, '2026-11-25 08:00:00');

INSERT INTO sale_items (sale_id, item_id, item_name, item_sku, unit_price, vat_rate, quantity, subtotal, vat_amount, total_with_vat) VALUES
    (1, 2, 'Capacitor_100nF',    'ELC-002',  0.25, 0.2000, 20.00,  4.17, 0.83,  5.00),
    (1, 1, 'Resistor 10k',       'ELC-001',  0.12, 0.2000, 50.00,  5.00, 1.00,  6.00),
    (2, 3, 'Acetone',            'CHM-001', 12.50, 0.2000,  0.40,  5.00, 1.00,  6.00),
    (3, 1, 'Resistor 10k',       'ELC-001',  0.12, 0.2000, 20.00,  2.00, 0.40,  2.40),
    (4, 4, 'Physics 100% Guide', 'BK-001',  39.99, 0.0000,  1.00, 39.99, 0.00, 39.99),
    (4, 6, 'acetone wipes',      'CHM-002',  3.99, 0.2000,  2.00,  6.65, 1.33,  7.98),
    (4, 1, 'Resistor 10k',       'ELC-001',  0.12, 0.2000, 10.00,  1.00, 0.20,  1.20),
    (5, 1, 'Resistor 10k',       'ELC-001',  0.12, 0.2000, 10.00,  1.00, 0.20,  1.20),
    (6, 2, 'Capacitor_100nF',    'ELC-002',  0.25, 0.2000,  4.00,  0.83, 0.17,  1.00),
    (6, 3, 'Acetone',            'CHM-001', 12.50, 0.2000,  0.50,  6.25, 1.25,  7.50),
    (7, 4, 'Physics 100% Guide', 'BK-001',  39.99, 0.0000,  2.00, 79.98, 0.00, 79.98),
    (8, 6, 'acetone wipes',      'CHM-002',  3.99, 0.2000,  1.00,  3.33, 0.66,  3.99),
    (9, 1, 'Resistor 10k',       'ELC-001',  0.12, 0.2000,  5.00,  0.50, 0.10,  0.60);

SELECT setval(pg_get_serial_sequence('sales', 'id'), 10);
SELECT setval(pg_get_serial_sequence('items', 'id'), 7);
SELECT setval(pg_get_serial_sequence('categories', 'id'), 4);

GRANT SELECT ON categories, items, chargecodes, sales, sale_items TO lus_reader;
ANALYZE;
