import Foundation

extension SpecialFunctions {
    /// ln(a/b) for a, b > 0, formed from the ratio when it is representable so that the
    /// result has full absolute precision even when ln a and ln b are both large
    /// (ln a − ln b would be quantized to ulp(700) ≈ 1e-13 near 1e-300).
    static func logRatio(_ a: Double, _ b: Double) -> Double {
        let ratio = a / b
        if ratio.isNormal { return Foundation.log(ratio) }
        return Foundation.log(a) - Foundation.log(b)
    }

    /// Solves g(x) = 0 for x > 0, where g is increasing in x, by safeguarded Newton
    /// iteration in ln x.
    ///
    /// Quantile problems are posed as g = ln(probability) − ln(target) (or its negative),
    /// which is close to linear in ln x for power-law tails and concave for light tails,
    /// so Newton steps in ln x converge in a handful of iterations from a rough guess.
    /// A bracket [lo, hi] is maintained from the sign of g; steps leaving it are replaced
    /// by geometric bisection (or by expansion while one side is still open). Iteration
    /// stops once a Newton step changes x by less than a couple of ulps.
    ///
    /// - Parameters:
    ///   - initialGuess: Starting point; replaced by 1 if not positive and finite.
    ///   - evaluate: Returns g(x) and its derivative with respect to ln x (x·g'(x)).
    /// - Returns: The root, 0 if it underflows, +∞ if it overflows.
    static func solveIncreasingOnPositiveAxis(
        initialGuess: Double,
        maximumIterations: Int = 500,
        _ evaluate: (Double) -> (value: Double, slope: Double)
    ) -> Double {
        var x = initialGuess.isFinite && initialGuess > 0 ? initialGuess : 1
        var lo = 0.0
        var hi = Double.infinity
        var best = x
        var bestMagnitude = Double.infinity
        var previousStep = Double.infinity
        for _ in 0..<maximumIterations {
            let (g, slope) = evaluate(x)
            if g == 0 { return x }
            if !g.isNaN {
                if abs(g) < bestMagnitude {
                    best = x
                    bestMagnitude = abs(g)
                }
                if g < 0 { lo = x } else { hi = x }
            } else {
                // Treat an undefined value as "too far out": shrink towards the other side.
                if hi == .infinity { hi = x } else { lo = x }
            }
            if lo > 0 && hi < .infinity && hi <= lo.nextUp { return best }

            var next = Double.nan
            if g.isFinite && slope.isFinite && slope > 0 {
                var step = -g / slope
                // Do not let a single step leave an open side by more than e^50.
                step = Swift.min(Swift.max(step, -50), 50)
                next = x * Foundation.exp(step)
                if abs(step) <= 4 * Double.ulpOfOne && next > lo && next < hi {
                    return next
                }
                // Converged to the noise level of g: steps no longer shrink.
                if abs(step) <= 1e-13 && abs(step) >= 0.5 * previousStep {
                    return next > lo && next < hi ? next : best
                }
                previousStep = abs(step)
            }
            if !(next > lo && next < hi) {
                if lo > 0 && hi < .infinity {
                    next = lo.squareRoot() * hi.squareRoot()
                    if !(next > lo && next < hi) { next = lo + 0.5 * (hi - lo) }
                } else if hi == .infinity {
                    next = x * 16
                } else {
                    next = x / 16
                }
            }
            if next == 0 { return 0 }
            if next == .infinity { return .infinity }
            x = next
        }
        return best
    }
}
