import Foundation

extension SpecialFunctions {
    /// Maximum number of series / continued-fraction iterations for the incomplete gamma
    /// functions (near x ≈ a both need O(√a) steps).
    static let maximumGammaIterations = 1_000_000

    /// x^a·e^(−x) / Γ(a) for a > 0, x ≥ 0, accurate in relative terms even when the
    /// exponent is several hundred in magnitude.
    ///
    /// For a < 10 the exponent a·ln x − x − lnΓ(a) is formed in double-double (x is exact).
    /// For a ≥ 10 it is written in Temme's form a·(ln(1+e) − e) + ½ln(a/2π) − δ(a) with
    /// e = (x − a)/a, so that no large log-gamma value is cancelled.
    static func gammaPowerTerm(_ a: Double, _ x: Double) -> Double {
        if x == 0 || x == .infinity { return 0 }
        var exponent: ExtendedDouble
        if a < 10 {
            exponent = ExtendedDouble(a) * logDoubleDouble(x) - ExtendedDouble(x) - logGammaDoubleDouble(a)
        } else {
            let d = ExtendedDouble.sum(x, -a)
            let e = d / ExtendedDouble(a)
            if e.high >= -0.5 && e.high <= 1 {
                exponent = ExtendedDouble(a) * log1pmx(e)
            } else {
                // a·ln(x/a) − (x − a)
                exponent = ExtendedDouble(a) * logDoubleDouble(ExtendedDouble.quotient(x, a)) - d
            }
            exponent += ExtendedDouble(0.5 * Foundation.log(a) - logSqrtTwoPi - stirlingCorrection(a))
        }
        return exponent.exponential
    }

    /// The regularized incomplete gamma functions: returns `(P(a,x), Q(a,x))`, each with
    /// small relative error, for a > 0 and x ≥ 0.
    ///
    /// P is summed from its power series when x < a + 1 (all terms positive); otherwise Q
    /// comes from Legendre's continued fraction (modified Lentz). The other value is the
    /// complement, which is then not small, so the subtraction loses at most about one digit.
    /// a = ½ and a = 1 (χ² with 1 and 2 degrees of freedom) use erf/erfc and exp/expm1.
    static func incompleteGamma(_ a: Double, _ x: Double) -> (p: Double, q: Double) {
        guard a > 0, a.isFinite, x >= 0 else { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if x == .infinity { return (1, 0) }
        if a == 0.5 {
            // χ²(1): P = erf(√x), Q = erfc(√x), both direct.
            let root = squareRootDoubleDouble(x)
            return (erf(root), erfc(root))
        }
        if a == 1 {
            // χ²(2): exponential distribution.
            return (-Foundation.expm1(-x), Foundation.exp(-x))
        }
        // For a < 1 the series is also the natural choice up to x = a + 1, but P is then
        // close to 1 (P(½, 1.5) ≈ 0.92), so Q is taken from the continued fraction from x = 1 on.
        if x < (a < 1 ? 1 : a + 1) {
            let p = lowerGammaSeries(a, x)
            return (p, 1 - p)
        } else {
            let q = upperGammaContinuedFraction(a, x)
            return (1 - q, q)
        }
    }

    /// P(a, x) = x^a·e^(−x)/Γ(a+1) · Σₙ xⁿ/((a+1)…(a+n)).
    static func lowerGammaSeries(_ a: Double, _ x: Double) -> Double {
        let prefactor = gammaPowerTerm(a, x) / a
        if prefactor == 0 { return 0 }
        var sum = 1.0
        var term = 1.0
        var denominator = a
        for _ in 0..<maximumGammaIterations {
            denominator += 1
            term *= x / denominator
            sum += term
            if term <= sum * 0x1p-54 { break }
        }
        return prefactor * sum
    }

    /// Q(a, x) = x^a·e^(−x)/Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …))).
    static func upperGammaContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let prefactor = gammaPowerTerm(a, x)
        if prefactor == 0 { return 0 }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 0.0
        for _ in 0..<maximumGammaIterations {
            i += 1
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= 0x1p-53 { break }
        }
        return prefactor * h
    }
}
