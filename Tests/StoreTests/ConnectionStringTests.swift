import Store
import Testing

/// Connection strings are printed with their password masked, in every form libpq reads, and
/// malformed ones are refused without repeating them.
@Suite struct ConnectionStringTests {
    @Test("URIs: the password of user:password@ and of ?password= is masked, the rest kept", arguments: [
        ("postgresql://reader:s3cret@db.example.ac.uk:5432/lustores", "postgresql://reader:***@db.example.ac.uk:5432/lustores"),
        ("postgres://reader:s3cret@db/lustores?sslmode=require", "postgres://reader:***@db/lustores?sslmode=require"),
        ("postgresql://reader@db/lustores?password=s3cret&sslmode=require",
         "postgresql://reader@db/lustores?password=***&sslmode=require"),
        ("postgresql:///lustores?host=/run/postgresql&pass%77ord=s3cret", "postgresql:///lustores?host=/run/postgresql&pass%77ord=***"),
        ("postgresql://reader:p%40ss:w@rd/s3cret@db/lustores", "postgresql://reader:***@db/lustores"),
        ("postgresql://reader:s3cret@[::1]:5433,db2:5432/lustores", "postgresql://reader:***@[::1]:5433,db2:5432/lustores"),
        ("postgresql://db/lustores", "postgresql://db/lustores"),
    ])
    func maskedURIs(_ url: String, _ expected: String) {
        #expect(ConnectionString.masked(url) == expected)
        #expect(ConnectionString.problem(url) == nil)
    }

    @Test("key=value settings: password= is masked, quoted or not, and inside a dbname that is itself a URI", arguments: [
        ("host=db dbname=lustores user=reader password=s3cret", "host=db dbname=lustores user=reader password=***"),
        ("password = s3cret host=db", "password=*** host=db"),
        ("host=db password='s3 cr\\'et' sslmode=require", "host=db password=*** sslmode=require"),
        ("  host=db   application_name='lustores mcp'  ", "host=db application_name='lustores mcp'"),
        ("dbname=postgresql://reader:s3cret@db/lustores", "dbname=postgresql://reader:***@db/lustores"),
        ("host=db", "host=db"),
    ])
    func maskedSettings(_ settings: String, _ expected: String) {
        #expect(ConnectionString.masked(settings) == expected)
        #expect(ConnectionString.problem(settings) == nil)
    }

    @Test("malformed strings are refused, and neither the reason nor the masked form repeats them", arguments: [
        "host=db password='s3cret", "s3cret", "host=db s3cret", "postgresql://reader:s3cret@db/lus tores", "   ",
        "postgresql//reader:s3cret@db",
    ])
    func malformed(_ text: String) throws {
        let problem = try #require(ConnectionString.problem(text))
        #expect(problem.hasPrefix("must"))
        #expect(!problem.contains("s3cret"))
        #expect(!ConnectionString.masked(text).contains("s3cret"))
    }
}
