import Foundation

/// The random-effect part of a linear mixed model: the rep effects with partial pooling.
///
/// Each group (a rep) has its own deviation from the population's effects, estimated as a
/// conditional mode: the rep's own data shrunk toward the population in proportion to how little
/// of it there is. Fitted by the profiled REML (default) or ML criterion as in Bates, Mächler,
/// Bolker and Walker (2015), "Fitting Linear Mixed-Effects Models Using lme4".
public struct MixedEffects: Sendable {
    /// REML or ML.
    public let method: MixedModelMethod
    /// The relative covariance factor θ at the optimum, in lme4's order.
    public let theta: [Double]
    /// σ̂, the residual standard deviation.
    public let sigma: Double
    /// −2 × the REML log-likelihood (lme4's `REMLcrit`) or −2 × the log-likelihood (`deviance`).
    public let criterion: Double
    /// The REML or ML log-likelihood.
    public let logLikelihood: Double
    /// Akaike's criterion, with p + #θ + 1 parameters.
    public let aic: Double
    /// Schwarz's criterion, with p + #θ + 1 parameters.
    public let bic: Double
    /// Whether a variance is on the boundary (a zero variance or a ±1 correlation), as lme4's `isSingular`.
    public let isSingular: Bool
    /// Satterthwaite's degrees of freedom of each fixed effect's t test (lmerTest).
    public let degreesOfFreedom: [Double]
    /// σ²ΛΛᵀ of each term, in formula order (lme4's `VarCorr`).
    public let varianceComponents: [VarianceComponent]
    /// b̂ and conditional covariances of each term (lme4's `ranef(condVar = TRUE)`).
    public let conditionalModes: [ConditionalModes]
    /// The terms as written, one per component.
    public let terms: [RandomTerm]
    /// Rows fitted per level of each term (how much of its own data each rep has).
    public let levelCounts: [[Int]]
    /// Category levels of the effects' own columns (for `(1 + C(x) | rep)`), per term.
    let encodings: [[String: FactorEncoding]]
    /// The fit itself, for exact joint prediction covariances; `nil` for a model read from a file.
    package let engineFit: LinearMixedModelFit?

    /// The intra-class correlation of the first intercept-only term: its variance over the total
    /// (the share of the variation, beyond the fixed effects, that is persistent per group).
    public var intraclassCorrelation: Double? {
        guard let k = varianceComponents.firstIndex(where: { $0.columnNames == ["Intercept"] }) else { return nil }
        let v = varianceComponents[k].variances[0]
        return v / (v + sigma * sigma)
    }

    /// The index of the term of `group` (e.g. `rep`) with an intercept, for productivity rankings.
    public func interceptTerm(of group: String) -> Int? {
        conditionalModes.indices.first { conditionalModes[$0].groupName == group && conditionalModes[$0].columnNames.first == "Intercept" }
    }
}

extension MixedModelError: ForecastingError {}

extension LinearModel {
    /// The random-effect part, for a linear mixed model (`revenue ~ demos + (1 | rep)`); `nil` otherwise.
    public var mixedEffects: MixedEffects? { provenance.mixed }

    /// The degrees of freedom of each coefficient's t test: Satterthwaite's for a mixed model,
    /// ``inferenceDegreesOfFreedom`` for every coefficient otherwise.
    public var coefficientDegreesOfFreedom: [Double] {
        mixedEffects?.degreesOfFreedom ?? [Double](repeating: inferenceDegreesOfFreedom, count: coefficients.count)
    }
}
