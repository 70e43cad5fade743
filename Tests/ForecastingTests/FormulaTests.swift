import Testing
@testable import Forecasting
@testable import ForecastingCore

/// Formula parsing, term algebra and patsy's column layout. Expected column names were produced by
/// patsy 1.0.1 (`patsy.dmatrices(formula, df)[1].design_info.column_names`) on the same 12-row frame.
@Suite("Formulas")
struct FormulaTests {
    static func makeData() throws -> Dataset {
        let n = 12
        let r = (0..<n).map { ["a", "b", "c"][$0 % 3] }
        let s = (0..<n).map { ["p", "q"][$0 % 2] }
        return try Dataset([
            ("y", .numeric((0..<n).map { Double($0 % 5) })),
            ("x", .numeric((0..<n).map { Double($0).squareRoot() })),
            ("z", .numeric((0..<n).map { Double($0 % 7) })),
            ("r", .text(TextColumn(r))),
            ("s", .text(TextColumn(s))),
            ("k", .numeric((0..<n).map { Double($0 % 3 + 1) })),
            ("Deal Size", .numeric((0..<n).map { Double($0 * $0 % 11) })),
        ])
    }

    static let patsyNames: [(String, [String])] = [
        ("y ~ x + C(r)", ["Intercept", "C(r)[T.b]", "C(r)[T.c]", "x"]),
        ("y ~ C(r):x", ["Intercept", "C(r)[a]:x", "C(r)[b]:x", "C(r)[c]:x"]),
        ("y ~ x + C(r):x", ["Intercept", "x", "C(r)[T.b]:x", "C(r)[T.c]:x"]),
        ("y ~ C(r) + C(s) + C(r):C(s)", ["Intercept", "C(r)[T.b]", "C(r)[T.c]", "C(s)[T.q]", "C(r)[T.b]:C(s)[T.q]", "C(r)[T.c]:C(s)[T.q]"]),
        ("y ~ C(r):C(s)", ["Intercept", "C(s)[T.q]", "C(r)[T.b]:C(s)[p]", "C(r)[T.c]:C(s)[p]", "C(r)[T.b]:C(s)[q]", "C(r)[T.c]:C(s)[q]"]),
        ("y ~ C(r):C(s) - 1", ["C(r)[a]:C(s)[p]", "C(r)[b]:C(s)[p]", "C(r)[c]:C(s)[p]", "C(r)[a]:C(s)[q]", "C(r)[b]:C(s)[q]", "C(r)[c]:C(s)[q]"]),
        ("y ~ C(r)*C(s)*x", ["Intercept", "C(r)[T.b]", "C(r)[T.c]", "C(s)[T.q]", "C(r)[T.b]:C(s)[T.q]", "C(r)[T.c]:C(s)[T.q]", "x",
                             "C(r)[T.b]:x", "C(r)[T.c]:x", "C(s)[T.q]:x", "C(r)[T.b]:C(s)[T.q]:x", "C(r)[T.c]:C(s)[T.q]:x"]),
        ("y ~ (x + z + C(r))**2", ["Intercept", "C(r)[T.b]", "C(r)[T.c]", "x", "x:C(r)[T.b]", "x:C(r)[T.c]", "z", "z:C(r)[T.b]", "z:C(r)[T.c]", "x:z"]),
        ("y ~ x/C(r)", ["Intercept", "x", "x:C(r)[T.b]", "x:C(r)[T.c]"]),
        ("y ~ C(r, Treatment('c')) + x", ["Intercept", "C(r, Treatment('c'))[T.a]", "C(r, Treatment('c'))[T.b]", "x"]),
        ("y ~ C(k)", ["Intercept", "C(k)[T.2]", "C(k)[T.3]"]),
        ("y ~ r + s - 1", ["r[a]", "r[b]", "r[c]", "s[T.q]"]),
        ("y ~ x:z + x", ["Intercept", "x:z", "x"]),
        ("y ~ C(s):x + C(r):x", ["Intercept", "C(s)[p]:x", "C(s)[q]:x", "C(r)[T.b]:x", "C(r)[T.c]:x"]),
        // Our own spellings (R style), named as the issue asks.
        ("y ~ x + I(x^2) + I(x ** 3)", ["Intercept", "x", "I(x^2)", "I(x**3)"]),
        ("y ~ log(z + 1) + np.log1p(z)", ["Intercept", "log(z+1)", "np.log1p(z)"]),
        ("y ~ 0 + x", ["x"]), ("y ~ x + 0", ["x"]), ("y ~ -1 + x", ["x"]), ("y ~ x - 1 + 1", ["Intercept", "x"]),
        ("y ~ x + z - z", ["Intercept", "x"]),
        ("y ~ x*z", ["Intercept", "x", "z", "x:z"]),
        ("y ~ x^2", ["Intercept", "x"]),
        ("y ~ `Deal Size` + Q(\"Deal Size\")", ["Intercept", "Deal Size", "Q(\"Deal Size\")"]),
    ]

    @Test("Column names and order match patsy", arguments: patsyNames)
    func names(_ formula: String, _ expected: [String]) throws {
        let design = try DesignMatrix(formula: Formula(formula), data: try Self.makeData())
        #expect(design.columnNames == expected)
        #expect(design.matrix.columns == expected.count)
        #expect(design.matrix.rows == 12)
    }

    @Test("Values: dummies, interactions, powers and transforms")
    func values() throws {
        let design = try DesignMatrix(formula: Formula("y ~ C(r):x + I(x^2) + log(z + 1)"), data: try Self.makeData())
        let x = (0..<12).map { Double($0).squareRoot() }
        #expect(design.columnNames == ["Intercept", "C(r)[a]:x", "C(r)[b]:x", "C(r)[c]:x", "I(x^2)", "log(z+1)"])
        for i in 0..<12 {
            #expect(design.matrix[i, 0] == 1)
            for level in 0..<3 { #expect(design.matrix[i, 1 + level] == (i % 3 == level ? x[i] : 0)) }
            #expect(design.matrix[i, 4] == x[i] * x[i])
            #expect(design.matrix[i, 5] == Foundation.log(Double(i % 7) + 1))
        }
    }

    @Test("center and standardize remember their statistics")
    func statefulTransforms() throws {
        let design = try DesignMatrix(formula: Formula("y ~ center(z) + standardize(z)"), data: try Self.makeData())
        let z = (0..<12).map { Double($0 % 7) }
        let mean = z.reduce(0, +) / 12
        let sd = (z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 12).squareRoot()
        for i in 0..<12 {
            #expect(abs(design.matrix[i, 1] - (z[i] - mean)) < 1e-12)
            #expect(abs(design.matrix[i, 2] - (z[i] - mean) / sd) < 1e-12)
        }
        #expect(design.encodings["center(z)"]?.statistics != nil)
    }

    static let syntaxErrors: [(String, Int, String)] = [
        ("y ~ x +", 8, "expected a term after '+'"),
        ("y ~ (x + z", 11, "expected ')'"),
        ("y ~ x $ z", 7, "unexpected character '$'"),
        ("y ~ 2", 5, "a number alone is only 0 or 1"),
        ("y ~ I(x", 5, "'I(' is never closed"),
        ("y x", 3, "'~'"),
        ("", 1, "the formula is empty"),
        ("y ~ x + )", 9, "expected a term"),
        ("y ~ 1:x", 6, "intercept"),
        ("y ~ C(r, x)", 5, "Treatment"),
    ]

    @Test("Syntax errors point at the character", arguments: syntaxErrors)
    func syntaxError(_ formula: String, _ position: Int, _ fragment: String) {
        do {
            _ = try Formula(formula)
            Issue.record("'\(formula)' parsed")
        } catch {
            let text = error.description
            #expect(text.contains("character \(position)"), "\(text)")
            #expect(text.contains(fragment), "\(text)")
            #expect(!text.contains("\n"))
        }
    }

    @Test("Unknown functions are named with the ones that exist")
    func unknownFunction() {
        #expect(throws: FormulaError.unknownFunction("logg", position: 5, formula: "y ~ logg(x)")) { try Formula("y ~ logg(x)") }
    }

    @Test("Terms are the same in any order and are not repeated")
    func termIdentity() throws {
        let formula = try Formula("y ~ a:b + b:a + a + a")
        #expect(formula.terms.map(\.description) == ["a:b", "a"])
        #expect(formula.hasIntercept)
        #expect(formula.response?.name == "y")
    }

    @Test("Missing values drop rows and are counted")
    func missingRows() throws {
        let data = try Dataset([("y", .numeric([1, 2, .nan, 4, 5])), ("x", .numeric([1, .nan, 3, 4, 6])),
                                ("r", .text(TextColumn(["a", "b", "a", nil, "b"])))])
        let design = try DesignMatrix(formula: Formula("y ~ x + r"), data: data)
        #expect(design.rows == [0, 4])
        #expect(design.droppedRows == 3)
        #expect(throws: DataError.missingValue(source: "<memory>", line: 3, column: "x")) {
            try DesignMatrix(formula: Formula("y ~ x + r"), data: data, missing: .error)
        }
    }

    @Test("Saved encodings rebuild new data the same way and refuse unseen levels")
    func encodingsOnNewData() throws {
        let fitted = try DesignMatrix(formula: Formula("y ~ x + C(r)"), data: try Self.makeData())
        let newData = try Dataset([("x", .numeric([1, 2])), ("r", .text(TextColumn(["c", "a"])))])
        let rebuilt = try DesignMatrix(formula: Formula("y ~ x + C(r)"), data: newData, encodings: fitted.encodings, requireResponse: false)
        #expect(rebuilt.columnNames == fitted.columnNames)
        #expect(rebuilt.matrix.values == [1, 1, 0, 0, 1, 0, 1, 2])
        let unseen = try Dataset([("x", .numeric([1])), ("r", .text(TextColumn(["d"])))])
        #expect(throws: RegressionError.self) {
            try DesignMatrix(formula: Formula("y ~ x + C(r)"), data: unseen, encodings: fitted.encodings, requireResponse: false)
        }
    }
}

import Foundation
