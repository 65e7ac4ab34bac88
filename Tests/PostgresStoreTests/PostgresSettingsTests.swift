import PostgresStore
import Store
import Testing

/// The connection string's password never shows, whichever way it is written: the server prints
/// settings through `ConnectionString.masked`, the one masking rule.
struct PostgresSettingsTests {
    @Test("a URI keeps its form with the password masked")
    func uri() {
        let settings = PostgresSettings(conninfo: "postgresql://reader:s3cr%40t@db.example:5433/lustores?sslmode=require")
        #expect(ConnectionString.masked(settings.conninfo) == "postgresql://reader:***@db.example:5433/lustores?sslmode=require")
    }

    @Test("a password given as a URI parameter is masked too")
    func uriParameter() {
        let settings = PostgresSettings(conninfo: "postgres://reader@db/lustores?password=hunter22&application_name=x")
        #expect(ConnectionString.masked(settings.conninfo) == "postgres://reader@db/lustores?password=***&application_name=x")
    }

    @Test("key=value pairs keep their form, the password masked")
    func keyValue() {
        let settings = PostgresSettings(conninfo: "host=db port=5432 user=reader password='two words' dbname=lustores")
        let masked = ConnectionString.masked(settings.conninfo)
        #expect(masked.contains("password=***") && masked.contains("user=reader") && masked.contains("dbname=lustores"), "\(masked)")
        #expect(!masked.contains("two words"))
    }

    @Test("a string libpq cannot parse is refused without repeating it")
    func unparseable() throws {
        let settings = PostgresSettings(conninfo: "host=db password=leaky nonsense")
        #expect(!ConnectionString.masked(settings.conninfo).contains("leaky"))
        let error = #expect(throws: PostgresError.self) { try PostgresDataSource(settings: settings) }
        #expect(error?.code == .invalidSettings)
        #expect(error?.description.contains("leaky") == false)
    }

    @Test("defaults: a pool of 4, 5 s to connect, 5 s per statement; nonsense raised to the minimum")
    func defaults() {
        let settings = PostgresSettings(conninfo: "dbname=x")
        #expect(settings.poolSize == 4 && settings.connectTimeoutMilliseconds == 5000 && settings.statementTimeoutMilliseconds == 5000)
        #expect(PostgresSettings(conninfo: "dbname=x", poolSize: 0, connectTimeoutMilliseconds: -3).poolSize == 1)
    }
}
