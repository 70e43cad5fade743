import Foundation

extension PLSFactorization {
    /// The profiled criterion at this θ (Bates et al. 2015, §3.4–3.5):
    /// - ML, eq. 34: −2ℓ̃(θ) = log|L|² + n·(1 + log(2π·r²/n));
    /// - REML, eq. 41: log|L|² + log|R_X|² + (n−p)·(1 + log(2π·r²/(n−p))).
    func criterion(method: MixedModelMethod, n: Int, p: Int, pwrss: Double? = nil) -> Double {
        let r2 = pwrss ?? self.pwrss
        guard r2 > 0 else { return .infinity }
        switch method {
        case .ml:
            let m = Double(n)
            return logDetL2 + m * (1 + log(2 * Double.pi * r2 / m))
        case .reml:
            let m = Double(n - p)
            return logDetL2 + logDetRX2 + m * (1 + log(2 * Double.pi * r2 / m))
        }
    }

    /// lmerTest's `devfun_vp`: the same deviance with σ as an explicit parameter, not profiled out,
    /// −2ℓ(θ, σ) = log|L|² + r²/σ² + n·log(2πσ²), plus log|R_X|² − p·log(2πσ²) for REML.
    /// Only the terms that vary with θ at fixed σ are returned (the σ terms are differentiated
    /// analytically, see ``SatterthwaiteSupport``): log|L|² + r²/σ² (+ log|R_X|²).
    func thetaPartOfVarianceParameterDeviance(method: MixedModelMethod, sigma: Double) -> Double {
        let base = logDetL2 + pwrss / (sigma * sigma)
        return method == .reml ? base + logDetRX2 : base
    }
}
