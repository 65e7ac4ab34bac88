import Foundation
import Testing

/// The data tools know no SQL dialect: they reach sales and items through `DataSource` only, so the
/// same code answers from SQLite and from PostgreSQL.
@Suite("Data tools know no SQL")
struct DataToolIndependenceTests {
    /// The files of `get_sales` and `get_inventory` in the tools module.
    static let dataToolFiles = ["GetSalesTool.swift", "SalesLedger.swift", "SalesArguments.swift", "GetInventoryTool.swift",
                                "InventoryCatalog.swift", "InventoryArguments.swift", "ToolError+DataSource.swift"]
    /// What only code that speaks to a database would contain: SQL keywords, SQLite's names, the
    /// SQLite store's query types and connections.
    static let databaseWords = ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", " FROM ", " WHERE ", "PRAGMA", "SQLite",
                                "SalesQueries", "InventoryQueries", "Store.open", "store.read", "CSQLite", "libpq"]

    @Test("the data tools' files contain no SQL and name no engine")
    func dataToolsHaveNoSQL() throws {
        for file in Self.dataToolFiles {
            let text = try String(contentsOfFile: repositoryRoot + "/Sources/LUStores/" + file, encoding: .utf8)
            for word in Self.databaseWords {
                #expect(!text.contains(word), "Sources/LUStores/\(file) contains \(word.debugDescription)")
            }
        }
    }

    @Test("no file of the tools module imports a database's C library")
    func noDatabaseImports() throws {
        let directory = repositoryRoot + "/Sources/LUStores"
        let files = try #require(FileManager.default.enumerator(atPath: directory)?.allObjects as? [String])
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count > Self.dataToolFiles.count)
        for file in files {
            let imports = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
                .split(separator: "\n").filter { $0.hasPrefix("import ") }
            #expect(!imports.contains { $0.contains("CSQLite") || $0.contains("CPostgres") || $0.contains("CLibPQ") },
                    "\(file): \(imports)")
        }
    }
}
