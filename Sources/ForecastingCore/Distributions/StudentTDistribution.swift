import Foundation

/// Student's t distribution with ν degrees of freedom.
///
/// Probabilities come from the regularized incomplete beta function,
/// P(T > t) = ½·I_{ν/(ν+t²)}(ν/2, ½), evaluated so that both tails (down to ~1e-300)
/// and the central mass keep a relative accuracy of about 1e-13 or better, for ν from
/// below 1 up to 10⁷ and beyond. ν = +∞ gives the standard normal distribution.
/// Invalid parameters (ν ≤ 0 or NaN) make every method return NaN.
public struct StudentTDistribution: Sendable {
    /// The degrees of freedom ν; must be greater than 0. Non-integer values are allowed,
    /// and `Double.infinity` gives the standard normal distribution.
    public var degreesOfFreedom: Double

    /// Creates a Student's t distribution.
    ///
    /// - Parameter degreesOfFreedom: The degrees of freedom ν > 0 (may be non-integer,
    ///   very large, or `.infinity` for the standard normal).
    public init(degreesOfFreedom: Double) {
        self.degreesOfFreedom = degreesOfFreedom
    }

    private var isValid: Bool { degreesOfFreedom > 0 }

    /// The cumulative distribution function P(T ≤ t).
    ///
    /// - Parameter t: Any value; ±∞ give 0 and 1.
    /// - Returns: A probability in [0, 1]; NaN for NaN input or invalid ν.
    public func cdf(_ t: Double) -> Double {
        guard isValid, !t.isNaN else { return .nan }
        if t < 0 { return tailAndCenter(-t).tail }
        return 0.5 + tailAndCenter(t).center
    }

    /// The survival function P(T > t), computed directly so that tiny upper-tail
    /// probabilities keep full relative accuracy.
    ///
    /// - Parameter t: Any value; ±∞ give 1 and 0.
    /// - Returns: A probability in [0, 1]; NaN for NaN input or invalid ν.
    public func survival(_ t: Double) -> Double {
        guard isValid, !t.isNaN else { return .nan }
        if t > 0 { return tailAndCenter(t).tail }
        return 0.5 + tailAndCenter(-t).center
    }

    /// The two-sided p-value P(|T| ≥ |t|), accurate when tiny.
    ///
    /// - Parameter t: A test statistic; 0 gives 1 and ±∞ give 0.
    /// - Returns: A probability in [0, 1]; NaN for NaN input or invalid ν.
    public func twoSidedPValue(_ t: Double) -> Double {
        guard isValid, !t.isNaN else { return .nan }
        let magnitude = abs(t)
        if degreesOfFreedom == .infinity { return NormalDistribution.erfcOfScaled(magnitude) }
        if magnitude == 0 { return 1 }
        if magnitude == .infinity { return 0 }
        return SpecialFunctions.incompleteBeta(0.5 * degreesOfFreedom, 0.5, betaPoint(magnitude)).p
    }

    /// The quantile function (inverse of `cdf`): the t with P(T ≤ t) = p.
    ///
    /// Solved by safeguarded Newton iteration to within a few ulps.
    ///
    /// - Parameter p: A probability in [0, 1]; 0 gives −∞, ½ gives 0 and 1 gives +∞.
    /// - Returns: The quantile; NaN if p is outside [0, 1], NaN, or ν is invalid.
    public func quantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if degreesOfFreedom == .infinity { return NormalDistribution.standardQuantile(p) }
        if p < 0.5 { return -upperQuantile(tail: p, center: 0.5 - p) }
        if p > 0.5 { return upperQuantile(tail: 1 - p, center: p - 0.5) }   // both exact
        return 0
    }

    /// The inverse of `survival`: the t with P(T > t) = q, accurate for tiny q.
    ///
    /// - Parameter q: An upper-tail probability in [0, 1]; 0 gives +∞ and 1 gives −∞.
    /// - Returns: The value t; NaN if q is outside [0, 1], NaN, or ν is invalid.
    public func inverseSurvival(_ q: Double) -> Double {
        let value = quantile(q)
        return value == 0 ? 0 : -value
    }

    /// The probability density function.
    ///
    /// - Parameter t: Any value.
    /// - Returns: The density at t (0 at ±∞); NaN for NaN input or invalid ν.
    public func density(_ t: Double) -> Double {
        guard isValid, !t.isNaN else { return .nan }
        if degreesOfFreedom == .infinity { return NormalDistribution.standardDensity(t) }
        return density(abs(t), logNormalizer: logNormalizer)
    }
}

// MARK: - Internals

extension StudentTDistribution {
    /// ln of the density at t = 0: −½·ln ν − ln B(ν/2, ½).
    var logNormalizer: ExtendedDouble {
        let logNu = SpecialFunctions.logDoubleDouble(degreesOfFreedom)
        return ExtendedDouble(-0.5 * logNu.high, -0.5 * logNu.low)
            - SpecialFunctions.logBetaDoubleDouble(0.5 * degreesOfFreedom, 0.5)
    }

    /// Density at u ≥ 0 for finite ν: (1 + u²/ν)^(−(ν+1)/2) · e^logNormalizer.
    func density(_ u: Double, logNormalizer: ExtendedDouble) -> Double {
        if u == .infinity { return 0 }
        let nu = degreesOfFreedom
        let (ratio, _) = squareRatios(u)
        let logOnePlusRatio: ExtendedDouble
        if ratio.high.isFinite && ratio.low.isFinite {
            logOnePlusRatio = SpecialFunctions.log1pDoubleDouble(ratio)
        } else {
            // ln(1 + u²/ν) ≈ 2·ln u − ln ν once u²/ν overflows
            let logU = SpecialFunctions.logDoubleDouble(u)
            logOnePlusRatio = ExtendedDouble(2 * logU.high, 2 * logU.low) - SpecialFunctions.logDoubleDouble(nu)
        }
        let exponent = ExtendedDouble(-0.5 * (nu + 1)) * logOnePlusRatio + logNormalizer
        return exponent.exponential
    }

    /// u²/ν and ν/u² as double-doubles (u² is formed exactly).
    func squareRatios(_ u: Double) -> (ratio: ExtendedDouble, inverse: ExtendedDouble) {
        let nu = ExtendedDouble(degreesOfFreedom)
        let square = ExtendedDouble.product(u, u)
        return (square / nu, nu / square)
    }

    /// The incomplete-beta point x = ν/(ν + u²), y = u²/(ν + u²) for u > 0, built from the
    /// odds ν/u² and u²/ν, each formed directly (no 1 − x anywhere).
    func betaPoint(_ u: Double) -> SpecialFunctions.BetaPoint {
        let (ratio, inverse) = squareRatios(u)
        if ratio.high > 0 && inverse.high > 0 && ratio.high.isFinite && inverse.high.isFinite
            && ratio.low.isFinite && inverse.low.isFinite {
            return SpecialFunctions.BetaPoint(odds: inverse, inverseOdds: ratio)
        }
        let logU = SpecialFunctions.logDoubleDouble(u)
        return SpecialFunctions.BetaPoint(
            logOdds: SpecialFunctions.logDoubleDouble(degreesOfFreedom) - ExtendedDouble(2 * logU.high, 2 * logU.low))
    }

    /// For u ≥ 0: the upper tail P(T > u) and the central mass P(0 < T < u).
    func tailAndCenter(_ u: Double) -> (tail: Double, center: Double) {
        let (tail, center, _) = tailCenterAndScaledDensity(u)
        return (tail, center)
    }

    /// For u ≥ 0: P(T > u), P(0 < T < u) and u·f(u) (the derivative of both with respect
    /// to ln u, up to sign), which equals x^(ν/2)·y^(1/2)/B(ν/2, ½) at x = ν/(ν+u²) and so
    /// stays representable as long as the tail does.
    func tailCenterAndScaledDensity(_ u: Double) -> (tail: Double, center: Double, scaledDensity: Double) {
        let nu = degreesOfFreedom
        if nu == .infinity {
            return (NormalDistribution.standardTail(u), NormalDistribution.standardCenter(u),
                    u * NormalDistribution.standardDensity(u))
        }
        if u == 0 { return (0.5, 0, 0) }
        if u == .infinity { return (0, 0.5, 0) }
        let point = betaPoint(u)
        let (w, w1) = SpecialFunctions.incompleteBeta(0.5 * nu, 0.5, point)
        return (0.5 * w, 0.5 * w1, SpecialFunctions.betaPowerTerm(0.5 * nu, 0.5, point))
    }

    /// The t > 0 with P(T > t) = tail, where `center` = ½ − tail is exact whenever
    /// tail ≥ ¼. Large tails are solved on the central mass (which is then small and
    /// known exactly), small tails on the tail itself, both in log form.
    func upperQuantile(tail q: Double, center c: Double) -> Double {
        let guess = initialGuess(tail: q, center: c, logNormalizer: logNormalizer)
        if q >= 0.25 {
            return SpecialFunctions.solveIncreasingOnPositiveAxis(initialGuess: guess) { t in
                let (_, center, scaledDensity) = tailCenterAndScaledDensity(t)
                return (SpecialFunctions.logRatio(center, c), scaledDensity / center)
            }
        }
        return SpecialFunctions.solveIncreasingOnPositiveAxis(initialGuess: guess) { t in
            let (tail, _, scaledDensity) = tailCenterAndScaledDensity(t)
            return (SpecialFunctions.logRatio(q, tail), scaledDensity / tail)
        }
    }

    /// Starting point for the quantile iteration: closed forms for ν = 1 and 2; otherwise
    /// a Cornish–Fisher expansion around the normal quantile z when z² < ν (capped by the
    /// tail asymptote), else the power-law tail asymptote P(T > t) ≈ ν^(ν/2−1)/(B(ν/2,½)·t^ν)
    /// (which always overestimates t).
    func initialGuess(tail q: Double, center c: Double, logNormalizer: ExtendedDouble) -> Double {
        let nu = degreesOfFreedom
        if nu == 1 {
            return 1 / Foundation.tan(Double.pi * q)
        }
        if nu == 2 {
            return 2 * c * (0.5 / (q * (1 - q))).squareRoot()
        }
        let z = NormalDistribution.upperQuantile(tail: q, center: c)
        let z2 = z * z
        var cornishFisher = z
        cornishFisher += z * (z2 + 1) / (4 * nu)
        cornishFisher += z * ((5 * z2 + 16) * z2 + 3) / (96 * nu * nu)
        cornishFisher += z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / (384 * nu * nu * nu)
        cornishFisher += z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / (92160 * nu * nu * nu * nu)
        let logBetaValue = -logNormalizer.value - 0.5 * Foundation.log(nu)
        let tailAsymptote = Foundation.exp(((0.5 * nu - 1) * Foundation.log(nu) - logBetaValue - Foundation.log(q)) / nu)
        // Cornish–Fisher is reliable while z² ≲ ν; beyond that the power-law tail takes over.
        if cornishFisher.isFinite && cornishFisher > 0 && (z2 < nu || !(tailAsymptote.isFinite && tailAsymptote > 0)) {
            return tailAsymptote.isFinite ? Swift.min(cornishFisher, tailAsymptote) : cornishFisher
        }
        return tailAsymptote
    }
}
