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
        #expect(throws: FormulaError.self) { try Formula(text) }
        do { _ = try Formula(text) } catch { #expect("\(error)".contains("nested more than 200 levels deep")) }
        // Deep but reasonable nesting still parses, and so do long chains of unary minus.
        #expect(throws: Never.self) { try Formula("y ~ I(" + String(repeating: "(", count: 50) + "x" + String(repeating: ")", count: 50) + ")") }
        #expect(throws: FormulaError.self) { try Formula("y ~ I(" + String(repeating: "-", count: 5000) + "x)") }
        #expect(throws: FormulaError.self) { try Formula("y ~ " + String(repeating: "(", count: 100_000) + "x") }
    }

    @Test("A chain of 40 products (2^40 terms): an error at once, not an hour of work (FuzzFormula, 2026-11-23)")
    func productExplosion() throws {
        let text = try String(contentsOfFile: Fixtures.path("fuzz/formula-product-explosion.txt"), encoding: .utf8)
        let start = Date()
        #expect(throws: FormulaError.self) { try Formula(text) }
        do { _ = try Formula(text) } catch { #expect("\(error)".contains("expands to more than 2000 terms")) }
        #expect(throws: FormulaError.self) { try Formula("y ~ (a + b + c + d + e + f + g + h + i + j + k + l)**12") }
        #expect(Date().timeIntervalSince(start) < 5)
        // A full three-way interaction of four activities is fine.
        #expect(try Formula("y ~ a*b*c*d").terms.count == 15)
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
