import Testing
@testable import ForecastingCore

/// The optimizer's result: a stationary point located to ~1e-9, independent of the start.
@Suite("Optimum")
struct OptimumTests {
    /// The Newton step −H⁻¹g at θ from Richardson-extrapolated derivatives of the criterion.
    static func newtonStep(_ model: LinearMixedModel, at theta: [Double]) throws -> [Double] {
        let steps = zip(theta, model.thetaScales).map { 0.01 * max(abs($0), $1) }
        let d = try NumericalDerivatives.evaluate(at: theta, steps: steps, levels: 5, secondDerivatives: true) {
            (x: [Double]) throws(MixedModelError) -> [Double] in [try model.criterion(theta: x)]
        }
        var g = d.jacobian
        try LAPACK.solvePositiveDefinite(d.hessian, order: theta.count, &g, rightHandSides: 1)
        return g.map { -$0 }
    }

    @Test("θ̂ is the optimum to 1e-8 of θ's scale, and closer than lme4's θ̂", arguments: [
        "sleep_ri_reml", "sleep_rs_reml", "sleep_rs_ml", "sleep_uncorr_reml", "penicillin_crossed_reml",
        "pastes_nested_reml", "sales_rs_reml", "sales_nested_reml", "sales_crossed_reml",
    ])
    func stationary(id: String) throws {
        let model = try LinearMixedModel(ReferenceProblems.make(id))
        let fit = try model.fit(options: MixedModelFitOptions(computeSatterthwaite: false))
        let ours = try Self.newtonStep(model, at: fit.theta)
        for (i, step) in ours.enumerated() {
            #expect(abs(step) <= 1e-8 * max(abs(fit.theta[i]), model.thetaScales[i]), "\(id) θ[\(i)]: Newton step \(step)")
        }
        // lme4's θ̂ (tight settings) for comparison: its distance to the optimum is what limits the
        // full-fit agreement in LME4AgreementTests (up to 1.7e-7 for sales_nested_reml).
        let ref = try #require(LME4AgreementTests.reference[id])
        let theirs = try Self.newtonStep(model, at: ref.theta)
        #expect(ours.map(abs).max() ?? 0 <= theirs.map(abs).max() ?? 0)
    }

    @Test("Different starting points reach the same optimum")
    func starts() throws {
        for id in ["sleep_rs_reml", "sales_crossed_reml", "pastes_nested_reml"] {
            let model = try LinearMixedModel(ReferenceProblems.make(id))
            let base = try model.fit(options: MixedModelFitOptions(computeSatterthwaite: false))
            for factor in [0.05, 7.0] {
                let start = model.initialTheta.map { $0 * factor }
                let other = try model.fit(options: MixedModelFitOptions(startingTheta: start, computeSatterthwaite: false))
                // The criterion is flat to round-off within ~1e-8 of θ̂.
                #expect(abs(other.criterion - base.criterion) <= 1e-13 * abs(base.criterion), "\(id) from ×\(factor)")
                for (a, b) in zip(other.theta, base.theta) { #expect(abs(a - b) <= 1e-7, "\(id) from ×\(factor)") }
            }
        }
    }

    @Test("A boundary optimum is reported as an exact zero and flagged singular (lme4's isSingular)")
    func singular() throws {
        let fit = try LinearMixedModel(ReferenceProblems.make("singular_case")).fit()
        #expect(fit.theta == [0])
        #expect(fit.isSingular)
        #expect(fit.varianceComponents[0].variances == [0])
        // With a zero variance the conditional modes are 0 and so are their conditional variances.
        #expect(fit.conditionalModes[0].values.values.allSatisfy { $0 == 0 })
    }

    @Test("The criterion depends on θ only through ΛΛᵀ (column sign flips)")
    func signInvariance() throws {
        let model = try LinearMixedModel(ReferenceProblems.make("sleep_rs_reml"))
        let theta = [0.9, 0.2, 0.3]
        let value = try model.criterion(theta: theta)
        for flipped in [[-0.9, -0.2, 0.3], [0.9, 0.2, -0.3], [-0.9, -0.2, -0.3]] {
            #expect(abs(try model.criterion(theta: flipped) - value) <= 1e-13 * abs(value))
        }
        #expect(model.structure.canonicalized([-0.9, -0.2, -0.3]) == theta)
    }
}
