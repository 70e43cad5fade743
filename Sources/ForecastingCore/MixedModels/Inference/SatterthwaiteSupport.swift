import Foundation

/// What lmerTest stores to compute Satterthwaite degrees of freedom (lmerTest `as_lmerModLT`,
/// R/lmer.R): the asymptotic covariance of the variance parameters and the Jacobian of cov(β̂)
/// with respect to them.
///
/// The variance parameters are varpar = (θ, σ) and the deviance is lmerTest's `devfun_vp`,
/// with σ explicit rather than profiled out:
///
///     D(θ, σ) = log|L|² + r²(θ)/σ² + n·log(2πσ²)             (ML)
///     D(θ, σ) = … + log|R_X|² − p·log(2πσ²)                    (REML)
///
/// A = 2·H⁻¹, H the Hessian of D at (θ̂, σ̂), inverted as lmerTest does (Moore–Penrose over
/// eigenvalues > 1e-8). cov(β̂)(θ, σ) = σ²·(R_XᵀR_X)⁻¹(θ). Derivatives in σ are analytic:
/// ∂²D/∂σ² = 6r²/σ⁴ − 2m/σ² (m = n, or n − p for REML), ∂²D/∂θ∂σ = −2·∂r²/∂θ / σ³,
/// ∂cov/∂σ = 2σ·(R_XᵀR_X)⁻¹. Derivatives in θ are central differences with Richardson
/// extrapolation over six step halvings from 0.03·max(|θᵢ|, sᵢ), sᵢ the data's scale of θᵢ.
/// (Smaller steps, as numDeriv's 10⁻⁴·|θᵢ|, let the criterion's round-off (~1e-16 relative)
/// reach the df at ~1e-7; these steps keep df stable to ~1e-8 relative across step choices.)
public struct SatterthwaiteSupport: Sendable {
    /// H, the Hessian of `devfun_vp` over (θ, σ), (#θ+1)×(#θ+1).
    public let hessian: Matrix
    /// A = 2·H⁺, lmerTest's `vcov_varpar`.
    public let varianceParameterCovariance: Matrix
    /// ∂cov(β̂)/∂varparᵢ (p×p each), lmerTest's `Jac_list`; the last is ∂/∂σ.
    public let covarianceJacobians: [Matrix]

    init(model: LinearMixedModel, theta: [Double], sigma: Double, relativeStep: Double = 0.03, levels: Int = 6) throws(MixedModelError) {
        let cross = model.cross, method = model.problem.method
        let n = cross.n, p = cross.p, k = theta.count
        let steps = zip(theta, model.thetaScales).map { relativeStep * max(abs($0), $1) }
        // F(θ) = [D_θ(θ; σ̂), r²(θ), (R_XᵀR_X)⁻¹(θ) (p² entries)].
        let derivatives = try NumericalDerivatives.evaluate(
            at: theta, steps: steps, levels: levels, secondDerivatives: true
        ) { (point: [Double]) throws(MixedModelError) -> [Double] in
            let f = try model.factor(theta: point)
            let unscaled = try LinearMixedModelFit.unscaledCoefficientCovariance(f, cross: cross)
            return [f.thetaPartOfVarianceParameterDeviance(method: method, sigma: sigma), f.pwrss] + unscaled
        }
        let m = derivatives.value.count
        let r2 = derivatives.value[1]
        let dof = Double(method == .ml ? n : n - p)
        var hessian = Matrix(rows: k + 1, columns: k + 1)
        for i in 0..<k {
            for j in 0..<k { hessian[i, j] = derivatives.hessian[0 + (i + j * k) * m] }
            let cross = -2 * derivatives.jacobian[1 + i * m] / (sigma * sigma * sigma)
            hessian[i, k] = cross
            hessian[k, i] = cross
        }
        hessian[k, k] = 6 * r2 / pow(sigma, 4) - 2 * dof / (sigma * sigma)
        guard hessian.values.allSatisfy(\.isFinite) else {
            throw .optimizationFailed("the Hessian of the deviance in (θ, σ) is not finite")
        }

        // A = 2·H⁺ over eigenvalues > 1e-8 (lmerTest: tol = 1e-8).
        let eigen: (values: [Double], vectors: [Double])
        do { eigen = try LAPACK.symmetricEigen(hessian.values, order: k + 1) } catch { throw .linearAlgebra(error) }
        var covariance = Matrix(rows: k + 1, columns: k + 1)
        for (e, value) in eigen.values.enumerated() where value > 1e-8 {
            for j in 0...k {
                for i in 0...k {
                    covariance[i, j] += 2 * eigen.vectors[i + e * (k + 1)] * eigen.vectors[j + e * (k + 1)] / value
                }
            }
        }

        var jacobians: [Matrix] = []
        for i in 0..<k {
            let values = (0..<(p * p)).map { sigma * sigma * derivatives.jacobian[(2 + $0) + i * m] }
            jacobians.append(Matrix(rows: p, columns: p, values: values))
        }
        jacobians.append(Matrix(rows: p, columns: p, values: derivatives.value[2...].map { 2 * sigma * $0 }))
        self.hessian = hessian
        self.varianceParameterCovariance = covariance
        self.covarianceJacobians = jacobians
    }
}
