import Foundation
@testable import ForecastingCore

/// A brute-force implementation of the same criterion with dense matrices, straight from
/// Bates et al. (2015), eq. 11–13 and 34/41: builds the whole Z and Λ (q = Σ levels·q_k columns)
/// and solves the mixed-model equations by a plain (unblocked, LAPACK-free) Cholesky. Independent
/// of the engine's block/Schur layout, so it checks that layout for nested and crossed designs.
struct DenseReference {
    let q: Int, p: Int, n: Int
    /// Ω = [[ΛᵀZᵀZΛ + I, ΛᵀZᵀX], [XᵀZΛ, XᵀX]] and its inverse.
    let omega: [[Double]]
    let omegaInverse: [[Double]]
    /// Λ (q×q) and the column offset of each problem term.
    let lambda: [[Double]]
    let termOffsets: [Int]
    let logDetL2: Double, logDetRX2: Double, pwrss: Double
    let beta: [Double], u: [Double]
    let criterion: Double

    init(problem: MixedModelProblem, model: LinearMixedModel, theta: [Double]) {
        let n = problem.observationCount, p = problem.fixedEffectCount
        var offsets: [Int] = [], q = 0
        for term in problem.randomEffects { offsets.append(q); q += term.levelCount * term.columnCount }
        self.n = n; self.p = p; self.q = q; self.termOffsets = offsets
        // θ slices follow lme4's term order.
        var slices = [ArraySlice<Double>](repeating: [], count: problem.randomEffects.count)
        var start = 0
        for index in model.termOrder {
            let count = problem.randomEffects[index].thetaCount
            slices[index] = theta[start..<(start + count)]
            start += count
        }
        var lambda = [[Double]](repeating: [Double](repeating: 0, count: q), count: q)
        var z = [[Double]](repeating: [Double](repeating: 0, count: q), count: n)
        for (t, term) in problem.randomEffects.enumerated() {
            let k = term.columnCount, factor = term.relativeFactor(slices[t])
            for level in 0..<term.levelCount {
                for r in 0..<k { for c in 0..<k { lambda[offsets[t] + level * k + r][offsets[t] + level * k + c] = factor[r + c * k] } }
            }
            for i in 0..<n {
                for c in 0..<k { z[i][offsets[t] + Int(term.levels[i]) * k + c] = term.modelMatrix[i + c * n] }
            }
        }
        self.lambda = lambda
        // ZΛ and the augmented [ZΛ, X].
        let m = q + p
        var a = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
        for i in 0..<n {
            for c in 0..<q where z[i][c] != 0 {
                for d in 0..<q { a[i][d] += z[i][c] * lambda[c][d] }
            }
            for j in 0..<p { a[i][q + j] = problem.fixedDesign[i + j * n] }
        }
        var omega = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
        var rhs = [Double](repeating: 0, count: m)
        for i in 0..<n {
            for c in 0..<m where a[i][c] != 0 {
                for d in 0..<m { omega[c][d] += a[i][c] * a[i][d] }
                rhs[c] += a[i][c] * problem.response[i]
            }
        }
        for c in 0..<q { omega[c][c] += 1 }
        self.omega = omega
        let chol = DenseReference.cholesky(omega)
        var logL = 0.0, logRX = 0.0
        for c in 0..<q { logL += 2 * log(chol[c][c]) }
        for c in q..<m { logRX += 2 * log(abs(chol[c][c])) }
        let solution = DenseReference.solve(chol, rhs)
        self.u = Array(solution[0..<q]); self.beta = Array(solution[q..<m])
        var r2 = 0.0
        for i in 0..<n {
            var fitted = 0.0
            for c in 0..<m { fitted += a[i][c] * solution[c] }
            r2 += (problem.response[i] - fitted) * (problem.response[i] - fitted)
        }
        for c in 0..<q { r2 += solution[c] * solution[c] }
        self.logDetL2 = logL; self.logDetRX2 = logRX; self.pwrss = r2
        var inverse = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
        for c in 0..<m {
            var e = [Double](repeating: 0, count: m); e[c] = 1
            let column = DenseReference.solve(chol, e)
            for r in 0..<m { inverse[r][c] = column[r] }
        }
        self.omegaInverse = inverse
        switch problem.method {
        case .ml: criterion = logL + Double(n) * (1 + log(2 * Double.pi * r2 / Double(n)))
        case .reml: criterion = logL + logRX + Double(n - p) * (1 + log(2 * Double.pi * r2 / Double(n - p)))
        }
    }

    /// Lower Cholesky factor of a symmetric positive definite matrix.
    static func cholesky(_ a: [[Double]]) -> [[Double]] {
        let m = a.count
        var l = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
        for j in 0..<m {
            var s = a[j][j]
            for k in 0..<j { s -= l[j][k] * l[j][k] }
            l[j][j] = s.squareRoot()
            for i in (j + 1)..<max(j + 1, m) {
                var t = a[i][j]
                for k in 0..<j { t -= l[i][k] * l[j][k] }
                l[i][j] = t / l[j][j]
            }
        }
        return l
    }

    /// Solves L·Lᵀ·x = b.
    static func solve(_ l: [[Double]], _ b: [Double]) -> [Double] {
        let m = b.count
        var y = b
        for i in 0..<m { for k in 0..<i { y[i] -= l[i][k] * y[k] }; y[i] /= l[i][i] }
        for i in stride(from: m - 1, through: 0, by: -1) { for k in (i + 1)..<max(i + 1, m) { y[i] -= l[k][i] * y[k] }; y[i] /= l[i][i] }
        return y
    }
}
