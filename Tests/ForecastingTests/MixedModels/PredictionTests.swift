import Testing
@testable import ForecastingCore

/// Predictions and their covariance against the dense mixed-model equations.
@Suite("Mixed-model prediction")
struct PredictionTests {
    /// Row i of the data as a prediction row (every level observed).
    static func row(_ problem: MixedModelProblem, _ i: Int) -> MixedModelPredictionRow {
        let n = problem.observationCount
        return MixedModelPredictionRow(
            fixed: (0..<problem.fixedEffectCount).map { problem.fixedDesign[i + $0 * n] },
            effects: problem.randomEffects.map { term in
                RandomEffectValues(level: Int(term.levels[i]), values: (0..<term.columnCount).map { term.modelMatrix[i + $0 * n] })
            })
    }

    /// a = (Λᵀz, x) for a data row in the dense layout.
    static func denseVector(_ problem: MixedModelProblem, _ dense: DenseReference, _ i: Int) -> [Double] {
        let n = problem.observationCount
        var z = [Double](repeating: 0, count: dense.q)
        for (t, term) in problem.randomEffects.enumerated() {
            for c in 0..<term.columnCount { z[dense.termOffsets[t] + Int(term.levels[i]) * term.columnCount + c] = term.modelMatrix[i + c * n] }
        }
        var a = [Double](repeating: 0, count: dense.q + dense.p)
        for d in 0..<dense.q { for c in 0..<dense.q where z[c] != 0 { a[d] += dense.lambda[c][d] * z[c] } }
        for j in 0..<dense.p { a[dense.q + j] = problem.fixedDesign[i + j * n] }
        return a
    }

    @Test("Means and variances match the dense mixed-model equations", arguments: [
        "sleep_rs_reml", "penicillin_crossed_reml", "pastes_nested_reml", "sales_crossed_reml", "sales_nested_reml",
    ])
    func dense(id: String) throws {
        let problem = try ReferenceProblems.make(id)
        let fit = try LinearMixedModel(problem).fit(options: MixedModelFitOptions(computeSatterthwaite: false))
        let dense = DenseReference(problem: problem, model: fit.model, theta: fit.theta)
        let rows = [0, 7, 23, problem.observationCount - 1]
        let predictions = try fit.predict(rows.map { Self.row(problem, $0) })
        let covariance = try fit.predictionCovariance(rows.map { Self.row(problem, $0) }, includeResidual: false)
        let s2 = fit.residualVariance
        let vectors = rows.map { Self.denseVector(problem, dense, $0) }
        let q = dense.q
        let mChol = DenseReference.cholesky((0..<q).map { Array(dense.omega[$0][0..<q]) })
        for (r, i) in rows.enumerated() {
            let a = vectors[r]
            // Mean: xβ̂ + zΛû from the dense solution.
            let mean = (0..<(dense.q + dense.p)).reduce(0.0) { $0 + a[$1] * ($1 < q ? dense.u[$1] : dense.beta[$1 - q]) }
            #expect(abs(predictions[r].mean - mean) <= 1e-9 * abs(mean), "\(id) row \(i)")
            // Joint: σ² aᵀΩ⁻¹a. Conditional random part: σ² (Λᵀz)ᵀM⁻¹(Λᵀz). Fixed part: x cov(β̂) xᵀ.
            var joint = 0.0
            for c in a.indices { for d in a.indices { joint += a[c] * dense.omegaInverse[c][d] * a[d] } }
            #expect(abs(predictions[r].meanVariance - s2 * joint) <= 1e-9 * s2 * joint, "\(id) row \(i)")
            let w = DenseReference.solve(mChol, Array(a[0..<q]))
            let conditional = zip(w, a[0..<q]).reduce(0.0) { $0 + $1.0 * $1.1 }
            #expect(abs(predictions[r].conditionalRandomVariance - s2 * conditional) <= 1e-9 * s2 * max(conditional, 1e-12), "\(id) row \(i)")
            var fixed = 0.0
            for c in 0..<dense.p { for d in 0..<dense.p { fixed += a[q + c] * fit.coefficientCovariance[c, d] * a[q + d] } }
            #expect(abs(predictions[r].fixedVariance - fixed) <= 1e-9 * fixed, "\(id) row \(i)")
            #expect(predictions[r].residualVariance == s2)
            for (t, j) in rows.enumerated() {
                var value = 0.0
                let b = vectors[t]
                for c in a.indices { for d in b.indices { value += a[c] * dense.omegaInverse[c][d] * b[d] } }
                #expect(abs(covariance[r, t] - s2 * value) <= 1e-9 * s2 * max(abs(value), joint), "\(id) rows \(i), \(j)")
            }
        }
    }

    @Test("Unseen levels: variance σ²zᵀΛΛᵀz, shared by rows with the same key")
    func newLevels() throws {
        let problem = try ReferenceProblems.make("sleep_rs_reml")
        let fit = try LinearMixedModel(problem).fit(options: MixedModelFitOptions(computeSatterthwaite: false))
        let covariance = fit.varianceComponents[0].covariance
        func row(_ days: Double, _ key: String?) -> MixedModelPredictionRow {
            MixedModelPredictionRow(fixed: [1, days], effects: [RandomEffectValues(level: .unobserved(key: key), values: [1, days])])
        }
        func g(_ a: Double, _ b: Double) -> Double {
            covariance[0, 0] + (a + b) * covariance[0, 1] + a * b * covariance[1, 1]
        }
        let rows = [row(2, "new"), row(8, "new"), row(8, nil)]
        let predictions = try fit.predict(rows)
        let m = try fit.predictionCovariance(rows, includeResidual: false)
        for (r, days) in [2.0, 8, 8].enumerated() {
            #expect(abs(predictions[r].mean - (fit.coefficients[0] + days * fit.coefficients[1])) <= 1e-12 * 300)
            #expect(abs(predictions[r].newLevelVariance - g(days, days)) <= 1e-10 * g(days, days))
            #expect(predictions[r].conditionalRandomVariance == 0)
        }
        let fixed = { (a: Double, b: Double) -> Double in
            let x = [1, a], y = [1, b]
            var v = 0.0
            for c in 0..<2 { for d in 0..<2 { v += x[c] * fit.coefficientCovariance[c, d] * y[d] } }
            return v
        }
        #expect(abs(m[0, 1] - (fixed(2, 8) + g(2, 8))) <= 1e-10 * m[0, 1])
        #expect(abs(m[0, 2] - fixed(2, 8)) <= 1e-10 * fixed(2, 8))
        #expect(abs(m[1, 2] - fixed(8, 8)) <= 1e-10 * fixed(8, 8))
    }

    @Test("A predicted total's variance is the sum of the prediction covariance matrix", arguments: [
        PredictionCovarianceMethod.joint, .independentParts,
    ])
    func totals(method: PredictionCovarianceMethod) throws {
        let problem = try ReferenceProblems.make("sales_crossed_reml")
        let fit = try LinearMixedModel(problem).fit(options: MixedModelFitOptions(computeSatterthwaite: false))
        var rows = (0..<40).map { Self.row(problem, $0 * 29) }
        rows.append(MixedModelPredictionRow(fixed: [1, 3, 2], effects: [
            RandomEffectValues(level: .unobserved(key: "hire"), values: [1]), RandomEffectValues(level: 3, values: [1]),
        ]))
        rows.append(MixedModelPredictionRow(fixed: [1, 5, 1], effects: [
            RandomEffectValues(level: .unobserved(key: "hire"), values: [1]), RandomEffectValues(level: .unobserved(key: "2027-01"), values: [1]),
        ]))
        let weights = rows.indices.map { 1 + Double($0 % 3) }
        let total = try fit.predictTotal(rows, weights: weights, method: method)
        let matrix = try fit.predictionCovariance(rows, method: method)
        let predictions = try fit.predict(rows)
        var variance = 0.0
        for a in rows.indices { for b in rows.indices { variance += weights[a] * matrix[a, b] * weights[b] } }
        #expect(abs(total.variance - variance) <= 1e-10 * variance)
        let mean = zip(weights, predictions).reduce(0.0) { $0 + $1.0 * $1.1.mean }
        #expect(abs(total.mean - mean) <= 1e-12 * abs(mean))
        if method == .independentParts {
            for (r, prediction) in predictions.enumerated() {
                #expect(abs(matrix[r, r] - (prediction.independentMeanVariance + prediction.residualVariance)) <= 1e-10 * matrix[r, r])
            }
        }
    }

    @Test("Malformed rows throw")
    func malformed() throws {
        let fit = try LinearMixedModel(ReferenceProblems.make("sleep_ri_reml")).fit(options: MixedModelFitOptions(computeSatterthwaite: false))
        #expect(throws: MixedModelError.self) { try fit.predict([MixedModelPredictionRow(fixed: [1], effects: [RandomEffectValues(level: 0, values: [1])])]) }
        #expect(throws: MixedModelError.self) { try fit.predict([MixedModelPredictionRow(fixed: [1, 0], effects: [RandomEffectValues(level: 18, values: [1])])]) }
    }
}
