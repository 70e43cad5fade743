import Testing
@testable import ForecastingCore

/// The block/Schur layout against a dense brute-force evaluation, and lme4's conventions.
@Suite("Model structure")
struct StructureTests {
    /// A synthetic crossed design with a two-column *dense* term (the block/Schur path with
    /// multi-column groups and touched-column coupling): (1 + Days | Subject) + (1 + x | site),
    /// sites crossing subjects, plus (1 | Subject) nested into it through `||`-style extra term.
    static func synthetic(method: MixedModelMethod) throws -> MixedModelProblem {
        var problem = try ReferenceProblems.make("sleep_rs_reml")
        let n = problem.observationCount
        let site: [Int32] = (0..<n).map { (i: Int) -> Int32 in Int32((i * 7 + i / 10) % 5) }
        let x: [Double] = (0..<n).map { (i: Int) -> Double in Double((i * 13) % 11) / 3 - 1 }
        problem.randomEffects.append(RandomEffectTerm(
            groupName: "site", levels: site, levelNames: (0..<5).map { "s\($0)" },
            modelMatrix: [Double](repeating: 1, count: n) + x, columnNames: ["Intercept", "x"]))
        problem.randomEffects.append(RandomEffectTerm(
            groupName: "site", levels: site, levelNames: (0..<5).map { "s\($0)" },
            modelMatrix: x.map { (v: Double) -> Double in v * v }, columnNames: ["x2"]))
        problem.method = method
        return problem
    }

    static let cases: [(String, [Double])] = [
        ("sleep_rs_reml", [0.8, -0.3, 0.25]),
        ("sleep_uncorr_reml", [1.3, 0.1]),
        ("penicillin_crossed_reml", [0.7, 2.5]),
        ("pastes_nested_reml", [2.0, 0.9]),
        ("sales_nested_reml", [0.3, 0.6]),
        ("sales_crossed_reml", [0.45, 0.35]),
        ("sales_rs_reml", [0.5, -0.03, 0.02]),
        ("singular_case", [0.4]),
    ]

    @Test("The block/Schur criterion equals the dense formula (nested, crossed, slopes)", arguments: 0..<cases.count)
    func denseAgreement(index: Int) throws {
        let (id, theta) = Self.cases[index]
        let problem = try ReferenceProblems.make(id)
        let model = try LinearMixedModel(problem)
        let dense = DenseReference(problem: problem, model: model, theta: theta)
        let f = try model.factor(theta: theta)
        // Both exact in exact arithmetic; the dense path has no compensated sums or QR-based
        // conditioning, so agreement is to ~1e-12 relative.
        #expect(abs(f.logDetL2 - dense.logDetL2) <= 1e-11 * max(1, abs(dense.logDetL2)), "\(id)")
        #expect(abs(f.logDetRX2 - dense.logDetRX2) <= 1e-10 * max(1, abs(dense.logDetRX2)), "\(id)")
        #expect(abs(f.pwrss - dense.pwrss) <= 1e-10 * dense.pwrss, "\(id)")
        #expect(abs(f.criterion(method: problem.method, n: dense.n, p: dense.p) - dense.criterion) <= 1e-12 * abs(dense.criterion), "\(id)")
    }

    @Test("Multi-column dense terms and several terms per factor match the dense formula", arguments: [MixedModelMethod.reml, .ml])
    func syntheticDense(method: MixedModelMethod) throws {
        let problem = try Self.synthetic(method: method)
        let model = try LinearMixedModel(problem)
        #expect(model.thetaCount == 3 + 3 + 1)
        #expect(model.structure.denseSize == 15)
        for theta in [[0.9, 0.1, 0.2, 0.5, -0.4, 0.3, 0.2], [0.3, -0.2, 0.1, 1.5, 0.8, 0.0, 0.7]] {
            let dense = DenseReference(problem: problem, model: model, theta: theta)
            let value = try model.criterion(theta: theta)
            #expect(abs(value - dense.criterion) <= 1e-12 * abs(dense.criterion))
        }
        let fit = try model.fit()
        let dense = DenseReference(problem: problem, model: model, theta: fit.theta)
        #expect(abs(fit.criterion - dense.criterion) <= 1e-12 * abs(dense.criterion))
        try Self.checkConditionalCovariances(fit, problem: problem, dense: dense)
    }

    @Test("Conditional covariances are the blocks of σ²Λ(ΛᵀZᵀZΛ + I)⁻¹Λᵀ", arguments: [
        "sleep_rs_reml", "penicillin_crossed_reml", "pastes_nested_reml", "sales_crossed_reml", "sales_nested_reml",
    ])
    func conditionalCovariances(id: String) throws {
        let problem = try ReferenceProblems.make(id)
        let fit = try LinearMixedModel(problem).fit(options: MixedModelFitOptions(computeSatterthwaite: false))
        try Self.checkConditionalCovariances(fit, problem: problem, dense: DenseReference(problem: problem, model: fit.model, theta: fit.theta))
    }

    static func checkConditionalCovariances(_ fit: LinearMixedModelFit, problem: MixedModelProblem, dense: DenseReference) throws {
        let q = dense.q
        let m = (0..<q).map { r in Array(dense.omega[r][0..<q]) }
        let chol = DenseReference.cholesky(m)
        var inverse = [[Double]](repeating: [Double](repeating: 0, count: q), count: q)
        for c in 0..<q {
            var e = [Double](repeating: 0, count: q); e[c] = 1
            let column = DenseReference.solve(chol, e)
            for r in 0..<q { inverse[r][c] = column[r] }
        }
        let s2 = fit.sigma * fit.sigma
        for (t, term) in problem.randomEffects.enumerated() {
            let k = term.columnCount
            for level in 0..<term.levelCount {
                let base = dense.termOffsets[t] + level * k
                for a in 0..<k {
                    for b in 0..<k {
                        var value = 0.0
                        for r in 0..<q where dense.lambda[base + a][r] != 0 {
                            for c in 0..<q where dense.lambda[base + b][c] != 0 {
                                value += dense.lambda[base + a][r] * inverse[r][c] * dense.lambda[base + b][c]
                            }
                        }
                        let got = fit.conditionalModes[t].conditionalCovariances[level][a, b]
                        #expect(abs(got - s2 * value) <= 1e-10 * s2 * max(1e-3, abs(value)), "\(term.groupName) level \(level)")
                    }
                }
            }
        }
    }

    @Test("Terms are ordered as lme4 does: by decreasing levels, ties reversed when reordering")
    func termOrder() {
        func term(_ name: String, _ levels: Int) -> RandomEffectTerm {
            .intercept(groupName: name, levels: (0..<20).map { Int32($0 % levels) }, levelNames: (0..<levels).map { "\($0)" })
        }
        #expect(ModelStructure(terms: [term("a", 5), term("b", 10), term("c", 10)]).order == [2, 1, 0])
        #expect(ModelStructure(terms: [term("a", 10), term("b", 10), term("c", 5)]).order == [0, 1, 2])
        #expect(ModelStructure(terms: [term("a", 10), term("b", 5)]).order == [0, 1])
        #expect(ModelStructure(terms: [term("a", 4), term("b", 10)]).order == [1, 0])
    }

    @Test("(Days || Subject) as two terms equals one term with a diagonal covariance")
    func uncorrelated() throws {
        let two = try LinearMixedModel(ReferenceProblems.make("sleep_uncorr_reml")).fit()
        let one = try LinearMixedModel(ReferenceProblems.make("sleep_uncorr_reml", uncorrelatedAsOneTerm: true)).fit()
        #expect(abs(two.criterion - one.criterion) <= 1e-13 * abs(one.criterion))
        for (a, b) in zip(two.theta, one.theta) { #expect(abs(a - b) <= 1e-8) }
        #expect(one.varianceComponents[0].covariance[0, 1] == 0)
        let df1 = try one.satterthwaiteDegreesOfFreedom(contrast: [0, 1])
        let df2 = try two.satterthwaiteDegreesOfFreedom(contrast: [0, 1])
        #expect(abs(df1 - df2) <= 1e-6 * df1)
    }

    @Test("Without random effects the fit is ordinary least squares")
    func noRandomEffects() throws {
        var problem = try ReferenceProblems.make("sleep_ri_ml")
        problem.randomEffects = []
        let fit = try LinearMixedModel(problem).fit()
        // OLS of Reaction on Days (lm(Reaction ~ Days, sleepstudy)): 251.405104848485, 10.467285959596.
        #expect(abs(fit.coefficients[0] - 251.405104848485) <= 1e-9 * 251.4)
        #expect(abs(fit.coefficients[1] - 10.467285959596) <= 1e-9 * 10.5)
        #expect(fit.theta.isEmpty && !fit.isSingular)
    }

    @Test("No fixed effects (y ~ 0 + (1 | plate) + (1 | sample)) by REML and ML", arguments: [MixedModelMethod.reml, .ml])
    func noFixedEffects(method: MixedModelMethod) throws {
        var problem = try ReferenceProblems.make("penicillin_crossed_reml")
        problem.fixedDesign = []
        problem.fixedEffectNames = []
        problem.method = method
        let model = try LinearMixedModel(problem)
        for theta in [[0.7, 2.5], [5.0, 10.0]] {
            let dense = DenseReference(problem: problem, model: model, theta: theta)
            #expect(abs(try model.criterion(theta: theta) - dense.criterion) <= 1e-12 * abs(dense.criterion))
        }
        let fit = try model.fit()
        #expect(fit.converged && fit.coefficients.isEmpty)
        let prediction = try fit.predict([MixedModelPredictionRow(fixed: [], effects: [
            RandomEffectValues(level: 0, values: [1]), RandomEffectValues(level: 2, values: [1]),
        ])])
        #expect(prediction[0].fixedVariance == 0)
    }

    @Test("An unused level changes nothing; its mode is 0 with the full term variance")
    func unusedLevel() throws {
        let base = try ReferenceProblems.make("sleep_rs_reml")
        var problem = base
        problem.randomEffects[0].levelNames.append("unused")
        let a = try LinearMixedModel(base), b = try LinearMixedModel(problem)
        #expect(try a.criterion(theta: [0.9, 0.1, 0.3]) == b.criterion(theta: [0.9, 0.1, 0.3]))
        let fit = try b.fit(options: MixedModelFitOptions(computeSatterthwaite: false))
        let modes = fit.conditionalModes[0]
        #expect(modes.values[18, 0] == 0 && modes.values[18, 1] == 0)
        let covariance = fit.varianceComponents[0].covariance
        for i in 0..<2 { for j in 0..<2 {
            #expect(abs(modes.conditionalCovariances[18][i, j] - covariance[i, j]) <= 1e-12 * covariance[0, 0])
        } }
    }

    @Test("Malformed input throws a typed error")
    func errors() throws {
        var problem = try ReferenceProblems.make("sleep_ri_reml")
        problem.randomEffects[0].levels[3] = 99
        #expect(throws: MixedModelError.self) { try LinearMixedModel(problem) }
        problem = try ReferenceProblems.make("sleep_ri_reml")
        problem.fixedDesign += problem.fixedDesign[180..<360]
        problem.fixedEffectNames.append("Days again")
        #expect(throws: MixedModelError.rankDeficientFixedEffects(column: "Days again")) { try LinearMixedModel(problem) }
        problem = try ReferenceProblems.make("sleep_ri_reml")
        problem.response[5] = .nan
        #expect(throws: MixedModelError.nonFiniteValue(what: "response", row: 5)) { try LinearMixedModel(problem) }
        let model = try LinearMixedModel(ReferenceProblems.make("sleep_ri_reml"))
        #expect(throws: MixedModelError.invalidTheta(expected: 1, actual: 2)) { try model.criterion(theta: [1, 2]) }
    }
}
