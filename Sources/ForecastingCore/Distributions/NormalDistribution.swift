import Foundation

/// A normal (Gaussian) distribution N(μ, σ²).
///
/// All functions are accurate to a few ulps in relative terms, including the far tails:
/// `cdf(-37)` ≈ 5.7e-300 and `inverseSurvival(1e-300)` ≈ 37.05 are computed to about
/// 1e-15 relative error. Invalid parameters (σ ≤ 0, non-finite μ or σ, NaN) make every
/// method return NaN.
public struct NormalDistribution: Sendable {
    /// The mean μ of the distribution; must be finite.
    public var mean: Double
    /// The standard deviation σ of the distribution; must be finite and greater than 0.
    public var standardDeviation: Double

    /// Creates a normal distribution.
    ///
    /// - Parameters:
    ///   - mean: The mean μ; any finite value. Defaults to 0.
    ///   - standardDeviation: The standard deviation σ; finite and > 0. Defaults to 1.
    public init(mean: Double = 0, standardDeviation: Double = 1) {
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// The standard normal distribution N(0, 1).
    public static let standard = NormalDistribution()

    private var isValid: Bool {
        mean.isFinite && standardDeviation.isFinite && standardDeviation > 0
    }

    /// The cumulative distribution function P(X ≤ x).
    ///
    /// - Parameter x: Any value; ±∞ give 0 and 1.
    /// - Returns: A probability in [0, 1]; NaN for NaN input or invalid parameters.
    public func cdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return Self.standardCDF((x - mean) / standardDeviation)
    }

    /// The survival function P(X > x), computed directly (not as 1 − cdf) so that tiny
    /// upper-tail probabilities keep full relative accuracy.
    ///
    /// - Parameter x: Any value; ±∞ give 1 and 0.
    /// - Returns: A probability in [0, 1]; NaN for NaN input or invalid parameters.
    public func survival(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return Self.standardCDF(-((x - mean) / standardDeviation))
    }

    /// The quantile function (inverse of `cdf`): the x with P(X ≤ x) = p.
    ///
    /// - Parameter p: A probability in [0, 1]; 0 gives −∞ and 1 gives +∞.
    /// - Returns: The quantile; NaN if p is outside [0, 1], NaN, or the parameters are invalid.
    public func quantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        return mean + standardDeviation * Self.standardQuantile(p)
    }

    /// The inverse of `survival`: the x with P(X > x) = q, accurate for tiny q
    /// (e.g. q = 1e-300 gives μ + 37.05σ).
    ///
    /// - Parameter q: An upper-tail probability in [0, 1]; 0 gives +∞ and 1 gives −∞.
    /// - Returns: The value x; NaN if q is outside [0, 1], NaN, or the parameters are invalid.
    public func inverseSurvival(_ q: Double) -> Double {
        guard isValid, q >= 0, q <= 1 else { return .nan }
        return mean - standardDeviation * Self.standardQuantile(q)
    }

    /// The probability density function.
    ///
    /// - Parameter x: Any value.
    /// - Returns: The density at x (0 at ±∞); NaN for NaN input or invalid parameters.
    public func density(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return Self.standardDensity((x - mean) / standardDeviation) / standardDeviation
    }
}

// MARK: - Standard-normal kernels

extension NormalDistribution {
    /// Φ(z) for the standard normal.
    static func standardCDF(_ z: Double) -> Double {
        if z.isNaN { return .nan }
        if z < 0 { return 0.5 * erfcOfScaled(-z) }
        return 1 - 0.5 * erfcOfScaled(z)
    }

    /// Upper tail P(Z > u) for u ≥ 0.
    static func standardTail(_ u: Double) -> Double {
        0.5 * erfcOfScaled(u)
    }

    /// Central mass P(0 < Z < u) = ½·erf(u/√2) for u ≥ 0, accurate relative to its
    /// (possibly tiny) value.
    static func standardCenter(_ u: Double) -> Double {
        if u == .infinity { return 0.5 }
        return 0.5 * SpecialFunctions.erf(scaledByInverseSqrtTwo(u))
    }

    /// erfc(u/√2) for u ≥ 0.
    ///
    /// u/√2 is rounded when formed; in the far tail erfc is so steep (d ln erfc/dz ≈ −2z)
    /// that this rounding alone would cost up to ~u²·ε relative error (≈1e-13 at u = 37).
    /// The product is therefore formed exactly as a double-double (FMA) and its low part
    /// applied through the derivative.
    static func erfcOfScaled(_ u: Double) -> Double {
        if u == .infinity { return 0 }
        return SpecialFunctions.erfc(scaledByInverseSqrtTwo(u))
    }

    /// u/√2 as a double-double.
    static func scaledByInverseSqrtTwo(_ u: Double) -> ExtendedDouble {
        let product = ExtendedDouble.product(u, SpecialFunctions.inverseSqrtTwoHigh)
        return ExtendedDouble.normalized(product.high, product.low + u * SpecialFunctions.inverseSqrtTwoLow)
    }

    /// φ(z) = e^(−z²/2)/√(2π), with z² carried in double-double.
    static func standardDensity(_ z: Double) -> Double {
        if z.isNaN { return .nan }
        if z.isInfinite { return 0 }
        let square = ExtendedDouble.product(z, z)
        return SpecialFunctions.inverseSqrtTwoPi * ExtendedDouble(-0.5 * square.high, -0.5 * square.low).exponential
    }

    /// Φ⁻¹(p) for p ∈ [0, 1].
    static func standardQuantile(_ p: Double) -> Double {
        guard p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p < 0.5 { return -upperQuantile(tail: p, center: 0.5 - p) }
        if p > 0.5 { return upperQuantile(tail: 1 - p, center: p - 0.5) }   // both exact (Sterbenz)
        return 0
    }

    /// The z ≥ 0 with P(Z > z) = tail, for tail ∈ (0, ½]; `center` must be ½ − tail
    /// (exact whenever tail ≥ ¼).
    ///
    /// Wichura's AS 241 (PPND16, ~1e-16) followed by one Halley step against the accurate
    /// tail (or, near the centre, against ½·erf) so the result is consistent with `cdf`.
    static func upperQuantile(tail q: Double, center c: Double) -> Double {
        if c == 0 { return 0 }
        var z: Double
        if c <= 0.425 {
            let r = 0.180625 - c * c
            let numerator = ((((((2509.0809287301226727 * r + 33430.575583588128105) * r
                + 67265.770927008700853) * r + 45921.953931549871457) * r
                + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.3871328727963666080
            let denominator = ((((((5226.4952788528545610 * r + 28729.085735721942674) * r
                + 39307.895800092710610) * r + 21213.794301586595867) * r
                + 5394.1960214247511077) * r + 687.18700749205790830) * r
                + 42.313330701600911252) * r + 1
            z = c * numerator / denominator
        } else {
            var r = (-log(q)).squareRoot()
            if r <= 5 {
                r -= 1.6
                let numerator = ((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r
                    + 2.41780725177450611770e-1) * r + 1.27045825245236838258) * r
                    + 3.64784832476320460504) * r + 5.76949722146069140550) * r
                    + 4.63033784615654529590) * r + 1.42343711074968357734
                let denominator = ((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r
                    + 1.51986665636164571966e-2) * r + 1.48103976427480074590e-1) * r
                    + 6.89767334985100004550e-1) * r + 1.67638483018380384940) * r
                    + 2.05319162663775882187) * r + 1
                z = numerator / denominator
            } else {
                r -= 5
                let numerator = ((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
                    + 1.24266094738807843860e-3) * r + 2.65321895265761230930e-2) * r
                    + 2.96560571828504891230e-1) * r + 1.78482653991729133580) * r
                    + 5.46378491116411436990) * r + 6.65790464350110377720
                let denominator = ((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r
                    + 1.84631831751005468180e-5) * r + 7.86869131145613259100e-4) * r
                    + 1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r
                    + 5.99832206555887937690e-1) * r + 1
                z = numerator / denominator
            }
        }
        // One Halley step on G(z) = q − Q(z) (or ½erf(z/√2) − c near the centre):
        // G' = φ(z), G'' = −z·φ(z), so z ← z − e/(1 + z·e/2) with e = G/φ.
        let phi = standardDensity(z)
        guard phi > 0 else { return z }
        let g = q >= 0.25 ? standardCenter(z) - c : q - standardTail(z)
        let e = g / phi
        let refined = z - e / (1 + 0.5 * z * e)
        return refined.isFinite ? refined : z
    }
}
