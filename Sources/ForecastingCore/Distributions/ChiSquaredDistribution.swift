import Foundation

/// The chi-squared distribution with k degrees of freedom (a gamma distribution with
/// shape k/2 and scale 2).
///
/// Probabilities come from the regularized incomplete gamma functions P(k/2, x/2) and
/// Q(k/2, x/2), each computed directly, so both tails keep a relative accuracy of about
/// 1e-14 down to ~1e-300. Invalid parameters (k ≤ 0, k = ∞ or NaN) make every method
/// return NaN.
public struct ChiSquaredDistribution: Sendable {
    /// The degrees of freedom k; must be finite and greater than 0 (non-integer allowed).
    public var degreesOfFreedom: Double

    /// Creates a chi-squared distribution.
    ///
    /// - Parameter degreesOfFreedom: The degrees of freedom k, finite and > 0.
    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    private var isValid: Bool { degreesOfFreedom > 0 && degreesOfFreedom.isFinite }

    private var shape: Double { 0.5 * degreesOfFreedom }

    /// The cumulative distribution function P(X ≤ x).
    ///
    /// - Parameter x: Any value; x ≤ 0 gives 0 and +∞ gives 1.
    /// - Returns: A probability in [0, 1]; NaN for NaN input or invalid k.
    public func cdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return probabilities(x).lower
    }

    /// The survival function P(X > x), computed directly (not as 1 − cdf) so that tiny
    /// upper-tail probabilities keep full relative accuracy.
    ///
    /// - Parameter x: Any value; x ≤ 0 gives 1 and +∞ gives 0.
    /// - Returns: A probability in [0, 1]; NaN for NaN input or invalid k.
    public func survival(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return probabilities(x).upper
    }

    /// The quantile function (inverse of `cdf`): the x with P(X ≤ x) = p.
    ///
    /// - Parameter p: A probability in [0, 1]; 0 gives 0 and 1 gives +∞.
    /// - Returns: The quantile; NaN if p is outside [0, 1], NaN, or k is invalid.
    public func quantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        return p <= 0.5 ? solve(lowerTail: p) : solve(upperTail: 1 - p)
    }

    /// The inverse of `survival`: the x with P(X > x) = q, accurate for tiny q.
    ///
    /// - Parameter q: An upper-tail probability in [0, 1]; 0 gives +∞ and 1 gives 0.
    /// - Returns: The value x; NaN if q is outside [0, 1], NaN, or k is invalid.
    public func inverseSurvival(_ q: Double) -> Double {
        guard isValid, q >= 0, q <= 1 else { return .nan }
        if q == 0 { return .infinity }
        if q == 1 { return 0 }
        return q <= 0.5 ? solve(upperTail: q) : solve(lowerTail: 1 - q)
    }

    /// The probability density function.
    ///
    /// - Parameter x: Any value; the density is 0 for x < 0, and at x = 0 it is +∞ for
    ///   k < 2, ½ for k = 2 and 0 for k > 2.
    /// - Returns: The density at x; NaN for NaN input or invalid k.
    public func density(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if x < 0 || x == .infinity { return 0 }
        if x == 0 {
            if degreesOfFreedom < 2 { return .infinity }
            return degreesOfFreedom == 2 ? 0.5 : 0
        }
        return SpecialFunctions.gammaPowerTerm(shape, 0.5 * x) / x
    }
}

// MARK: - Internals

extension ChiSquaredDistribution {
    /// (P(X ≤ x), P(X > x)).
    func probabilities(_ x: Double) -> (lower: Double, upper: Double) {
        if x <= 0 { return (0, 1) }
        let (p, q) = SpecialFunctions.incompleteGamma(shape, 0.5 * x)
        return (p, q)
    }

    /// The x with P(X ≤ x) = p (p ≤ ½).
    func solve(lowerTail p: Double) -> Double {
        let a = shape
        return SpecialFunctions.solveIncreasingOnPositiveAxis(initialGuess: initialGuess(lowerTail: p)) { x in
            let lower = probabilities(x).lower
            let slope = SpecialFunctions.gammaPowerTerm(a, 0.5 * x) / lower   // x·density/P
            return (SpecialFunctions.logRatio(lower, p), slope)
        }
    }

    /// The x with P(X > x) = q (q ≤ ½).
    func solve(upperTail q: Double) -> Double {
        let a = shape
        return SpecialFunctions.solveIncreasingOnPositiveAxis(initialGuess: initialGuess(upperTail: q)) { x in
            let upper = probabilities(x).upper
            let slope = SpecialFunctions.gammaPowerTerm(a, 0.5 * x) / upper   // x·density/Q
            return (SpecialFunctions.logRatio(q, upper), slope)
        }
    }

    /// Wilson–Hilferty approximation k·(1 − 2/(9k) + z·√(2/(9k)))³ for the normal deviate z.
    func wilsonHilferty(_ z: Double) -> Double {
        let k = degreesOfFreedom
        let v = 2 / (9 * k)
        let base = 1 - v + z * v.squareRoot()
        return k * base * base * base
    }

    func initialGuess(lowerTail p: Double) -> Double {
        let z = -NormalDistribution.upperQuantile(tail: p, center: 0.5 - p)
        // P(a, x/2) ≤ (x/2)^a / Γ(a+1), so this is a lower bound for the quantile.
        let a = shape
        let bound = 2 * Foundation.exp((Foundation.log(p) + SpecialFunctions.logGamma(a + 1)) / a)
        let approximation = wilsonHilferty(z)
        if approximation > 0 && approximation.isFinite {
            return Swift.max(approximation, bound)
        }
        return bound
    }

    func initialGuess(upperTail q: Double) -> Double {
        let z = NormalDistribution.upperQuantile(tail: q, center: 0.5 - q)
        let approximation = wilsonHilferty(z)
        return approximation > 0 && approximation.isFinite ? approximation : degreesOfFreedom
    }
}
