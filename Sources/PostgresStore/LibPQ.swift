import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

// libpq is loaded with dlopen the first time a PostgreSQL connection is wanted, not linked: linked,
// it brings some thirty shared libraries (OpenSSL, Kerberos, LDAP, GnuTLS…) that the dynamic loader
// would map and relocate at every start of the server, SQLite users included, adding about 5 ms to a
// cold start. The functions below shadow libpq's own names inside this module, so the code calling
// them reads as plain libpq; when the library cannot be loaded they answer as libpq does when it
// cannot allocate (a nil connection, a nil parse), and `LibPQ.loadProblem` says why.

/// The libpq functions this module calls, resolved once from the shared library.
struct LibPQ: Sendable {
    /// The library's soname on Debian and most Linux distributions (package libpq5).
    static let soname = "libpq.so.5"

    /// The loaded functions, or nil when libpq is not installed or lacks a function we call.
    static let api: LibPQ? = load()

    /// Why libpq could not be loaded, in product terms; nil when it is loaded.
    static var loadProblem: String? {
        api == nil ? "the PostgreSQL client library (\(soname), Debian package libpq5) could not be loaded" : nil
    }

    typealias Conn = OpaquePointer
    typealias Result = OpaquePointer
    typealias CString = UnsafePointer<CChar>
    typealias CStrings = UnsafePointer<CString?>

    let connectStartParams: @convention(c) (CStrings?, CStrings?, Int32) -> Conn?
    let connectPoll: @convention(c) (Conn?) -> PostgresPollingStatusType
    let status: @convention(c) (Conn?) -> ConnStatusType
    let finish: @convention(c) (Conn?) -> Void
    let serverVersion: @convention(c) (Conn?) -> Int32
    let socket: @convention(c) (Conn?) -> Int32
    let setnonblocking: @convention(c) (Conn?, Int32) -> Int32
    let errorMessage: @convention(c) (Conn?) -> UnsafeMutablePointer<CChar>?
    let transactionStatus: @convention(c) (Conn?) -> PGTransactionStatusType
    let sendQuery: @convention(c) (Conn?, CString?) -> Int32
    let sendQueryParams: @convention(c) (Conn?, CString?, Int32, UnsafePointer<Oid>?, CStrings?,
                                         UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32) -> Int32
    let sendPrepare: @convention(c) (Conn?, CString?, CString?, Int32, UnsafePointer<Oid>?) -> Int32
    let sendQueryPrepared: @convention(c) (Conn?, CString?, Int32, CStrings?, UnsafePointer<Int32>?,
                                           UnsafePointer<Int32>?, Int32) -> Int32
    let enterPipelineMode: @convention(c) (Conn?) -> Int32
    let pipelineSync: @convention(c) (Conn?) -> Int32
    let flush: @convention(c) (Conn?) -> Int32
    let consumeInput: @convention(c) (Conn?) -> Int32
    let isBusy: @convention(c) (Conn?) -> Int32
    let getResult: @convention(c) (Conn?) -> Result?
    let resultStatus: @convention(c) (Result?) -> ExecStatusType
    let resultErrorField: @convention(c) (Result?, Int32) -> UnsafeMutablePointer<CChar>?
    let clear: @convention(c) (Result?) -> Void
    let ntuples: @convention(c) (Result?) -> Int32
    let nfields: @convention(c) (Result?) -> Int32
    let fname: @convention(c) (Result?, Int32) -> UnsafeMutablePointer<CChar>?
    let getisnull: @convention(c) (Result?, Int32, Int32) -> Int32
    let getlength: @convention(c) (Result?, Int32, Int32) -> Int32
    let getvalue: @convention(c) (Result?, Int32, Int32) -> UnsafeMutablePointer<CChar>?
    let conninfoParse: @convention(c) (CString?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
        -> UnsafeMutablePointer<PQconninfoOption>?
    let conninfoFree: @convention(c) (UnsafeMutablePointer<PQconninfoOption>?) -> Void
    let freemem: @convention(c) (UnsafeMutableRawPointer?) -> Void

    private static func load() -> LibPQ? {
        // RTLD_LOCAL: libpq's symbols stay out of the global namespace; the handle is never closed.
        guard let handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else { return nil }
        func symbol<Function>(_ name: String) -> Function? {
            dlsym(handle, name).map { unsafeBitCast($0, to: Function.self) }
        }
        guard let connectStartParams: @convention(c) (CStrings?, CStrings?, Int32) -> Conn? = symbol("PQconnectStartParams"),
              let connectPoll: @convention(c) (Conn?) -> PostgresPollingStatusType = symbol("PQconnectPoll"),
              let status: @convention(c) (Conn?) -> ConnStatusType = symbol("PQstatus"),
              let finish: @convention(c) (Conn?) -> Void = symbol("PQfinish"),
              let serverVersion: @convention(c) (Conn?) -> Int32 = symbol("PQserverVersion"),
              let socket: @convention(c) (Conn?) -> Int32 = symbol("PQsocket"),
              let setnonblocking: @convention(c) (Conn?, Int32) -> Int32 = symbol("PQsetnonblocking"),
              let errorMessage: @convention(c) (Conn?) -> UnsafeMutablePointer<CChar>? = symbol("PQerrorMessage"),
              let transactionStatus: @convention(c) (Conn?) -> PGTransactionStatusType = symbol("PQtransactionStatus"),
              let sendQuery: @convention(c) (Conn?, CString?) -> Int32 = symbol("PQsendQuery"),
              let sendQueryParams: @convention(c) (Conn?, CString?, Int32, UnsafePointer<Oid>?, CStrings?,
                                                   UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32) -> Int32
                  = symbol("PQsendQueryParams"),
              let sendPrepare: @convention(c) (Conn?, CString?, CString?, Int32, UnsafePointer<Oid>?) -> Int32
                  = symbol("PQsendPrepare"),
              let sendQueryPrepared: @convention(c) (Conn?, CString?, Int32, CStrings?, UnsafePointer<Int32>?,
                                                     UnsafePointer<Int32>?, Int32) -> Int32 = symbol("PQsendQueryPrepared"),
              let enterPipelineMode: @convention(c) (Conn?) -> Int32 = symbol("PQenterPipelineMode"),
              let pipelineSync: @convention(c) (Conn?) -> Int32 = symbol("PQpipelineSync"),
              let flush: @convention(c) (Conn?) -> Int32 = symbol("PQflush"),
              let consumeInput: @convention(c) (Conn?) -> Int32 = symbol("PQconsumeInput"),
              let isBusy: @convention(c) (Conn?) -> Int32 = symbol("PQisBusy"),
              let getResult: @convention(c) (Conn?) -> Result? = symbol("PQgetResult"),
              let resultStatus: @convention(c) (Result?) -> ExecStatusType = symbol("PQresultStatus"),
              let resultErrorField: @convention(c) (Result?, Int32) -> UnsafeMutablePointer<CChar>? = symbol("PQresultErrorField"),
              let clear: @convention(c) (Result?) -> Void = symbol("PQclear"),
              let ntuples: @convention(c) (Result?) -> Int32 = symbol("PQntuples"),
              let nfields: @convention(c) (Result?) -> Int32 = symbol("PQnfields"),
              let fname: @convention(c) (Result?, Int32) -> UnsafeMutablePointer<CChar>? = symbol("PQfname"),
              let getisnull: @convention(c) (Result?, Int32, Int32) -> Int32 = symbol("PQgetisnull"),
              let getlength: @convention(c) (Result?, Int32, Int32) -> Int32 = symbol("PQgetlength"),
              let getvalue: @convention(c) (Result?, Int32, Int32) -> UnsafeMutablePointer<CChar>? = symbol("PQgetvalue"),
              let conninfoParse: @convention(c) (CString?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
                  -> UnsafeMutablePointer<PQconninfoOption>? = symbol("PQconninfoParse"),
              let conninfoFree: @convention(c) (UnsafeMutablePointer<PQconninfoOption>?) -> Void = symbol("PQconninfoFree"),
              let freemem: @convention(c) (UnsafeMutableRawPointer?) -> Void = symbol("PQfreemem")
        else { return nil }
        return LibPQ(
            connectStartParams: connectStartParams, connectPoll: connectPoll, status: status, finish: finish,
            serverVersion: serverVersion, socket: socket, setnonblocking: setnonblocking, errorMessage: errorMessage,
            transactionStatus: transactionStatus, sendQuery: sendQuery, sendQueryParams: sendQueryParams,
            sendPrepare: sendPrepare, sendQueryPrepared: sendQueryPrepared, enterPipelineMode: enterPipelineMode,
            pipelineSync: pipelineSync, flush: flush, consumeInput: consumeInput, isBusy: isBusy,
            getResult: getResult, resultStatus: resultStatus, resultErrorField: resultErrorField, clear: clear,
            ntuples: ntuples, nfields: nfields, fname: fname, getisnull: getisnull, getlength: getlength,
            getvalue: getvalue, conninfoParse: conninfoParse, conninfoFree: conninfoFree, freemem: freemem)
    }
}

// MARK: libpq's names, served by the loaded library

func PQconnectStartParams(_ keywords: LibPQ.CStrings?, _ values: LibPQ.CStrings?, _ expand: Int32) -> OpaquePointer? {
    LibPQ.api?.connectStartParams(keywords, values, expand)
}
func PQconnectPoll(_ conn: OpaquePointer?) -> PostgresPollingStatusType { LibPQ.api?.connectPoll(conn) ?? PGRES_POLLING_FAILED }
func PQstatus(_ conn: OpaquePointer?) -> ConnStatusType { LibPQ.api?.status(conn) ?? CONNECTION_BAD }
func PQfinish(_ conn: OpaquePointer?) { LibPQ.api?.finish(conn) }
func PQserverVersion(_ conn: OpaquePointer?) -> Int32 { LibPQ.api?.serverVersion(conn) ?? 0 }
func PQsocket(_ conn: OpaquePointer?) -> Int32 { LibPQ.api?.socket(conn) ?? -1 }
func PQsetnonblocking(_ conn: OpaquePointer?, _ arg: Int32) -> Int32 { LibPQ.api?.setnonblocking(conn, arg) ?? -1 }
func PQerrorMessage(_ conn: OpaquePointer?) -> UnsafeMutablePointer<CChar>? { LibPQ.api?.errorMessage(conn) }
func PQtransactionStatus(_ conn: OpaquePointer?) -> PGTransactionStatusType {
    LibPQ.api?.transactionStatus(conn) ?? PQTRANS_UNKNOWN
}
func PQsendQuery(_ conn: OpaquePointer?, _ query: LibPQ.CString?) -> Int32 { LibPQ.api?.sendQuery(conn, query) ?? 0 }
func PQsendQueryParams(_ conn: OpaquePointer?, _ command: LibPQ.CString?, _ count: Int32, _ types: UnsafePointer<Oid>?,
                       _ values: LibPQ.CStrings?, _ lengths: UnsafePointer<Int32>?, _ formats: UnsafePointer<Int32>?,
                       _ resultFormat: Int32) -> Int32 {
    LibPQ.api?.sendQueryParams(conn, command, count, types, values, lengths, formats, resultFormat) ?? 0
}
func PQsendPrepare(_ conn: OpaquePointer?, _ name: LibPQ.CString?, _ query: LibPQ.CString?, _ count: Int32,
                   _ types: UnsafePointer<Oid>?) -> Int32 {
    LibPQ.api?.sendPrepare(conn, name, query, count, types) ?? 0
}
func PQsendQueryPrepared(_ conn: OpaquePointer?, _ name: LibPQ.CString?, _ count: Int32, _ values: LibPQ.CStrings?,
                         _ lengths: UnsafePointer<Int32>?, _ formats: UnsafePointer<Int32>?, _ resultFormat: Int32) -> Int32 {
    LibPQ.api?.sendQueryPrepared(conn, name, count, values, lengths, formats, resultFormat) ?? 0
}
func PQenterPipelineMode(_ conn: OpaquePointer?) -> Int32 { LibPQ.api?.enterPipelineMode(conn) ?? 0 }
func PQpipelineSync(_ conn: OpaquePointer?) -> Int32 { LibPQ.api?.pipelineSync(conn) ?? 0 }
func PQflush(_ conn: OpaquePointer?) -> Int32 { LibPQ.api?.flush(conn) ?? -1 }
func PQconsumeInput(_ conn: OpaquePointer?) -> Int32 { LibPQ.api?.consumeInput(conn) ?? 0 }
func PQisBusy(_ conn: OpaquePointer?) -> Int32 { LibPQ.api?.isBusy(conn) ?? 0 }
func PQgetResult(_ conn: OpaquePointer?) -> OpaquePointer? { LibPQ.api?.getResult(conn) }
func PQresultStatus(_ result: OpaquePointer?) -> ExecStatusType { LibPQ.api?.resultStatus(result) ?? PGRES_FATAL_ERROR }
func PQresultErrorField(_ result: OpaquePointer?, _ code: Int32) -> UnsafeMutablePointer<CChar>? {
    LibPQ.api?.resultErrorField(result, code)
}
func PQclear(_ result: OpaquePointer?) { LibPQ.api?.clear(result) }
func PQntuples(_ result: OpaquePointer?) -> Int32 { LibPQ.api?.ntuples(result) ?? 0 }
func PQnfields(_ result: OpaquePointer?) -> Int32 { LibPQ.api?.nfields(result) ?? 0 }
func PQfname(_ result: OpaquePointer?, _ column: Int32) -> UnsafeMutablePointer<CChar>? { LibPQ.api?.fname(result, column) }
func PQgetisnull(_ result: OpaquePointer?, _ row: Int32, _ column: Int32) -> Int32 {
    LibPQ.api?.getisnull(result, row, column) ?? 1
}
func PQgetlength(_ result: OpaquePointer?, _ row: Int32, _ column: Int32) -> Int32 {
    LibPQ.api?.getlength(result, row, column) ?? 0
}
func PQgetvalue(_ result: OpaquePointer?, _ row: Int32, _ column: Int32) -> UnsafeMutablePointer<CChar>? {
    LibPQ.api?.getvalue(result, row, column)
}
func PQconninfoParse(_ conninfo: LibPQ.CString?, _ errorMessage: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
    -> UnsafeMutablePointer<PQconninfoOption>? {
    LibPQ.api?.conninfoParse(conninfo, errorMessage)
}
func PQconninfoFree(_ options: UnsafeMutablePointer<PQconninfoOption>?) { LibPQ.api?.conninfoFree(options) }
func PQfreemem(_ pointer: UnsafeMutableRawPointer?) { LibPQ.api?.freemem(pointer) }
