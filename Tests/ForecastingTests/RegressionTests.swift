import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

@Suite("Least squares: rank, ridge, weights, covariance")
struct RegressionTests {
    static func longley() throws -> Dataset { try CSVReader.read(path: Fixtures.path("nist/Longley.csv")) }

    static func relative(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }

    @Test("Ridge matches the closed form (XᵀX + Γ)⁻¹Xᵀy computed in 60-digit arithmetic")
    func ridgeClosedForm() throws {
        // mpmath 1.3.0, mp.dps = 60, on Longley with λ = 0.01: Γⱼⱼ = λ·Σ(xᵢⱼ − x̄ⱼ)², intercept unpenalized.
        let expected = [-766481.25607858923, 73.025056306627792, 0.01195742470214844, -1.1323247223960666,
                        -0.60715620393176435, 0.045456105198997054, 419.3389601836786]
        let results = try fit("y ~ x1 + x2 + x3 + x4 + x5 + x6", to: Self.longley(), options: RegressionOptions(ridge: 0.01))
        for (got, want) in zip(results.coefficients, expected) { #expect(Self.relative(got, want) < 1e-9, "\(got) vs \(want)") }
        #expect(Self.relative(results.effectiveParameters, 4.7810116737191838) < 1e-9)
        #expect(results.method == .ridge)
        // The JSON document and the model file keep the name.
        #expect(try results.formatted(.json).contains("\"method\": \"Ridge\""))
        #expect(results.modelFileText().contains("\"method\": \"Ridge\""))
        #expect(try results.summary().contains("Ridge Regression Results"))
        #expect(results.notes().contains { $0.contains("approximate") })
    }

    @Test("Ridge resolves exact collinearity that plain least squares refuses")
    func ridgeOnCollinear() throws {
        let data = try Dataset(numeric: [("y", [1, 2, 4, 3, 5, 7]), ("a", [1, 2, 3, 4, 5, 6]), ("b", [2, 1, 5, 4, 1, 3]),
                                         ("c", [3, 3, 8, 8, 6, 9])])
        #expect(throws: RegressionError.self) { try fit("y ~ a + b + c", to: data) }
        let results = try fit("y ~ a + b + c", to: data, options: RegressionOptions(ridge: 0.1))
        #expect(results.coefficients.allSatisfy { $0.isFinite })
    }

    @Test("Collinear columns are named with the combination, in formula order")
    func collinearNamed() throws {
        let data = try Dataset(numeric: [("y", [1, 2, 4, 3, 5, 7]), ("a", [1, 2, 3, 4, 5, 6]), ("b", [2, 1, 5, 4, 1, 3]),
                                         ("c", [3, 3, 8, 8, 6, 9]), ("d", [2, 4, 6, 8, 10, 12]), ("k", [5, 5, 5, 5, 5, 5])])
        do {
            _ = try fit("y ~ a + b + c", to: data)
            Issue.record("fitted a collinear model")
        } catch let RegressionError.collinear(items) {
            #expect(items.count == 1)
            #expect(items.first?.column == "c")
            #expect(items.first?.combination.map(\.name) == ["a", "b"])
            for term in items.first?.combination ?? [] { #expect(abs(term.coefficient - 1) < 1e-9) }
        }
        let multiple = #expect(throws: RegressionError.self) { try fit("y ~ a + d", to: data) }
        #expect(multiple?.description.contains("'d' = 2·'a'") == true, "\(String(describing: multiple))")
        let constant = #expect(throws: RegressionError.self) { try fit("y ~ a + k", to: data) }
        #expect(constant?.description.contains("'k' is constant") == true, "\(String(describing: constant))")
    }

    /// The inverse of a small square matrix by Gauss–Jordan elimination with partial pivoting: nothing
    /// shared with the QR and LAPACK path the code under test takes.
    static func gaussJordanInverse(_ a: [[Double]]) -> [[Double]] {
        let p = a.count
        var m = a.enumerated().map { i, row in row + (0..<p).map { $0 == i ? 1.0 : 0.0 } }
        for c in 0..<p {
            let pivot = (c..<p).max { abs(m[$0][c]) < abs(m[$1][c]) }!
            m.swapAt(c, pivot)
            let d = m[c][c]
            m[c] = m[c].map { $0 / d }
            for r in 0..<p where r != c {
                let f = m[r][c]
                if f != 0 { m[r] = zip(m[r], m[c]).map { $0 - f * $1 } }
            }
        }
        return m.map { Array($0[p...]) }
    }

    @Test("Robust covariances and leverage equal the sandwich and X(XᵀX)⁻¹Xᵀ computed directly from X and e")
    func sandwichDirect() throws {
        let data = try Self.longley()
        let results = try fit("y ~ x1 + x3 + x4", to: data)
        let x = try DesignMatrix(formula: Formula("y ~ x1 + x3 + x4"), data: data).matrix
        let n = x.rows, p = x.columns
        // (XᵀX)⁻¹ from XᵀX summed in plain loops and inverted by Gauss–Jordan, not the fit's own.
        let gram = (0..<p).map { a in (0..<p).map { b in (0..<n).reduce(0.0) { $0 + x[$1, a] * x[$1, b] } } }
        let inverse = Self.gaussJordanInverse(gram)
        let bread = Matrix(rows: p, columns: p, values: (0..<p).flatMap { b in (0..<p).map { a in inverse[a][b] } })
        for a in 0..<p {
            for b in 0..<p { #expect(Self.relative(results.normalizedCovariance[a, b], bread[a, b]) < 1e-10, "(XᵀX)⁻¹[\(a),\(b)]") }
        }
        let e = results.residuals, h = results.leverage
        for type in [CovarianceType.hc0, .hc1, .hc2, .hc3] {
            // Independent: (XᵀX)⁻¹ Xᵀ diag(ω) X (XᵀX)⁻¹ by plain loops.
            var meat = [Double](repeating: 0, count: p * p)
            for i in 0..<n {
                let omega: Double = switch type {
                case .hc2: e[i] * e[i] / (1 - h[i])
                case .hc3: e[i] * e[i] / ((1 - h[i]) * (1 - h[i]))
                default: e[i] * e[i]
                }
                for a in 0..<p { for b in 0..<p { meat[a + b * p] += x[i, a] * omega * x[i, b] } }
            }
            let robust = try results.covariance(type)
            for a in 0..<p {
                for b in 0..<p {
                    var v = 0.0
                    for k in 0..<p { for l in 0..<p { v += bread[a, k] * meat[k + l * p] * bread[l, b] } }
                    if type == .hc1 { v *= Double(n) / Double(n - p) }
                    #expect(Self.relative(robust[a, b], v) < 1e-8, "\(type) [\(a),\(b)]")
                }
            }
        }
        // Leverage from its definition: the diagonal of the hat matrix H = X(XᵀX)⁻¹Xᵀ, hᵢ = xᵢ(XᵀX)⁻¹xᵢᵀ.
        // Its trace is p, whatever the data.
        var trace = 0.0
        for i in 0..<n {
            var hi = 0.0
            for a in 0..<p { for b in 0..<p { hi += x[i, a] * bread[a, b] * x[i, b] } }
            #expect(Self.relative(h[i], hi) < 1e-10, "h[\(i)]: \(h[i]) vs \(hi)")
            trace += h[i]
        }
        #expect(abs(trace - Double(p)) < 1e-10)
    }

    @Test("A one-column Wald F equals the square of its t statistic")
    func waldMatchesT() throws {
        let results = try fit("y ~ x1 + x3 + x4", to: Self.longley()).withCovariance(.hc3)
        let t = results.tStatistics[2]
        let test = try results.waldTest(columns: [2])
        #expect(Self.relative(test.statistic, t * t) < 1e-12)
        #expect(Self.relative(test.pValue, results.pValues[2]) < 1e-10)
    }

    @Test("Weighted least squares equals OLS on rows scaled by √w")
    func weightedEqualsScaled() throws {
        let data = try Self.longley()
        let y = try data.numbers("y"), x = try data.numbers("x4")
        let w = (0..<y.count).map { 0.5 + Double($0 % 4) }
        let weighted = try Dataset(numeric: [("y", y), ("x", x), ("w", w)])
        let wls = try fit("y ~ x", to: weighted, options: RegressionOptions(weights: "w"))
        let r = w.map { $0.squareRoot() }
        let scaled = try Dataset(numeric: [("y", zip(y, r).map { $0 * $1 }), ("one", r), ("x", zip(x, r).map { $0 * $1 })])
        let ols = try fit("y ~ one + x - 1", to: scaled)
        for j in 0..<2 {
            #expect(Self.relative(wls.coefficients[j], ols.coefficients[j]) < 1e-12)
            #expect(Self.relative(wls.standardErrors[j], ols.standardErrors[j]) < 1e-10)
        }
        #expect(Self.relative(wls.residualSumOfSquares, ols.residualSumOfSquares) < 1e-10)
        #expect(wls.method == .wls && ols.method == .ols)
        #expect(try wls.formatted(.json).contains("\"method\": \"WLS\""))
        #expect(try ols.formatted(.markdown).hasPrefix("### OLS regression of"))
    }

    @Test("A full set of dummies without intercept counts as a constant (centred R², as statsmodels)")
    func implicitConstant() throws {
        let data = try Dataset([("y", .numeric([1, 2, 4, 3, 5, 7, 6, 8])), ("x", .numeric([1, 3, 2, 5, 4, 6, 8, 7])),
                                ("r", .text(TextColumn(["a", "b", "a", "b", "a", "b", "a", "b"])))])
        let implicit = try fit("y ~ r + x - 1", to: data)
        let explicit = try fit("y ~ r + x", to: data)
        #expect(implicit.hasConstant && !implicit.hasIntercept)
        #expect(Self.relative(implicit.rSquared, explicit.rSquared) < 1e-12)
        #expect(implicit.dfModel == explicit.dfModel)
        #expect(Self.relative(implicit.fStatistic, explicit.fStatistic) < 1e-10)
    }

    @Test("n = p: estimates, but inference is undefined and said to be")
    func noResidualDegreesOfFreedom() throws {
        let data = try Dataset(numeric: [("y", [1, 3, 2]), ("a", [1, 2, 3]), ("b", [2, 1, 5])])
        let results = try fit("y ~ a + b", to: data)
        #expect(results.dfResidual == 0)
        #expect(results.coefficients.allSatisfy { $0.isFinite })
        #expect(results.standardErrors.allSatisfy { !$0.isFinite })
        #expect(results.notes().contains { $0.contains("No residual degrees of freedom") })
        _ = try results.summary()  // must not trap
    }

    @Test("Fewer rows than columns is refused with the counts")
    func tooFewRows() throws {
        let data = try Dataset(numeric: [("y", [1, 3]), ("a", [1, 2]), ("b", [2, 1])])
        #expect(throws: RegressionError.tooFewRows(rows: 2, parameters: 3, dropped: 0)) { try fit("y ~ a + b", to: data) }
    }

    @Test("Invalid confidence levels and penalties are refused")
    func invalidOptions() throws {
        let results = try fit("y ~ x1", to: Self.longley())
        #expect(throws: RegressionError.invalidLevel(1.5)) { try results.confidenceIntervals(level: 1.5) }
        #expect(throws: RegressionError.invalidPenalty(-1)) { try fit("y ~ x1", to: Self.longley(), options: RegressionOptions(ridge: -1)) }
    }

    @Test("A tall well-conditioned design factored for R only (chunked TSQR on two cores, seminormal start) gives the Householder fit's numbers")
    func rOnlyFactorizationAgreesWithReflectors() throws {
        // 40,000 rows × 6 columns with correlated columns of different scales, a deterministic design.
        let n = 40_000, p = 6
        var state: UInt64 = 20261130
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var design = [Double](repeating: 1, count: n * p)
        var response = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let level = uniform()
            for j in 1..<p { design[i + j * n] = (Double(j) * 10 * level + uniform()) * pow(10, Double(j - 3)) }
            response[i] = 3 + (1..<p).reduce(0.0) { $0 + Double($1) * design[i + $1 * n] } + uniform() - 0.5
        }
        let chunked = try LeastSquaresFactorization(design: design, rows: n, columns: p)
        let householder = try LeastSquaresFactorization(design: design, rows: n, columns: p, keepReflectors: true)
        #expect(!chunked.hasReflectors && householder.hasReflectors)
        let (b1, r1, _) = try chunked.solve(response)
        let (b2, r2, _) = try householder.solve(response)
        for (x, y) in zip(b1, b2) { #expect(abs(x - y) <= 1e-13 * abs(y), "\(x) vs \(y)") }
        let scale = r2.reduce(0) { max($0, abs($1)) }
        for (x, y) in zip(r1, r2) { #expect(abs(x - y) <= 1e-12 * scale) }
        let (g1, g2) = (try chunked.inverseGram(refined: false), try householder.inverseGram(refined: false))
        for (x, y) in zip(g1, g2) { #expect(abs(x - y) <= 1e-11 * max(abs(y), 1e-300), "\(x) vs \(y)") }
        let (h1, _) = try chunked.leverageAndMeat(meatWeights: nil)
        let (h2, _) = try householder.leverageAndMeat(meatWeights: nil)
        #expect(abs(h1.reduce(0, +) - Double(p)) <= 1e-9)
        for (x, y) in zip(h1, h2) { #expect(abs(x - y) <= 1e-12) }
        // The response folded into the chunked QR as one more column: the start R⁻¹(Qᵀb)₁ replaces the seminormal one.
        let folded = try LeastSquaresFactorization(design: design, rows: n, columns: p, response: response)
        #expect(!folded.hasReflectors && folded.upper == chunked.upper)
        let (b3, r3, _) = try folded.solve(response)
        for (x, y) in zip(b3, b2) { #expect(abs(x - y) <= 1e-13 * abs(y), "\(x) vs \(y)") }
        for (x, y) in zip(r3, r2) { #expect(abs(x - y) <= 1e-12 * scale) }
        // Another right-hand side than the one folded in still takes the seminormal start.
        let other = response.map { 2 * $0 + 1 }
        let (b4, _, _) = try folded.solve(other)
        let (b5, _, _) = try householder.solve(other)
        for (x, y) in zip(b4, b5) { #expect(abs(x - y) <= 1e-13 * abs(y), "\(x) vs \(y)") }
    }
}
