import Foundation

/// Fisher–Snedecor's F distribution with d₁ (numerator) and d₂ (denominator) degrees
/// of freedom.
///
/// Probabilities come from the regularized incomplete beta function at
/// x = d₁f/(d₁f + d₂), with x, 1 − x and their logarithms all formed directly from the
/// odds d₁f/d₂, so both tails keep a relative accuracy of about 1e-13 down to ~1e-300
/// (e.g. `survival(1e4)` with (3, 100) degrees of freedom). Either degrees of freedom
/// may be +∞: d₂ = ∞ gives χ²(d₁)/d₁ and d₁ = ∞ gives d₂/χ²(d₂). Invalid parameters
/// (≤ 0 or NaN) make every method return NaN.
public struct FDistribution: Sendable {
    /// The numerator degrees of freedom d₁; must be greater than 0 (may be +∞).
    public var numeratorDegreesOfFreedom: Double
    /// The denominator degrees of freedom d₂; must be greater than 0 (may be +∞).
    public var denominatorDegreesOfFreedom: Double

    /// Creates an F distribution.
    ///
    /// - Parameters:
    ///   - numeratorDegreesOfFreedom: d₁ > 0; non-integer values and +∞ are allowed.
    ///   - denominatorDegreesOfFreedom: d₂ > 0; non-integer values and +∞ are allowed
    ///     (d₂ = +∞ gives the scaled chi-squared distribution χ²(d₁)/d₁).
    public init(numeratorDegreesOfFreedom: Double, denominatorDegreesOfFreedom: Double) {
        self.numeratorDegreesOfFreedom = numeratorDegreesOfFreedom
        self.denominatorDegreesOfFreedom = denominatorDegreesOfFreedom
    }

    private var isValid: Bool { numeratorDegreesOfFreedom > 0 && denominatorDegreesOfFreedom > 0 }

    /// The cumulative distribution function P(F ≤ f).
    ///
    /// - Parameter f: Any value; f ≤ 0 gives 0 and +∞ gives 1.
    /// - Returns: A probability in [0, 1]; NaN for NaN input or invalid parameters.
    public func cdf(_ f: Double) -> Double {
        guard isValid, !f.isNaN else { return .nan }
        return probabilities(f).lower
    }

    /// The survival function P(F > f), computed directly (not as 1 − cdf) so that tiny
    /// p-values keep full relative accuracy.
    ///
    /// - Parameter f: Any value; f ≤ 0 gives 1 and +∞ gives 0.
    /// - Returns: A probability in [0, 1]; NaN for NaN input or invalid parameters.
    public func survival(_ f: Double) -> Double {
        guard isValid, !f.isNaN else { return .nan }
        return probabilities(f).upper
    }

    /// The quantile function (inverse of `cdf`): the f with P(F ≤ f) = p.
    ///
    /// - Parameter p: A probability in [0, 1]; 0 gives 0 and 1 gives +∞.
    /// - Returns: The quantile; NaN if p is outside [0, 1], NaN, or the parameters are invalid.
    public func quantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        if p == 0 { return 0 }
        if p == 1 { return .infinity }
        if numeratorDegreesOfFreedom == .infinity && denominatorDegreesOfFreedom == .infinity { return 1 }
        return p <= 0.5 ? solve(lowerTail: p) : solve(upperTail: 1 - p)
    }

    /// The inverse of `survival`: the f with P(F > f) = q, accurate for tiny q.
    ///
    /// - Parameter q: An upper-tail probability in [0, 1]; 0 gives +∞ and 1 gives 0.
    /// - Returns: The value f; NaN if q is outside [0, 1], NaN, or the parameters are invalid.
    public func inverseSurvival(_ q: Double) -> Double {
        guard isValid, q >= 0, q <= 1 else { return .nan }
        if q == 0 { return .infinity }
        if q == 1 { return 0 }
        if numeratorDegreesOfFreedom == .infinity && denominatorDegreesOfFreedom == .infinity { return 1 }
        return q <= 0.5 ? solve(upperTail: q) : solve(lowerTail: 1 - q)
    }

    /// The probability density function.
    ///
    /// - Parameter f: Any value; the density is 0 for f < 0, and at f = 0 it is +∞ for
    ///   d₁ < 2, 1 for d₁ = 2 and 0 for d₁ > 2.
    /// - Returns: The density at f; NaN for NaN input or invalid parameters.
    public func density(_ f: Double) -> Double {
        guard isValid, !f.isNaN else { return .nan }
        if f < 0 || f == .infinity { return 0 }
        let d1 = numeratorDegreesOfFreedom
        let d2 = denominatorDegreesOfFreedom
        if d1 == .infinity && d2 == .infinity { return f == 1 ? .infinity : 0 }
        if f == 0 {
            if d1 < 2 { return .infinity }
            return d1 == 2 ? 1 : 0
        }
        return scaledDensity(f) / f
    }
}

// MARK: - Internals

extension FDistribution {
    /// (P(F ≤ f), P(F > f)).
    func probabilities(_ f: Double) -> (lower: Double, upper: Double) {
        if f <= 0 { return (0, 1) }
        if f == .infinity { return (1, 0) }
        let d1 = numeratorDegreesOfFreedom
        let d2 = denominatorDegreesOfFreedom
        switch (d1 == .infinity, d2 == .infinity) {
        case (true, true):
            return f < 1 ? (0, 1) : (1, 0)
        case (false, true):
            // χ²(d₁)/d₁ ≤ f  ⇔  Gamma(d₁/2) ≤ d₁f/2
            let (p, q) = SpecialFunctions.incompleteGamma(0.5 * d1, 0.5 * d1 * f)
            return (p, q)
        case (true, false):
            // d₂/χ²(d₂) ≤ f  ⇔  Gamma(d₂/2) ≥ d₂/(2f)
            let (p, q) = SpecialFunctions.incompleteGamma(0.5 * d2, 0.5 * d2 / f)
            return (q, p)
        case (false, false):
            let (p, q) = SpecialFunctions.incompleteBeta(0.5 * d1, 0.5 * d2, betaPoint(f))
            return (p, q)
        }
    }

    /// x = d₁f/(d₁f + d₂) and y = d₂/(d₁f + d₂), from the odds d₁f/d₂ and d₂/(d₁f), each
    /// computed as a double-double from the exact product d₁·f.
    func betaPoint(_ f: Double) -> SpecialFunctions.BetaPoint {
        let d1 = numeratorDegreesOfFreedom
        let d2 = ExtendedDouble(denominatorDegreesOfFreedom)
        let product = ExtendedDouble.product(d1, f)
        let odds = product / d2
        let inverseOdds = d2 / product
        if odds.high > 0 && inverseOdds.high > 0 && odds.high.isFinite && inverseOdds.high.isFinite
            && odds.low.isFinite && inverseOdds.low.isFinite {
            return SpecialFunctions.BetaPoint(odds: odds, inverseOdds: inverseOdds)
        }
        return SpecialFunctions.BetaPoint(
            logOdds: SpecialFunctions.logDoubleDouble(d1) + SpecialFunctions.logDoubleDouble(f)
                - SpecialFunctions.logDoubleDouble(denominatorDegreesOfFreedom))
    }

    /// f · density(f) for f > 0 (the derivative of the cdf with respect to ln f).
    func scaledDensity(_ f: Double) -> Double {
        let d1 = numeratorDegreesOfFreedom
        let d2 = denominatorDegreesOfFreedom
        switch (d1 == .infinity, d2 == .infinity) {
        case (true, true):
            return f == 1 ? .infinity : 0
        case (false, true):
            return SpecialFunctions.gammaPowerTerm(0.5 * d1, 0.5 * d1 * f)
        case (true, false):
            return SpecialFunctions.gammaPowerTerm(0.5 * d2, 0.5 * d2 / f)
        case (false, false):
            return SpecialFunctions.betaPowerTerm(0.5 * d1, 0.5 * d2, betaPoint(f))
        }
    }

    /// The f with P(F ≤ f) = p (p ≤ ½).
    func solve(lowerTail p: Double) -> Double {
        let guess = initialGuess(lowerTail: p)
        return SpecialFunctions.solveIncreasingOnPositiveAxis(initialGuess: guess) { f in
            let lower = probabilities(f).lower
            return (SpecialFunctions.logRatio(lower, p), scaledDensity(f) / lower)
        }
    }

    /// The f with P(F > f) = q (q ≤ ½).
    func solve(upperTail q: Double) -> Double {
        let guess = initialGuess(upperTail: q)
        return SpecialFunctions.solveIncreasingOnPositiveAxis(initialGuess: guess) { f in
            let upper = probabilities(f).upper
            return (SpecialFunctions.logRatio(q, upper), scaledDensity(f) / upper)
        }
    }

    /// ln F is roughly normal with mean 1/d₂ − 1/d₁ and variance 2/d₁ + 2/d₂.
    func logNormalGuess(_ z: Double) -> Double {
        let d1 = numeratorDegreesOfFreedom
        let d2 = denominatorDegreesOfFreedom
        return Foundation.exp((1 / d2 - 1 / d1) + z * (2 / d1 + 2 / d2).squareRoot())
    }

    /// Starting point for the lower-tail iteration; for small p the power law
    /// P(F ≤ f) ≈ x^a/(a·B(a,b)), x ≈ d₁f/d₂, is used instead.
    func initialGuess(lowerTail p: Double) -> Double {
        let z = -NormalDistribution.upperQuantile(tail: p, center: 0.5 - p)
        let d1 = numeratorDegreesOfFreedom
        let d2 = denominatorDegreesOfFreedom
        if p < 1e-3 && d1.isFinite && d2.isFinite {
            let a = 0.5 * d1
            let b = 0.5 * d2
            let logX = (Foundation.log(p) + Foundation.log(a) + SpecialFunctions.logBeta(a, b)) / a
            let guess = d2 / d1 * Foundation.exp(logX)
            if guess > 0 && guess.isFinite { return guess }
        }
        return logNormalGuess(z)
    }

    /// Starting point for the upper-tail iteration; for small q and a heavy upper tail
    /// (small d₂) the power law P(F > f) ≈ y^b/(b·B(a,b)), y ≈ d₂/(d₁f), is used.
    func initialGuess(upperTail q: Double) -> Double {
        let z = NormalDistribution.upperQuantile(tail: q, center: 0.5 - q)
        let d1 = numeratorDegreesOfFreedom
        let d2 = denominatorDegreesOfFreedom
        let normalGuess = logNormalGuess(z)
        if q < 1e-3 && d1.isFinite && d2.isFinite {
            let a = 0.5 * d1
            let b = 0.5 * d2
            let logY = (Foundation.log(q) + Foundation.log(b) + SpecialFunctions.logBeta(a, b)) / b
            let guess = d2 / d1 / Foundation.exp(logY)
            if guess > 0 && guess.isFinite { return Swift.min(guess, normalGuess.isFinite ? normalGuess : guess) }
        }
        return normalGuess
    }
}
