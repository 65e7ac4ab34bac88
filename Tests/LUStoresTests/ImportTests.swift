import Foundation
import JSONRPC
import Store
import Testing
@testable import LUStores

/// `import`: the JSON format and items CSV, all or nothing, upserts, repeated sales, exact lines.
@Suite("Import")
struct ImportTests {
    /// A small valid document. Worked by hand:
    ///
    ///     S1 (2025-06-09T09:15:00Z, from 10:15 BST):
    ///       CHM-1 1.5 × £0.33 = 49.5p → 50p, VAT 20% = 10p            (half-up, fractional quantity)
    ///       BK-1  1   × £65.00 = 6500p, VAT 0% = 0p                   (zero-rated)
    ///       subtotal 6550p, VAT 10p, total 6560p
    ///     S2 (refunded): CHM-1 0.125 × £2.25 = 28.125p → 28p, VAT 17.5% = 4.9p → 5p; total 33p
    static let document = """
        {"categories": [{"name": "Chemicals", "description": "Solvents"}],
         "items": [
           {"sku": "CHM-1", "name": "Acetone", "category": "chemicals", "price": 12.5, "stock": 10.25,
            "minimum_stock": 2, "unit": "L", "location": "Store A"},
           {"sku": "BK-1", "name": "Optics (Hecht)", "category": "Books", "price": 65}],
         "charge_codes": [{"code": "DEPT001", "title": "Condensed matter", "valid_from": "2024-01-01"}],
         "sales": [
           {"sale_id": "S1", "charge_code": "DEPT001", "timestamp": "2025-06-09T10:15:00+01:00",
            "lines": [{"sku": "CHM-1", "quantity": 1.5, "unit_price": 0.33, "vat_rate": 0.2},
                      {"sku": "BK-1", "quantity": 1, "unit_price": 65, "vat_rate": 0}]},
           {"sale_id": "S2", "charge_code": "DEPT001", "timestamp": "2025-06-10T08:00:00Z", "status": "refunded",
            "paid": false, "lines": [{"sku": "CHM-1", "quantity": 0.125, "unit_price": 2.25, "vat_rate": 0.175}]}]}
        """

    static func importJSON(_ text: String, into store: Store) async throws -> ImportSummary {
        let batch = try ImportReader.json(Array(text.utf8))
        return try await ImportWriter.write(batch, into: store, now: 1_750_000_000)
    }

    /// Every row of every data table, to prove a rejected import changed nothing.
    static func dump(_ store: Store) async throws -> [[SQLValue]] {
        var rows: [[SQLValue]] = []
        for table in ["categories", "items", "charge_codes", "sales", "sale_items", "sales_day_totals",
                      "sales_code_day_totals", "schema_version"] {
            rows += try await store.writer.query("SELECT '\(table)', * FROM \(table) ORDER BY 2, 3")
        }
        return rows
    }

    @Test("a document is written with exact lines, converted times, and stock left alone")
    func writesDocument() async throws {
        try await DataFixture.withStore { store in
            let summary = try await Self.importJSON(Self.document, into: store)
            #expect(summary.categoriesAdded == 2 && summary.itemsAdded == 2 && summary.chargeCodesAdded == 1)
            #expect(summary.salesAdded == 2 && summary.linesAdded == 3 && summary.salesSkipped == 0)
            let sales = try await store.writer.query(
                "SELECT sale_id, charge_code, subtotal_amount, vat_amount, total_amount, status, is_paid, created_at FROM sales ORDER BY id")
            #expect(sales == [
                [.text("S1"), .text("DEPT001"), .integer(6550), .integer(10), .integer(6560), .text("completed"), .integer(1),
                 .text("2025-06-09T09:15:00Z")],
                [.text("S2"), .text("DEPT001"), .integer(28), .integer(5), .integer(33), .text("refunded"), .integer(0),
                 .text("2025-06-10T08:00:00Z")],
            ])
            let lines = try await store.writer.query(
                "SELECT item_sku, item_name, unit_price, vat_rate, quantity, subtotal, vat_amount, total_with_vat FROM sale_items ORDER BY id")
            #expect(lines == [
                [.text("CHM-1"), .text("Acetone"), .integer(33), .real(0.2), .real(1.5), .integer(50), .integer(10), .integer(60)],
                [.text("BK-1"), .text("Optics (Hecht)"), .integer(6500), .real(0), .real(1), .integer(6500), .integer(0),
                 .integer(6500)],
                [.text("CHM-1"), .text("Acetone"), .integer(225), .real(0.175), .real(0.125), .integer(28), .integer(5),
                 .integer(33)],
            ])
            let items = try await store.writer.query(
                "SELECT sku, c.name, price, current_stock, minimum_stock, unit, location, is_active FROM items i JOIN categories c ON c.id = i.category_id ORDER BY i.id")
            #expect(items == [
                [.text("CHM-1"), .text("Chemicals"), .integer(1250), .real(10.25), .real(2), .text("L"), .text("Store A"), .integer(1)],
                [.text("BK-1"), .text("Books"), .integer(6500), .real(0), .real(0), .text("each"), .null, .integer(1)],
            ])
            let page = try await SalesQueries.page(SalesQuery(limit: 10), in: store)
            #expect(page.total == 2 && page.revenuePence == 6560)
        }
    }

    @Test("importing the same file twice adds nothing; upserts keep fields a later file leaves out")
    func repeatAndUpsert() async throws {
        try await DataFixture.withStore { store in
            _ = try await Self.importJSON(Self.document, into: store)
            let before = try await store.writer.query("SELECT * FROM sales ORDER BY id")
            let again = try await Self.importJSON(Self.document, into: store)
            #expect(again.salesAdded == 0 && again.salesSkipped == 2 && again.itemsUpdated == 2 && again.itemsAdded == 0)
            #expect(try await store.writer.query("SELECT * FROM sales ORDER BY id") == before)
            _ = try await Self.importJSON("""
                {"items": [{"sku": "CHM-1", "name": "Acetone AR", "category": "Chemicals", "price": 13}]}
                """, into: store)
            #expect(try await store.writer.query("SELECT name, price, current_stock, unit, location FROM items WHERE sku = 'CHM-1'")
                == [[.text("Acetone AR"), .integer(1300), .real(10.25), .text("L"), .text("Store A")]])
            // An identical repeat inside one file is skipped too.
            let twice = try await Self.importJSON("""
                {"sales": [{"sale_id": "S9", "charge_code": "DEPT001", "timestamp": "2025-06-11T08:00:00Z",
                            "lines": [{"sku": "BK-1", "quantity": 2, "unit_price": 65, "vat_rate": 0}]},
                           {"sale_id": "S9", "charge_code": "DEPT001", "timestamp": "2025-06-11T09:00:00+01:00",
                            "lines": [{"sku": "BK-1", "quantity": 2.0, "unit_price": 65.00, "vat_rate": 0}]}]}
                """, into: store)
            #expect(twice.salesAdded == 1 && twice.salesSkipped == 1)
        }
    }

    /// Each bad document: the position and a phrase of the message.
    static let badDocuments: [(String, String, String)] = [
        (#"{"items": [{"sku": "A", "name": "a", "category": "c", "price": 12.345}]}"#, "items[0].price", "at most 2 decimal"),
        (#"{"items": [{"sku": "A", "name": "a", "category": "c", "price": -1}]}"#, "items[0].price", "at least 0"),
        (#"{"items": [{"sku": "A", "category": "c", "price": 1}]}"#, "items[0].name", "is required"),
        (#"{"items": [{"sku": "A", "name": "a", "category": "c", "price": 1, "colour": "red"}]}"#, "items[0].colour", "unknown field"),
        (#"{"items": [{"sku": "A", "name": "a", "category": "c", "price": 1, "stock": 0.0001}]}"#, "items[0].stock", "3 decimal"),
        (#"{"suppliers": []}"#, "suppliers", "unknown field"),
        (#"{"items": {"sku": "A"}}"#, "items", "must be an array"),
        (#"[1, 2]"#, "", "must be an object"),
        (#"{"items": [}"#, "", "not valid JSON"),
        (#"{"charge_codes": [{"code": "X", "title": "x", "valid_from": "2025-02-30"}]}"#, "charge_codes[0].valid_from", "real date"),
        (#"{"charge_codes": [{"code": "X", "title": "x", "valid_from": "2025-02-03", "valid_until": "2025-01-01"}]}"#,
         "charge_codes[0].valid_until", "before valid_from"),
        (#"{"sales": [{"sale_id": "N1", "charge_code": "DEPT001", "timestamp": "2025-06-09T10:15:00", "lines": [{"sku": "CHM-1", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}]}]}"#,
         "sales[0].timestamp", "UTC offset"),
        // The embedded store holds completed and refunded sales only (its CHECK constraint); paid is a
        // status of LUStores' PostgreSQL database.
        (#"{"sales": [{"sale_id": "N1", "charge_code": "DEPT001", "timestamp": "2025-06-09T10:15:00Z", "status": "paid", "lines": [{"sku": "CHM-1", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}]}]}"#,
         "sales[0].status", "must be one of"),
        (#"{"sales": [{"sale_id": "N1", "charge_code": "DEPT001", "timestamp": "2025-06-09T10:15:00Z", "lines": []}]}"#,
         "sales[0].lines", "at least 1"),
        (#"{"sales": [{"sale_id": "N1", "charge_code": "DEPT001", "timestamp": "2025-06-09T10:15:00Z", "lines": [{"sku": "CHM-1", "quantity": 0, "unit_price": 1, "vat_rate": 0.2}]}]}"#,
         "sales[0].lines[0].quantity", "greater than 0"),
        (#"{"sales": [{"sale_id": "N1", "charge_code": "DEPT001", "timestamp": "2025-06-09T10:15:00Z", "lines": [{"sku": "CHM-1", "quantity": 1, "unit_price": 1, "vat_rate": 1.5}]}]}"#,
         "sales[0].lines[0].vat_rate", "at most 1"),
        (#"{"sales": [{"sale_id": "N1", "charge_code": "DEPT001", "timestamp": "2025-06-09T10:15:00Z", "status": "void", "lines": [{"sku": "CHM-1", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}]}]}"#,
         "sales[0].status", "one of"),
        (#"{"sales": [{"sale_id": "N1", "charge_code": "NOPE", "timestamp": "2025-06-09T10:15:00Z", "lines": [{"sku": "CHM-1", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}]}]}"#,
         "sales[0].charge_code", "no charge code NOPE"),
        (#"{"sales": [{"sale_id": "N1", "charge_code": "DEPT001", "timestamp": "2025-06-09T10:15:00Z", "lines": [{"sku": "CHM-1", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}, {"sku": "ZZZ", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}]}]}"#,
         "sales[0].lines[1].sku", "no item has SKU ZZZ"),
        (#"{"sales": [{"sale_id": "S1", "charge_code": "DEPT001", "timestamp": "2025-06-09T10:15:00+01:00", "lines": [{"sku": "CHM-1", "quantity": 1.5, "unit_price": 0.33, "vat_rate": 0.2}]}]}"#,
         "sales[0].sale_id", "different lines"),
        (#"{"sales": [{"sale_id": "S2", "charge_code": "DEPT001", "timestamp": "2025-06-10T08:00:00Z", "paid": true, "status": "refunded", "lines": [{"sku": "CHM-1", "quantity": 0.125, "unit_price": 2.25, "vat_rate": 0.175}]}]}"#,
         "sales[0].sale_id", "different paid"),
        (#"{"items": [{"sku": "NEW", "name": "n", "category": "c", "price": 1}], "sales": [{"sale_id": "N1", "charge_code": "DEPT001", "timestamp": "2025-06-09T10:15:00Z", "lines": [{"sku": "NEW", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}]}, {"sale_id": "N1", "charge_code": "DEPT001", "timestamp": "2025-06-09T10:15:01Z", "lines": [{"sku": "NEW", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}]}]}"#,
         "sales[1].sale_id", "different timestamp"),
        // Control characters: a NUL would cut the SKU in SQLite's C interfaces.
        (#"{"items": [{"sku": "A\u0000B", "name": "a", "category": "c", "price": 1}]}"#, "items[0].sku", "control characters (found U+0000)"),
        (#"{"items": [{"sku": "A", "name": "a\u0007b", "category": "c", "price": 1}]}"#, "items[0].name", "control characters (found U+0007)"),
        (#"{"items": [{"sku": "A", "name": "a", "category": "c\nd", "price": 1}]}"#, "items[0].category", "control characters"),
        (#"{"categories": [{"name": "Tools\u001f"}]}"#, "categories[0].name", "control characters (found U+001F)"),
        (#"{"charge_codes": [{"code": "D\u007f", "title": "x"}]}"#, "charge_codes[0].code", "control characters (found U+007F)"),
        (#"{"sales": [{"sale_id": "N\u00001", "charge_code": "DEPT001", "timestamp": "2025-06-09T10:15:00Z", "lines": [{"sku": "CHM-1", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}]}]}"#,
         "sales[0].sale_id", "control characters"),
        (#"{"sales": [{"sale_id": "N1", "charge_code": "DEPT001", "timestamp": "2025-06-09T10:15:00Z", "lines": [{"sku": "CHM\u00001", "quantity": 1, "unit_price": 1, "vat_rate": 0.2}]}]}"#,
         "sales[0].lines[0].sku", "control characters (found U+0000)"),
    ]

    @Test("every kind of bad record is reported with its position and leaves the store exactly as it was")
    func badRecordsChangeNothing() async throws {
        try await DataFixture.withStore { store in
            _ = try await Self.importJSON(Self.document, into: store)
            let before = try await Self.dump(store)
            for (document, position, phrase) in Self.badDocuments {
                do {
                    _ = try await Self.importJSON(document, into: store)
                    Issue.record("accepted: \(document)")
                } catch let error as ImportError {
                    #expect(error.position == position, "\(document)")
                    #expect(error.message.contains(phrase), "\(error)")
                } catch let failure as ImportFailure {
                    guard case .invalid(let error) = failure else { Issue.record("\(failure)"); continue }
                    #expect(error.position == position, "\(document)")
                    #expect(error.message.contains(phrase), "\(error)")
                }
                #expect(try await Self.dump(store) == before, "\(document)")
            }
        }
    }

    @Test("an items CSV: quoting, CRLF, empty cells, an active column, upserts by SKU")
    func itemsCSV() async throws {
        try await DataFixture.withStore { store in
            _ = try await Self.importJSON(Self.document, into: store)
            let csv = "\u{FEFF}sku,name,category,price,stock,minimum_stock,unit,location,active\r\n"
                + "X-1,\"Widget, large\",Tools,3.50,4,1,each,\"Shelf \"\"A\"\"\",yes\r\n"
                + "\r\n"
                + "CHM-1,Acetone AR,chemicals,13,,,L,,\r\n"
                + "X-2,\"Two\nlines\",Tools,0.05,0.125,0,kg,,0"
            let summary = try await ImportWriter.write(try ImportReader.csv(Array(csv.utf8)), into: store, now: 0)
            #expect(summary.itemsAdded == 2 && summary.itemsUpdated == 1 && summary.categoriesAdded == 1)
            let rows = try await store.writer.query(
                "SELECT sku, name, price, current_stock, minimum_stock, unit, location, is_active FROM items ORDER BY sku")
            #expect(rows == [
                [.text("BK-1"), .text("Optics (Hecht)"), .integer(6500), .real(0), .real(0), .text("each"), .null, .integer(1)],
                [.text("CHM-1"), .text("Acetone AR"), .integer(1300), .real(10.25), .real(2), .text("L"), .text("Store A"), .integer(1)],
                [.text("X-1"), .text("Widget, large"), .integer(350), .real(4), .real(1), .text("each"), .text("Shelf \"A\""), .integer(1)],
                [.text("X-2"), .text("Two\nlines"), .integer(5), .real(0.125), .real(0), .text("kg"), .null, .integer(0)],
            ])
        }
    }

    @Test("bad CSV files are reported by line and column and change nothing", arguments: [
        ("sku,name,category,price,stock,minimum_stock,unit\nA,a,c,1,1,1,each\n", "line 1", "no location column"),
        ("sku,name,category,price,stock,minimum_stock,unit,location,colour\n", "line 1", "unknown column colour"),
        ("sku,name,category,price,stock,minimum_stock,unit,location\nA,a,c,1,1,1,each\n", "line 2", "7 fields"),
        ("sku,name,category,price,stock,minimum_stock,unit,location\nA,a,c,£1,1,1,each,\n", "line 2, column price", "number"),
        ("sku,name,category,price,stock,minimum_stock,unit,location\nA,a,c,1.001,1,1,each,\n", "line 2, column price", "2 decimal"),
        ("sku,name,category,price,stock,minimum_stock,unit,location\nA,,c,1,1,1,each,\n", "line 2, column name", "required"),
        ("sku,name,category,price,stock,minimum_stock,unit,location\nA,a,c,1,1,1,each,\n\nB,\"b,c,1,1,1,each,\n", "line 4", "not closed"),
        ("sku,name,category,price,stock,minimum_stock,unit,location\nA,a\"b,c,1,1,1,each,\n", "line 2", "double quote"),
        ("sku,name,category,price,stock,minimum_stock,unit,location\nA,\"a\"b,c,1,1,1,each,\n", "line 2", "after the closing quote"),
        ("", "line 1", "no header"),
        ("sku,name,category,price,stock,minimum_stock,unit,location\nA\u{0}B,a,c,1,1,1,each,\n", "line 2, column sku", "control characters"),
        ("sku,name,category,price,stock,minimum_stock,unit,location\nA,a\u{1B}[31m,c,1,1,1,each,\n", "line 2, column name", "found U+001B"),
    ])
    func badCSV(text: String, position: String, phrase: String) async throws {
        try await DataFixture.withStore { store in
            _ = try await Self.importJSON(Self.document, into: store)
            let before = try await Self.dump(store)
            do {
                _ = try await ImportWriter.write(try ImportReader.csv(Array(text.utf8)), into: store, now: 0)
                Issue.record("accepted: \(text)")
            } catch let error as ImportError {
                #expect(error.position == position)
                #expect(error.message.contains(phrase), "\(error)")
            }
            #expect(try await Self.dump(store) == before)
        }
    }

    @Test("the file reader picks the format and refuses what it cannot read")
    func fileFormats() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lustores-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let json = directory.appendingPathComponent("data.txt").path
        try Data(("  \n" + Self.document).utf8).write(to: URL(fileURLWithPath: json))
        #expect(try ImportReader.read(path: json).sales.count == 2)
        let csv = directory.appendingPathComponent("items").path
        try Data("sku,name,category,price,stock,minimum_stock,unit,location\nA,a,c,1,1,1,each,\n".utf8)
            .write(to: URL(fileURLWithPath: csv))
        #expect(try ImportReader.read(path: csv).items.count == 1)
        #expect(throws: ImportError.self) { try ImportReader.read(path: directory.appendingPathComponent("missing.json").path) }
    }
}
