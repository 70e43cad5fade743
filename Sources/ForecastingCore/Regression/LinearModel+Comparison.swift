import Foundation

extension LinearModel {
    /// The number of estimated parameters: p + 1 (σ) for least squares; p + #θ + 1 for a mixed model.
    public var estimatedParameterCount: Int {
        if let mixed = mixedEffects { return coefficients.count + mixed.theta.count + 1 }
        return Int(effectiveParameters.rounded()) + 1
    }

    /// A likelihood-ratio (χ²) test between this model and a nested one fitted on the same rows, as
    /// lme4's `anova(m0, m1)`: 2(ℓ₁ − ℓ₀) on the difference in parameters. For example a model with
    /// `(1 | rep)` against the same pooled model tests whether reps differ in productivity (the χ²
    /// reference is conservative there, the variance being on its boundary 0 under the smaller model).
    ///
    /// Least-squares fits and mixed fits by ML compare freely; REML fits compare only with REML fits
    /// of the same fixed effects (refit by ML, `--ml`, otherwise).
    /// - Parameter other: The other model; the one with fewer parameters is taken as the smaller.
    /// - Throws: ``MixedModelError/incompatibleModels(_:)`` for different rows, weights, or REML fits
    ///   with different fixed effects.
    public func likelihoodRatioTest(against other: LinearModel) throws -> LikelihoodRatioTest {
        guard observationCount == other.observationCount else {
            throw MixedModelError.incompatibleModels("they are fitted on \(observationCount) and \(other.observationCount) rows")
        }
        guard method != .wls, method != .ridge, other.method != .wls, other.method != .ridge else {
            throw MixedModelError.incompatibleModels("weighted and ridge fits are not compared by likelihood")
        }
        let reml = [method, other.method].filter { $0 == .reml }.count
        if reml > 0 && (reml == 1 || columnNames != other.columnNames) {
            throw MixedModelError.incompatibleModels("a REML fit compares only with a REML fit of the same fixed effects; refit both by ML (--ml)")
        }
        let (small, large) = estimatedParameterCount <= other.estimatedParameterCount ? (self, other) : (other, self)
        let df = large.estimatedParameterCount - small.estimatedParameterCount
        guard df > 0 else { throw MixedModelError.incompatibleModels("the two models have the same number of parameters") }
        let statistic = max(0, 2 * (large.logLikelihood - small.logLikelihood))
        return LikelihoodRatioTest(smallerLogLikelihood: small.logLikelihood, largerLogLikelihood: large.logLikelihood,
                                   statistic: statistic, degreesOfFreedom: df,
                                   pValue: ChiSquaredDistribution(degreesOfFreedom: Double(df)).survival(statistic))
    }
}

extension LikelihoodRatioTest: CustomStringConvertible {
    /// One line: χ²(df) = statistic, p, and both log-likelihoods.
    public var description: String {
        "Likelihood-ratio test: χ²(\(degreesOfFreedom)) = \(TextFormat.general(statistic, digits: 6)), p = \(TextFormat.pValueText(pValue)) (log-likelihoods \(TextFormat.general(smallerLogLikelihood, digits: 8)) and \(TextFormat.general(largerLogLikelihood, digits: 8)))"
    }

    /// The test as a JSON object.
    public var jsonValue: JSONValue {
        .object([("statistic", .finite(statistic)), ("df", .integer(degreesOfFreedom)), ("p_value", .finite(pValue)),
                 ("smaller_log_likelihood", .finite(smallerLogLikelihood)), ("larger_log_likelihood", .finite(largerLogLikelihood))])
    }
}
