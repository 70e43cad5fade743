import Testing
@testable import ForecastingCore

@Suite("Likelihood-ratio tests")
struct LikelihoodRatioTests {
    @Test("anova(sleep_ri_ml, sleep_rs_ml): χ² = 42.1392985, 2 df")
    func sleep() throws {
        let small = try LinearMixedModel(ReferenceProblems.make("sleep_ri_ml")).fit()
        let large = try LinearMixedModel(ReferenceProblems.make("sleep_rs_ml")).fit()
        let test = try large.likelihoodRatioTest(against: small, distributions: StandardDistributions())
        // R: Chisq 42.13929854202797, Df 2, p 7.07241254718902e-10 (lme4_reference.json). Both
        // deviances agree with lme4's to ~1e-15, so the statistic to ~1e-12.
        #expect(abs(test.statistic - 42.13929854202797) <= 1e-9)
        #expect(test.degreesOfFreedom == 2)
        #expect(abs(test.pValue - 7.07241254718902e-10) <= 1e-8 * 7.07e-10)
    }

    @Test("Mixed (ML) against pooled OLS: χ² = 89.7599665, 1 df")
    func pooled() throws {
        let mixed = try LinearMixedModel(ReferenceProblems.make("sales_ri_ml")).fit()
        var pooledProblem = try ReferenceProblems.make("sales_ri_ml")
        pooledProblem.randomEffects = []
        let pooled = try LinearMixedModel(pooledProblem).fit()
        // R: logLik(lm) = -14318.340306988084, AIC 28648.68061397617, BIC 28679.125314873352.
        #expect(abs(pooled.logLikelihood - -14318.340306988084) <= 1e-12 * 14318)
        #expect(abs(pooled.aic - 28648.68061397617) <= 1e-12 * 28648)
        #expect(abs(pooled.bic - 28679.125314873352) <= 1e-12 * 28679)
        let test = try mixed.likelihoodRatioTest(against: pooled, distributions: StandardDistributions())
        #expect(abs(test.statistic - 89.75996648812725) <= 1e-8)
        #expect(test.degreesOfFreedom == 1)
        #expect(abs(test.pValue - 2.688803968301518e-21) <= 1e-7 * 2.69e-21)
    }

    @Test("REML fits with different fixed effects are refused")
    func remlDifferentFixedEffects() throws {
        let a = try LinearMixedModel(ReferenceProblems.make("sales_ri_reml")).fit(options: MixedModelFitOptions(computeSatterthwaite: false))
        let b = try LinearMixedModel(ReferenceProblems.make("sales_rs_reml")).fit(options: MixedModelFitOptions(computeSatterthwaite: false))
        #expect(throws: MixedModelError.self) { try a.likelihoodRatioTest(against: b, distributions: StandardDistributions()) }
    }
}
