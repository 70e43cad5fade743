import Foundation

/// Internal special-function kernels shared by the probability distributions.
///
/// Everything here is a pure function of its arguments (no global mutable state, no
/// `signgam`), so it is safe to call from concurrent code.
///
/// The guiding principle is that large logarithmic terms are never formed and then
/// cancelled against each other: log-gamma and log-beta values of large arguments are
/// assembled from Stirling-series corrections (the `del`/`bcorr`/`algdiv` ideas of
/// Didonato & Morris, ACM TOMS 708), and exponents that are large in magnitude are
/// carried as `ExtendedDouble` so that `exp` receives them with better than double precision.
package enum SpecialFunctions {
    /// ½·ln(2π).
    static let logSqrtTwoPi = 0.9189385332046728
    /// 1/√(2π).
    static let inverseSqrtTwoPi = 0.3989422804014327
    /// 2/√π.
    static let twoOverSqrtPi = 1.1283791670955126
    /// 1/√2, rounded.
    static let inverseSqrtTwoHigh = 0.7071067811865476
    /// 1/√2 − `inverseSqrtTwoHigh`.
    static let inverseSqrtTwoLow = -4.833646656726457e-17
    /// ln 2, rounded.
    static let logTwoHigh = 0.6931471805599453
    /// ln 2 − `logTwoHigh`.
    static let logTwoLow = 2.3190468138462996e-17

    // MARK: - Logarithms in double-double precision

    /// ln x as a double-double, with absolute error ≲ 1e-18·max(1, |ln x|), for finite x > 0.
    ///
    /// The binary exponent is split off (k·ln 2 in double-double); for the mantissa
    /// m ∈ [1/√2, √2], ln m = 2·atanh(u) with u = (m − 1)/(m + 1), where only the leading
    /// 2u needs double-double precision (the rest of the series is below 1% of it).
    static func logDoubleDouble(_ x: Double) -> ExtendedDouble {
        guard x > 0, x.isFinite else { return ExtendedDouble(Foundation.log(x)) }
        var m = x.significand
        var k = Double(x.exponent)
        if m > 1.4142135623730951 {
            m *= 0.5
            k += 1
        }
        let numerator = m - 1   // exact (Sterbenz)
        let denominator = ExtendedDouble.sum(m, 1)
        let u = ExtendedDouble(numerator) / denominator
        let u2 = u.high * u.high
        var power = u.high * u2
        var series = 0.0   // u³/3 + u⁵/5 + …
        var j = 3.0
        for _ in 0..<200 {
            let term = power / j
            series += term
            if !(abs(term) > abs(series) * 1e-17) { break }
            power *= u2
            j += 2
        }
        let exponentPart = ExtendedDouble.product(k, logTwoHigh) + ExtendedDouble(k * logTwoLow)
        return exponentPart + ExtendedDouble(2 * u.high, 2 * u.low) + ExtendedDouble(2 * series)
    }

    /// ln x for a double-double x > 0.
    static func logDoubleDouble(_ x: ExtendedDouble) -> ExtendedDouble {
        logDoubleDouble(x.high) + ExtendedDouble(Foundation.log1p(x.low / x.high))
    }

    /// ln(1 + z) for a double-double z > −1.
    static func log1pDoubleDouble(_ z: ExtendedDouble) -> ExtendedDouble {
        if z.high == .infinity { return ExtendedDouble(.infinity) }
        return logDoubleDouble(ExtendedDouble(1) + z)
    }

    /// ln(1 + x) − x for a double-double x > −1, to about 1e-18 relative error (no
    /// cancellation near 0, where the value is ≈ −x²/2). Callers multiply it by shape
    /// parameters up to ~10⁵ or more, so every digit counts.
    static func log1pmx(_ x: ExtendedDouble) -> ExtendedDouble {
        guard x.high >= -0.5 && x.high <= 1 else {
            return log1pDoubleDouble(x) - x
        }
        // ln(1+x) = 2·atanh(u) with u = x/(2+x), |u| ≤ 1/3, and 2u − x = −x·u, so
        // ln(1+x) − x = −x·u + 2u³·(1/3 + u²/5 + u⁴/7 + …). The bracket's tail beyond 1/3
        // is below 7% of it and is summed in double precision.
        let u = x / (ExtendedDouble(2) + x)
        let u2 = u.high * u.high
        var power = u2
        var tail = 0.0   // u²/5 + u⁴/7 + …
        var k = 5.0
        for _ in 0..<200 {
            let term = power / k
            tail += term
            if !(abs(term) > abs(tail) * 1e-17) { break }
            power *= u2
            k += 2
        }
        let bracket = ExtendedDouble(0.3333333333333333, 1.850371707708594e-17) + ExtendedDouble(tail)
        let uCubed = u * u * u
        return ExtendedDouble(2) * uCubed * bracket - x * u
    }

    // MARK: - Error function of a double-double argument

    /// erfc(z) for a double-double z, with the low part applied through the derivative
    /// −(2/√π)·e^(−z²). In the far tail d ln erfc/dz ≈ −2z, so rounding z to a double
    /// would otherwise cost up to ~2z²·ε relative error (≈1e-13 at z = 26).
    static func erfc(_ z: ExtendedDouble) -> Double {
        let zh = z.high
        if zh == .infinity { return 0 }
        return Foundation.erfc(zh) - twoOverSqrtPi * Foundation.exp(-zh * zh) * z.low
    }

    /// erf(z) for a double-double z (see `erfc(_:)`).
    static func erf(_ z: ExtendedDouble) -> Double {
        let zh = z.high
        if zh.isInfinite { return zh > 0 ? 1 : -1 }
        return Foundation.erf(zh) + twoOverSqrtPi * Foundation.exp(-zh * zh) * z.low
    }

    /// √x as a double-double (x ≥ 0 finite).
    static func squareRootDoubleDouble(_ x: Double) -> ExtendedDouble {
        let s = x.squareRoot()
        if s == 0 || !s.isFinite { return ExtendedDouble(s) }
        return ExtendedDouble(s, x.addingProduct(-s, s) / (2 * s))
    }

    // MARK: - Gamma and beta functions

    /// ½·ln(2π) as a double-double.
    static let logSqrtTwoPiDoubleDouble = ExtendedDouble(0.9189385332046728, -3.8782941580672414e-17)

    /// ln Γ(x) for x > 0.
    static func logGamma(_ x: Double) -> Double {
        logGammaDoubleDouble(x).value
    }

    /// ln Γ(x) for x > 0 as a double-double (absolute error ≲ 1e-17 for moderate x).
    ///
    /// Stirling's series (`stirlingCorrection`) at z = x + n ≥ 10, with ln z in double-double,
    /// minus Σ ln(x + k) for the upward shift; no libm log-gamma is involved, so this is
    /// reentrant and accurate also near the zeros at 1 and 2.
    static func logGammaDoubleDouble(_ x: Double) -> ExtendedDouble {
        guard x > 0, x.isFinite else { return ExtendedDouble(x == .infinity ? .infinity : .nan) }
        var shiftLog = ExtendedDouble(0)
        var z = ExtendedDouble(x)
        if x < 10 {
            let n = (10 - x).rounded(.up)
            var k = 0.0
            while k < n {
                shiftLog += logDoubleDouble(ExtendedDouble.sum(x, k))
                k += 1
            }
            z = ExtendedDouble.sum(x, n)
        }
        let logZ = logDoubleDouble(z)
        let stirling = (z - ExtendedDouble(0.5)) * logZ - z + logSqrtTwoPiDoubleDouble
            + ExtendedDouble(stirlingCorrection(z.high))
        return stirling - shiftLog
    }

    /// A rough digamma ψ(s) for s > 0 (relative error ≲ 1e-3), used only to correct for
    /// the rounding of an argument (a first-order term).
    static func roughDigamma(_ s: Double) -> Double {
        var shift = 0.0
        var z = s
        while z < 1 {
            shift += 1 / z
            z += 1
        }
        return Foundation.log(z) - 0.5 / z - 1 / (12 * z * z) - shift
    }

    /// Stirling-series remainder δ(x) = lnΓ(x) − [(x − ½)·ln x − x + ½·ln(2π)], for x ≥ 10.
    ///
    /// Uses the Bernoulli-number series Σ B₂ₖ/(2k(2k−1)·x^(2k−1)), k = 1…9; at x = 10 the
    /// truncation error is below 1e-18 (absolute).
    static func stirlingCorrection(_ x: Double) -> Double {
        let t = 1 / (x * x)
        var s = 43867.0 / 244_188
        s = s * t - 3617.0 / 122_400
        s = s * t + 1.0 / 156
        s = s * t - 691.0 / 360_360
        s = s * t + 1.0 / 1188
        s = s * t - 1.0 / 1680
        s = s * t + 1.0 / 1260
        s = s * t - 1.0 / 360
        s = s * t + 1.0 / 12
        return s / x
    }

    /// δ(a) + δ(b) − δ(a + b) for a, b ≥ 10 (see `stirlingCorrection`).
    static func stirlingCorrectionOfBeta(_ a: Double, _ b: Double) -> Double {
        stirlingCorrection(a) + (stirlingCorrection(b) - stirlingCorrection(a + b))
    }

    /// ln(Γ(b)/Γ(a + b)) for a > 0, b ≥ 10, without cancelling large log-gamma values
    /// (the `algdiv` construction of TOMS 708), as a double-double:
    /// −[(a + b − ½)·ln(1 + a/b) + a·(ln b − 1)] + δ(b) − δ(a + b).
    static func logGammaRatio(_ a: Double, _ b: Double) -> ExtendedDouble {
        let w = stirlingCorrection(b) - stirlingCorrection(a + b)
        let u = (ExtendedDouble.sum(b, a) - ExtendedDouble(0.5)) * log1pDoubleDouble(ExtendedDouble.quotient(a, b))
        let v = ExtendedDouble(a) * (logDoubleDouble(b) - ExtendedDouble(1))
        return ExtendedDouble(w) - (u + v)
    }

    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b) for a, b > 0.
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        logBetaDoubleDouble(a, b).value
    }

    /// ln B(a, b) for a, b > 0 as a double-double, accurate even when one or both
    /// arguments are huge (e.g. a = 5·10⁶, b = ½).
    static func logBetaDoubleDouble(_ a: Double, _ b: Double) -> ExtendedDouble {
        let lo = Swift.min(a, b)
        let hi = Swift.max(a, b)
        if lo >= 10 {
            // ½ln(2π) − ½ln(hi) − (lo − ½)·ln(1 + hi/lo) − hi·ln(1 + lo/hi) + Δ, with both
            // subtracted terms positive.
            let u = ExtendedDouble(lo - 0.5) * log1pDoubleDouble(ExtendedDouble.quotient(hi, lo))
            let v = ExtendedDouble(hi) * log1pDoubleDouble(ExtendedDouble.quotient(lo, hi))
            let logHi = logDoubleDouble(hi)
            let head = logSqrtTwoPiDoubleDouble - ExtendedDouble(0.5 * logHi.high, 0.5 * logHi.low)
                + ExtendedDouble(stirlingCorrectionOfBeta(lo, hi))
            return head - (u + v)
        }
        if hi >= 10 {
            return logGammaDoubleDouble(lo) + logGammaRatio(lo, hi)
        }
        // Both small: a + b is formed exactly as a double-double and the rounding of its
        // leading part is corrected to first order with ψ.
        let sum = ExtendedDouble.sum(a, b)
        let logGammaSum = logGammaDoubleDouble(sum.high) + ExtendedDouble(roughDigamma(sum.high) * sum.low)
        return logGammaDoubleDouble(a) + logGammaDoubleDouble(b) - logGammaSum
    }
}
