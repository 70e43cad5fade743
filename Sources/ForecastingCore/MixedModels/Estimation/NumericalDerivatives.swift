/// Central finite differences with Richardson extrapolation (as numDeriv's `genD`, which lmerTest
/// uses, but with steps chosen on the data's scale of θ).
///
/// With steps t·hᵢ, t = 1, ½, ¼, …, every central difference has an error expansion in even
/// powers of t; each Richardson column removes one power (R_{l,m} = (4ᵐR_{l,m−1} − R_{l−1,m−1})/(4ᵐ − 1)),
/// so four levels leave an O(t⁸) truncation error.
enum NumericalDerivatives {
    /// Values, first and (optionally) second derivatives of every component of f: ℝᵏ → ℝᵐ at x.
    struct Result {
        /// f(x), m values.
        var value: [Double]
        /// ∂f_c/∂x_i at `jacobian[c + i*m]`.
        var jacobian: [Double]
        /// ∂²f_c/∂x_i∂x_j at `hessian[c + (i + j*k)*m]` (symmetric in i, j); empty unless requested.
        var hessian: [Double]
    }

    /// - Parameters:
    ///   - x: The point.
    ///   - steps: The base step hᵢ for each coordinate (the largest step used).
    ///   - levels: The number of step halvings (1 = plain central differences).
    ///   - secondDerivatives: Whether to compute the Hessian (k(k−1)/2 extra 4-point stencils).
    ///   - f: The function; every call must return m values.
    static func evaluate<E: Error>(
        at x: [Double], steps: [Double], levels: Int, secondDerivatives: Bool,
        _ f: ([Double]) throws(E) -> [Double]
    ) throws(E) -> Result {
        let k = x.count
        let f0 = try f(x)
        let m = f0.count
        var first: [[Double]] = []      // per level: m·k
        var second: [[Double]] = []     // per level: m·k·k
        for level in 0..<max(1, levels) {
            let t = 1.0 / Double(1 << level)
            var d1 = [Double](repeating: 0, count: m * k)
            var d2 = [Double](repeating: 0, count: secondDerivatives ? m * k * k : 0)
            for i in 0..<k {
                let h = t * steps[i]
                var xp = x, xm = x
                xp[i] += h; xm[i] -= h
                let fp = try f(xp), fm = try f(xm)
                for c in 0..<m {
                    d1[c + i * m] = (fp[c] - fm[c]) / (2 * h)
                    if secondDerivatives { d2[c + (i + i * k) * m] = ((fp[c] - f0[c]) + (fm[c] - f0[c])) / (h * h) }
                }
            }
            if secondDerivatives {
                for i in 0..<k {
                    for j in 0..<i {
                        let hi = t * steps[i], hj = t * steps[j]
                        var values: [[Double]] = []
                        for (si, sj) in [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)] {
                            var xs = x
                            xs[i] += si * hi; xs[j] += sj * hj
                            values.append(try f(xs))
                        }
                        for c in 0..<m {
                            let value = ((values[0][c] - values[1][c]) - (values[2][c] - values[3][c])) / (4 * hi * hj)
                            d2[c + (i + j * k) * m] = value
                            d2[c + (j + i * k) * m] = value
                        }
                    }
                }
            }
            first.append(d1)
            second.append(d2)
        }
        return Result(value: f0, jacobian: extrapolate(first), hessian: secondDerivatives ? extrapolate(second) : [])
    }

    /// The Richardson limit of a sequence of estimates computed with steps halved each time,
    /// for errors in even powers of the step.
    static func extrapolate(_ estimates: [[Double]]) -> [Double] {
        guard var previous = estimates.first else { return [] }
        var table = [previous]
        for level in 1..<estimates.count {
            var row = [estimates[level]]
            var factor = 1.0
            for column in 1...level {
                factor *= 4
                let lower = table[column - 1]
                row.append(zip(row[column - 1], lower).map { (factor * $0 - $1) / (factor - 1) })
            }
            table = row
            previous = row[level]
        }
        return previous
    }
}
