import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

/// Inputs the fuzzers (scripts/fuzz.sh) found, kept so they stay fixed. Each must end in an error
/// or a result, never a crash.
@Suite("Fuzzer findings")
struct FuzzRegressionTests {
    @Test("Formula nested 700 levels deep: an error, not a stack overflow (FuzzFormula, 2026-11-23)")
    func deepNesting() throws {
        let text = try String(contentsOfFile: Fixtures.path("fuzz/formula-deep-nesting.txt"), encoding: .utf8)
        let error = #expect(throws: FormulaError.self) { try Formula(text) }
        #expect(error?.description.contains("nested more than 200 levels deep") == true, "\(String(describing: error))")
        // Deep but reasonable nesting still parses, and so do long chains of unary minus.
        #expect(throws: Never.self) { try Formula("y ~ I(" + String(repeating: "(", count: 50) + "x" + String(repeating: ")", count: 50) + ")") }
        #expect(throws: FormulaError.self) { try Formula("y ~ I(" + String(repeating: "-", count: 5000) + "x)") }
        #expect(throws: FormulaError.self) { try Formula("y ~ " + String(repeating: "(", count: 100_000) + "x") }
    }

    @Test("A chain of 40 products (2^40 terms): an error at once, not an hour of work (FuzzFormula, 2026-11-23)")
    func productExplosion() throws {
        let text = try String(contentsOfFile: Fixtures.path("fuzz/formula-product-explosion.txt"), encoding: .utf8)
        let start = Date()
        let error = #expect(throws: FormulaError.self) { try Formula(text) }
        #expect(error?.description.contains("expands to more than 2000 terms") == true, "\(String(describing: error))")
        #expect(throws: FormulaError.self) { try Formula("y ~ (a + b + c + d + e + f + g + h + i + j + k + l)**12") }
        #expect(Date().timeIntervalSince(start) < 5)
        // A full three-way interaction of four activities is fine.
        #expect(try Formula("y ~ a*b*c*d").terms.count == 15)
    }

    @Test("An empty file, or a header with a quote left open, read in blocks: an error, not a double free (FuzzChunkReader, 2026-11-30)")
    func chunkReaderBadHeader() throws {
        let empty = Fixtures.path("fuzz/chunk-empty-file.csv")
        #expect(throws: CSVError.empty(path: empty)) { try CSVChunkReader(path: empty, blockBytes: 4096) }
        #expect(throws: CSVError.empty(path: empty)) { try fitStreaming(Formula("y ~ x"), csvPath: empty) }
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let open = directory.appendingPathComponent("open-quote.csv").path
        try Data("\"y,x\n1,2\n".utf8).write(to: URL(fileURLWithPath: open))
        for _ in 0..<3 {   // a double free may only show on a later allocation
            let error = #expect(throws: CSVError.self) { try CSVChunkReader(path: open, blockBytes: 4096) }
            #expect(error?.description.contains("never closed") == true, "\(String(describing: error))")
        }
    }

    @Test("A factor file claiming 2^63 − 1 rows, merged with itself: an error, not an Int overflow (FuzzFactorFile seed, 2026-11-30)")
    func factorRowCountOverflow() throws {
        let path = Fixtures.path("fuzz/factor-row-count-overflow.json")
        let error = #expect(throws: ModelFileError.self) { try LeastSquaresFactor.load(path: path) }
        #expect(error?.description.contains("'n_observations' is above 2^53") == true, "\(String(describing: error))")
        // At the limit a factor loads; merged with itself it passes the limit and is refused.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let atLimit = text.replacingOccurrences(of: "9223372036854775807", with: "\(1 << 53)")
        var factor = try LeastSquaresFactor.decode(Data(atLimit.utf8), path: "limit.json")
        #expect(factor.rowCount == 1 << 53)
        let merged = #expect(throws: RegressionError.self) { try factor.merge(factor) }
        #expect(merged?.description.contains("more than 2^53 rows") == true, "\(String(describing: merged))")
    }

    @Test("The longest formulas allowed parse and evaluate on a test thread's stack; longer ones are refused")
    func longChains() throws {
        let n = 600
        let columns = (0..<n).map { ("x\($0)", (0..<8).map { Double($0 * $0 % 7) + 1 }) }
        let data = try Dataset(numeric: columns)
        let terms = (0..<n).map { "x\($0)" }.joined(separator: " + ")
        let formula = try Formula("x0 ~ " + terms)
        #expect(formula.terms.count == n)
        let sum = try Formula("x0 ~ I(" + (0..<150).map { "x\($0 % n)" }.joined(separator: " + ") + ")")
        let design = try DesignMatrix(formula: sum, data: data)
        #expect(design.matrix.columns == 2)
        #expect(throws: FormulaError.self) { try Formula("x0 ~ I(" + (0..<1900).map { "x\($0 % n)" }.joined(separator: " + ") + ")") }
        let design600 = try DesignMatrix(formula: formula, data: data, requireResponse: false)
        #expect(design600.matrix.columns == n + 1)
        #expect(throws: FormulaError.self) { try Formula("y ~ " + (0..<3000).map { "x\($0)" }.joined(separator: " + ")) }
    }
}
