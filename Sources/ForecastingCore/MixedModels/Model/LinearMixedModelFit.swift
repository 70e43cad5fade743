import Foundation

/// A fitted linear mixed model: estimates, their covariance, variance components, conditional
/// modes and what inference and prediction need (see the extensions in Inference/ and MixedModelPrediction/).
public struct LinearMixedModelFit: Sendable {
    /// The model that was fitted.
    public let model: LinearMixedModel
    /// REML or ML.
    public var method: MixedModelMethod { model.problem.method }
    /// θ̂ in lme4's order (``LinearMixedModel/termOrder``), diagonal entries ≥ 0.
    public let theta: [Double]
    /// β̂, in the order of ``fixedEffectNames``.
    public let coefficients: [Double]
    /// The fixed-effect names.
    public var fixedEffectNames: [String] { model.problem.fixedEffectNames }
    /// cov(β̂) = σ̂²·R_X⁻¹R_X⁻ᵀ (Bates et al. 2015, §3.5, eq. 43 with σ̂; lme4's `vcov`).
    public let coefficientCovariance: Matrix
    /// σ̂: √(r²/n) for ML, √(r²/(n−p)) for REML.
    public let sigma: Double
    /// The REML criterion (REML fits) or the deviance −2ℓ (ML fits) at θ̂, as lme4's
    /// `REMLcrit()` / `deviance()`.
    public let criterion: Double
    /// r², the penalized residual sum of squares ‖y − Xβ̂ − ZΛû‖² + ‖û‖² at θ̂, summed over the rows.
    public let penalizedResidualSumOfSquares: Double
    /// log|L|² = log det(ΛᵀZᵀZΛ + I) at θ̂.
    public let logDeterminantL: Double
    /// log|R_X|² at θ̂ for the original X (the REML term of eq. 41).
    public let logDeterminantRX: Double
    /// Per term, in problem order: σ̂²Λ_kΛ_kᵀ.
    public let varianceComponents: [VarianceComponent]
    /// Per term, in problem order: b̂ and conditional covariances.
    public let conditionalModes: [ConditionalModes]
    /// The number of criterion evaluations (optimizer and boundary checks; not Satterthwaite's).
    public let evaluations: Int
    /// Trust-region iterations.
    public let iterations: Int
    /// Whether the optimizer met its convergence test.
    public let converged: Bool
    /// lmerTest's Satterthwaite ingredients; nil if they could not be computed.
    public let satterthwaite: SatterthwaiteSupport?

    // Kept for prediction and conditional variances.
    let factorization: PLSFactorization
    let solution: PLSSolution
    /// S⁻¹ = (L₂₂L₂₂ᵀ)⁻¹, the dense part's block of (ΛᵀZᵀZΛ + I)⁻¹.
    let inverseSchur: [Double]
    /// b̂ per problem term, level-major (level·q + column).
    let modes: [[Double]]

    /// n.
    public var observationCount: Int { model.problem.observationCount }

    /// The number of estimated parameters, p + #θ + 1 (lme4's `attr(logLik, "df")`).
    public var parameterCount: Int { coefficients.count + theta.count + 1 }

    /// The log-likelihood (REML fits: the REML log-likelihood −criterion/2, as lme4's `logLik`).
    public var logLikelihood: Double { -0.5 * criterion }

    /// Akaike's information criterion, −2ℓ + 2·(p + #θ + 1).
    public var aic: Double { criterion + 2 * Double(parameterCount) }

    /// Schwarz's Bayesian information criterion, −2ℓ + log(n)·(p + #θ + 1).
    public var bic: Double { criterion + log(Double(observationCount)) * Double(parameterCount) }

    /// σ̂², the residual variance.
    public var residualVariance: Double { sigma * sigma }

    /// The standard errors of β̂.
    public var standardErrors: [Double] { coefficientCovariance.diagonal.map { $0.squareRoot() } }

    /// lme4's `isSingular(tol = 1e-4)`: some diagonal entry of some Λ_k is below 1e-4, i.e. a
    /// variance (or a direction of a covariance matrix) is estimated as (nearly) zero.
    public var isSingular: Bool {
        zip(theta, model.thetaLowerBounds).contains { $1 == 0 && $0 < 1e-4 }
    }
}
