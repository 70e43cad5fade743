import Foundation

extension SpecialFunctions {
    /// The digamma function ψ(x) = d/dx ln Γ(x) for x > 0, to about 1e-15 relative.
    ///
    /// ψ(x) = ψ(x + n) − Σ 1/(x + k) shifts x to at least 10, where the asymptotic series
    /// ln z − 1/(2z) − Σ B₂ₖ/(2k·z²ᵏ) (k = 1…7) has truncation error below 1e-17.
    /// Used by the negative binomial's θ score (MASS's `theta.ml`).
    package static func digamma(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == .infinity ? .infinity : .nan }
        var shift = 0.0, z = x
        while z < 10 {
            shift += 1 / z
            z += 1
        }
        let r = 1 / (z * z)
        let series = r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * (691.0 / 32760 - r / 12))))))
        return Foundation.log(z) - 0.5 / z - series - shift
    }

    /// The trigamma function ψ′(x) for x > 0, to about 1e-15 relative: shifted to x ≥ 10 by
    /// ψ′(x) = ψ′(x + n) + Σ 1/(x + k)², then 1/z + 1/(2z²) + Σ B₂ₖ/z²ᵏ⁺¹ (k = 1…7).
    /// Used by the negative binomial's θ information (MASS's `theta.ml`).
    package static func trigamma(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == .infinity ? 0 : .nan }
        var shift = 0.0, z = x
        while z < 10 {
            shift += 1 / (z * z)
            z += 1
        }
        let r = 1 / (z * z)
        let series = r * (1.0 / 6 - r * (1.0 / 30 - r * (1.0 / 42 - r * (1.0 / 30 - r * (5.0 / 66 - r * (691.0 / 2730 - r * 7.0 / 6))))))
        return 1 / z + r / 2 + series / z + shift
    }
}
