import Store
import Testing
@testable import LUStores

/// A built-in check that cannot run tells the client what failed in product terms: never the
/// statement it ran nor the database's path (both go to the operator's log only).
@Suite struct CheckMessageTests {
    @Test func storeFailuresBecomeProductTerms() {
        let failures: [StoreError] = [
            .sqlite(code: 11, message: "database disk image is malformed", sql: "INSERT INTO test_executions (execution_id) VALUES"),
            .cannotOpen(path: "/var/lib/secret/store.sqlite", message: "unable to open"),
        ]
        for failure in failures {
            let text = SQLiteStoreChecks.productTerms(failure)
            #expect(!text.contains("INSERT") && !text.contains("/var/lib"), "\(text)")
            #expect(text == failure.clientReason)
        }
        #expect(SQLiteStoreChecks.productTerms(CancellationError()).contains("internal error"))
    }
}
