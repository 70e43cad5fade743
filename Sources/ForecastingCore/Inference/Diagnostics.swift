import Foundation

/// Residual diagnostics with statsmodels' definitions (`statsmodels.stats.stattools`).
enum Diagnostics {
    /// Σ(eₜ − eₜ₋₁)² / Σeₜ².
    static func durbinWatson(_ e: [Double]) -> Double {
        guard e.count > 1 else { return .nan }
        var numerator = CompensatedSum()
        for t in 1..<e.count { let d = e[t] - e[t - 1]; numerator.addProduct(d, d) }
        return numerator.value / Compensated.sumOfSquares(e)
    }

    /// Biased sample skewness m₃/m₂^{3/2} and kurtosis m₄/m₂² (not excess), as scipy's defaults.
    static func moments(_ x: [Double]) -> (skewness: Double, kurtosis: Double) {
        let n = Double(x.count)
        let mean = Compensated.sum(x) / n
        var m2 = CompensatedSum(), m3 = CompensatedSum(), m4 = CompensatedSum()
        for v in x {
            let d = v - mean
            let d2 = d * d
            m2.add(d2); m3.add(d2 * d); m4.add(d2 * d2)
        }
        let s2 = m2.value / n
        return (m3.value / n / Foundation.pow(s2, 1.5), m4.value / n / (s2 * s2))
    }

    /// JB = n/6·(S² + (K − 3)²/4), p from χ²(2) (its survival is exp(−JB/2)).
    static func jarqueBera(_ e: [Double]) -> (statistic: Double, pValue: Double, skewness: Double, kurtosis: Double) {
        let (s, k) = moments(e)
        return jarqueBera(count: e.count, skewness: s, kurtosis: k)
    }

    /// Jarque–Bera from the count, skewness and kurtosis of the residuals.
    static func jarqueBera(count: Int, skewness s: Double, kurtosis k: Double) -> (statistic: Double, pValue: Double, skewness: Double, kurtosis: Double) {
        let jb = Double(count) / 6 * (s * s + (k - 3) * (k - 3) / 4)
        return (jb, Foundation.exp(-jb / 2), s, k)
    }

    /// D'Agostino–Pearson K² = Z(skew)² + Z(kurtosis)² with scipy's `skewtest` and `kurtosistest`
    /// transformations; p from χ²(2). Needs at least 8 residuals.
    static func omnibus(_ e: [Double]) -> (statistic: Double, pValue: Double) {
        guard e.count >= 8 else { return (.nan, .nan) }
        let (b1, b2) = moments(e)
        return omnibus(count: e.count, skewness: b1, kurtosis: b2)
    }

    /// The omnibus test from the count, skewness and kurtosis of the residuals.
    static func omnibus(count: Int, skewness b1: Double, kurtosis b2: Double) -> (statistic: Double, pValue: Double) {
        guard count >= 8 else { return (.nan, .nan) }
        let n = Double(count)
        // skewtest (D'Agostino 1970)
        var y = b1 * ((n + 1) * (n + 3) / (6 * (n - 2))).squareRoot()
        let beta2 = 3 * (n * n + 27 * n - 70) * (n + 1) * (n + 3) / ((n - 2) * (n + 5) * (n + 7) * (n + 9))
        let w2 = -1 + (2 * (beta2 - 1)).squareRoot()
        let delta = 1 / (0.5 * Foundation.log(w2)).squareRoot()
        let alpha = (2 / (w2 - 1)).squareRoot()
        if y == 0 { y = 1 }
        let zSkew = delta * Foundation.log(y / alpha + ((y / alpha) * (y / alpha) + 1).squareRoot())
        // kurtosistest (Anscombe & Glynn 1983)
        let expected = 3 * (n - 1) / (n + 1)
        let variance = 24 * n * (n - 2) * (n - 3) / ((n + 1) * (n + 1) * (n + 3) * (n + 5))
        let x = (b2 - expected) / variance.squareRoot()
        let sqrtBeta1 = 6 * (n * n - 5 * n + 2) / ((n + 7) * (n + 9)) * (6 * (n + 3) * (n + 5) / (n * (n - 2) * (n - 3))).squareRoot()
        let a = 6 + 8 / sqrtBeta1 * (2 / sqrtBeta1 + (1 + 4 / (sqrtBeta1 * sqrtBeta1)).squareRoot())
        let term1 = 1 - 2 / (9 * a)
        let denominator = 1 + x * (2 / (a - 4)).squareRoot()
        let term2 = denominator == 0 ? Double.nan
            : (denominator < 0 ? -1.0 : 1.0) * Foundation.pow((1 - 2 / a) / abs(denominator), 1.0 / 3)
        let zKurtosis = (term1 - term2) / (2 / (9 * a)).squareRoot()
        let k2 = zSkew * zSkew + zKurtosis * zKurtosis
        return (k2, Foundation.exp(-k2 / 2))
    }
}

/// The sample standard deviation (n − 1 in the denominator); `nan` for fewer than two values.
package func standardDeviation(_ x: [Double]) -> Double {
    guard x.count > 1 else { return .nan }
    let mean = Compensated.sum(x) / Double(x.count)
    return (Compensated.sumOfSquares(x.map { $0 - mean }) / Double(x.count - 1)).squareRoot()
}
