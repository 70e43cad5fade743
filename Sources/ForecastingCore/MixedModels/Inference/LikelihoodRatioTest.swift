/// A likelihood-ratio (χ²) test between two nested fits, as lme4's `anova(m0, m1)`.
public struct LikelihoodRatioTest: Sendable {
    /// The log-likelihood of the model with fewer parameters.
    public let smallerLogLikelihood: Double
    /// The log-likelihood of the model with more parameters.
    public let largerLogLikelihood: Double
    /// 2·(ℓ_larger − ℓ_smaller), floored at 0 (as lme4's `anova`).
    public let statistic: Double
    /// The difference in the number of parameters.
    public let degreesOfFreedom: Int
    /// P(χ²_df > statistic).
    public let pValue: Double
}

extension LinearMixedModelFit {
    /// Tests this fit against a nested one with fewer parameters (lme4's `anova`; the χ²
    /// reference distribution is conservative when the smaller model sets a variance to its
    /// boundary 0).
    ///
    /// Both fits must use the same n and method; REML fits must have identical fixed-effects
    /// designs (REML likelihoods of different X are not comparable; refit with ML). The model
    /// with fewer parameters is taken as the smaller one, whichever is passed.
    ///
    /// - Parameters:
    ///   - other: The other fit.
    ///   - distributions: The host's χ² distribution.
    /// - Throws: ``MixedModelError/incompatibleModels(_:)``.
    public func likelihoodRatioTest(
        against other: LinearMixedModelFit, distributions: some MixedModelDistributions
    ) throws(MixedModelError) -> LikelihoodRatioTest {
        guard observationCount == other.observationCount else {
            throw .incompatibleModels("they have \(observationCount) and \(other.observationCount) observations")
        }
        guard method == other.method else { throw .incompatibleModels("one is fitted by REML and the other by ML") }
        if method == .reml {
            guard model.problem.fixedEffectNames == other.model.problem.fixedEffectNames,
                  model.problem.fixedDesign == other.model.problem.fixedDesign else {
                throw .incompatibleModels("REML fits with different fixed effects cannot be compared; refit both by ML")
            }
        }
        guard model.problem.response == other.model.problem.response else {
            throw .incompatibleModels("they are fitted to different responses")
        }
        let (smaller, larger) = parameterCount <= other.parameterCount ? (self, other) : (other, self)
        let df = larger.parameterCount - smaller.parameterCount
        guard df > 0 else { throw .incompatibleModels("both have \(parameterCount) parameters") }
        let statistic = max(0, 2 * (larger.logLikelihood - smaller.logLikelihood))
        return LikelihoodRatioTest(
            smallerLogLikelihood: smaller.logLikelihood, largerLogLikelihood: larger.logLikelihood,
            statistic: statistic, degreesOfFreedom: df,
            pValue: distributions.chiSquaredSurvival(statistic, degreesOfFreedom: Double(df)))
    }
}
