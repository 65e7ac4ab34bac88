import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import JSONRPC

/// Code coverage as percentages of lines, functions and branches, rounded to two decimals. A kind
/// with nothing to cover reads 100 (as istanbul reports it).
public struct Coverage: Sendable, Equatable {
    public var lines: Double
    public var functions: Double
    public var branches: Double

    public init(lines: Double, functions: Double, branches: Double) {
        self.lines = lines
        self.functions = functions
        self.branches = branches
    }

    /// From covered / total counts.
    init(lines: (Int, Int), functions: (Int, Int), branches: (Int, Int)) {
        self.init(lines: Self.percent(lines), functions: Self.percent(functions), branches: Self.percent(branches))
    }

    static func percent(_ counts: (covered: Int, total: Int)) -> Double {
        guard counts.total > 0 else { return 100 }
        let value = Double(min(counts.covered, counts.total)) / Double(counts.total) * 100
        return (value * 100).rounded() / 100
    }

    /// `{"lines","functions","branches"}`.
    public var json: JSONValue {
        ["lines": .double(lines), "functions": .double(functions), "branches": .double(branches)]
    }
}

/// The coverage formats a suite's `coverage.format` names (`schemas/config.schema.json`).
public enum CoverageFormat: String, Sendable, CaseIterable {
    case lcov
    case llvmCov = "llvm-cov"
    case cobertura
    case istanbul

    /// Reads a whole coverage file.
    public func parse(_ bytes: [UInt8]) throws(ReportError) -> Coverage {
        switch self {
        case .lcov: return try Self.lcov(bytes)
        case .llvmCov: return try Self.llvmCov(bytes)
        case .cobertura: return try CoberturaReader.parse(bytes)
        case .istanbul: return try Self.istanbul(bytes)
        }
    }

    /// lcov tracefile: the `LF/LH`, `FNF/FNH`, `BRF/BRH` summaries of every record, or the `DA`,
    /// `FNDA`, `BRDA` entries of a record that has no summary.
    static func lcov(_ bytes: [UInt8]) throws(ReportError) -> Coverage {
        var sums = [String: Int]()
        var record = [String: Int]()
        var sawRecord = false
        func close() {
            // Summary lines win; entry counts stand in for missing ones.
            for (summary, entries) in [("LF", "DA"), ("LH", "DA+"), ("FNF", "FNDA"), ("FNH", "FNDA+"), ("BRF", "BRDA"), ("BRH", "BRDA+")] {
                sums[summary, default: 0] += record[summary] ?? record[entries] ?? 0
            }
            record = [:]
        }
        for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
            if line == "end_of_record" { close(); sawRecord = true; continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon])
            let value = line[line.index(after: colon)...]
            switch key {
            case "SF": sawRecord = true
            case "LF", "LH", "FNF", "FNH", "BRF", "BRH":
                guard let number = Int(value.trimmingSpaces) else { throw ReportError("malformed lcov line: \(line.prefix(80))") }
                record[key, default: 0] += number
            case "DA", "FNDA", "BRDA":
                let fields = value.split(separator: ",")
                // DA:line,hits  FNDA:hits,name  BRDA:line,block,branch,taken ('-' when never reached)
                let hits = key == "DA" ? fields.dropFirst().first : key == "FNDA" ? fields.first : fields.last
                record[key, default: 0] += 1
                if let hits, let count = Int(hits), count > 0 { record[key + "+", default: 0] += 1 }
            default: break
            }
        }
        if !record.isEmpty { close() }
        guard sawRecord else { throw ReportError("not an lcov tracefile: no SF or end_of_record lines") }
        return Coverage(lines: (sums["LH"] ?? 0, sums["LF"] ?? 0), functions: (sums["FNH"] ?? 0, sums["FNF"] ?? 0),
                        branches: (sums["BRH"] ?? 0, sums["BRF"] ?? 0))
    }

    /// `llvm-cov export` JSON: the `totals` of every `data` entry.
    static func llvmCov(_ bytes: [UInt8]) throws(ReportError) -> Coverage {
        let document = try parseJSON(bytes, "llvm-cov export JSON")
        guard let data = document["data"]?.arrayValue, !data.isEmpty else {
            throw ReportError("not llvm-cov export JSON: no data array")
        }
        var counts = [String: (Int, Int)]()
        for entry in data {
            guard let totals = entry["totals"] else { throw ReportError("not llvm-cov export JSON: data without totals") }
            for kind in ["lines", "functions", "branches"] {
                let covered = Int(totals[kind]?["covered"]?.integerValue ?? 0)
                let count = Int(totals[kind]?["count"]?.integerValue ?? 0)
                counts[kind] = ((counts[kind]?.0 ?? 0) + covered, (counts[kind]?.1 ?? 0) + count)
            }
        }
        return Coverage(lines: counts["lines"] ?? (0, 0), functions: counts["functions"] ?? (0, 0),
                        branches: counts["branches"] ?? (0, 0))
    }

    /// istanbul `coverage-summary.json`: its `total`.
    static func istanbul(_ bytes: [UInt8]) throws(ReportError) -> Coverage {
        let document = try parseJSON(bytes, "istanbul coverage summary")
        guard let total = document["total"]?.objectValue else {
            throw ReportError("not an istanbul coverage-summary.json: no total")
        }
        func counts(_ kind: String) -> (Int, Int) {
            (Int(total[kind]?["covered"]?.integerValue ?? 0), Int(total[kind]?["total"]?.integerValue ?? 0))
        }
        return Coverage(lines: counts("lines"), functions: counts("functions"), branches: counts("branches"))
    }

    private static func parseJSON(_ bytes: [UInt8], _ what: String) throws(ReportError) -> JSONValue {
        do {
            return try JSONParser.parse(bytes)
        } catch {
            throw ReportError("malformed \(what): \(error)")
        }
    }
}

/// Cobertura XML: lines and branches from the root's `lines-covered` / `lines-valid` and
/// `branches-covered` / `branches-valid` (or its rates when those are absent), functions from the
/// `<method>` elements (covered when one of their lines was hit).
enum CoberturaReader {
    static func parse(_ bytes: [UInt8]) throws(ReportError) -> Coverage {
        let reader = Reader()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        guard parser.parse() else {
            let reason = parser.parserError.map { "\($0.localizedDescription)" } ?? "unknown error"
            throw ReportError("malformed Cobertura XML at line \(parser.lineNumber): \(reason)")
        }
        guard reader.openElements == 0 else { throw ReportError("malformed Cobertura XML: the document is cut off") }
        guard let root = reader.root else { throw ReportError("not a Cobertura report: no <coverage> root") }
        func rate(_ covered: String, _ valid: String, _ rate: String) -> Double {
            if let covered = root[covered].flatMap(Int.init), let valid = root[valid].flatMap(Int.init) {
                return Coverage.percent((covered, valid))
            }
            return ((root[rate].flatMap(Double.init) ?? 0) * 10_000).rounded() / 100
        }
        return Coverage(lines: rate("lines-covered", "lines-valid", "line-rate"),
                        functions: Coverage.percent((reader.coveredMethods, reader.methods)),
                        branches: rate("branches-covered", "branches-valid", "branch-rate"))
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var root: [String: String]?
        /// Elements started and not yet ended: not 0 at the end means the document was cut off.
        var openElements = 0
        var methods = 0
        var coveredMethods = 0
        private var inMethod = false
        private var methodHit = false

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?, attributes: [String: String] = [:]) {
            openElements += 1
            switch elementName {
            case "coverage" where root == nil:
                root = attributes
            case "method":
                inMethod = true
                methodHit = (attributes["line-rate"].flatMap(Double.init) ?? 0) > 0
            case "line" where inMethod:
                if (attributes["hits"].flatMap(Int.init) ?? 0) > 0 { methodHit = true }
            default:
                break
            }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                    qualifiedName qName: String?) {
            openElements -= 1
            guard elementName == "method", inMethod else { return }
            inMethod = false
            methods += 1
            if methodHit { coveredMethods += 1 }
        }
    }
}
