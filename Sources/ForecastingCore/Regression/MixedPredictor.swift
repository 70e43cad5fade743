import Foundation

/// The random-effect parts of predicted rows and the predictor that combines them.
struct MixedRows: Sendable {
    let predictor: MixedPredictor
    /// One row per prediction: its fixed design row and, per term, its level (seen or new) and effect values.
    let rows: [MixedModelPredictionRow]
}

/// Predicts rows of a mixed model: xβ̂ + zb̂ for reps the model has seen, xβ̂ for a new rep (with the
/// rep-effect variance σ²ΛΛᵀ in its interval), and totals whose variance counts each rep's shared effect.
///
/// A model fitted in this process predicts from its penalized least-squares factor, with the exact
/// joint covariance of β̂ and b̂ − b. A model read from a file predicts from its stored pieces
/// (cov(β̂), each level's conditional covariance, the term covariances), treating the estimation
/// error of β̂ and of b̂ as independent (as lme4's and merTools' prediction intervals do).
struct MixedPredictor: Sendable {
    let coefficients: [Double]
    let covariance: Matrix
    let mixed: MixedEffects

    init(model: LinearModel, mixed: MixedEffects) {
        coefficients = model.coefficients
        covariance = model.covariance
        self.mixed = mixed
    }

    /// Each row's mean and the variances of its mean and of a new observation.
    func predict(_ rows: [MixedModelPredictionRow]) -> [(mean: Double, meanVariance: Double, observationVariance: Double)] {
        if let fit = mixed.engineFit, let predictions = try? fit.predict(rows) {
            return predictions.map { ($0.mean, $0.meanVariance, $0.predictionVariance) }
        }
        return rows.map { row in
            let total = piecewiseTotal([row], weights: nil, includeResidual: false)
            return (total.mean, total.variance, total.variance + mixed.sigma * mixed.sigma)
        }
    }

    /// Each row's mean alone: xβ̂ plus zb̂ for the levels the model has seen (a new level's effect is 0).
    func means(_ rows: [MixedModelPredictionRow]) -> [Double] {
        rows.map { row in
            var mean = CompensatedSum()
            for j in row.fixed.indices { mean.addProduct(row.fixed[j], coefficients[j]) }
            for (k, effect) in row.effects.enumerated() {
                guard case .observed(let level) = effect.level else { continue }
                for a in effect.values.indices { mean.addProduct(effect.values[a], mixed.conditionalModes[k].values[level, a]) }
            }
            return mean.value
        }
    }

    /// The prediction of Σ wᵢ·yᵢ over `rows` and its variance.
    func total(_ rows: [MixedModelPredictionRow], weights: [Double]?, includeResidual: Bool) -> (mean: Double, variance: Double) {
        if let fit = mixed.engineFit, let total = try? fit.predictTotal(rows, weights: weights, method: .joint, includeResidual: includeResidual) {
            return (total.mean, total.variance)
        }
        return piecewiseTotal(rows, weights: weights, includeResidual: includeResidual)
    }

    /// Degrees of freedom for the t quantile of a total's interval, by Welch–Satterthwaite: the
    /// variance of reps the model has not seen, Σ sᵀΣ_k s, is known only as well as the rep-effect
    /// variance, estimated from G levels (G − 1 df); the noise and the estimates' parts have
    /// n − p. df = V² / Σ vⱼ²/dfⱼ. Without new reps this is n − p.
    func degreesOfFreedom(_ rows: [MixedModelPredictionRow], weights: [Double]?, variance: Double, residualDF: Double) -> Double {
        var unseen: [Int: [String: [Double]]] = [:]
        for (i, row) in rows.enumerated() {
            let w = weights?[i] ?? 1
            for (k, effect) in row.effects.enumerated() {
                guard case .unobserved(let key) = effect.level else { continue }
                let name = key ?? "row \(i)"
                var s = unseen[k]?[name] ?? [Double](repeating: 0, count: effect.values.count)
                for a in s.indices { s[a] += w * effect.values[a] }
                unseen[k, default: [:]][name] = s
            }
        }
        guard !unseen.isEmpty, variance > 0 else { return residualDF }
        var denominator = 0.0, newPart = 0.0
        for (k, keys) in unseen {
            let covariance = mixed.varianceComponents[k].covariance
            var v = 0.0
            for s in keys.values { for a in s.indices { for b in s.indices { v += s[a] * covariance[a, b] * s[b] } } }
            let groups = Double(max(2, mixed.conditionalModes[k].levelNames.count))
            denominator += v * v / (groups - 1)
            newPart += v
        }
        let rest = max(0, variance - newPart)
        denominator += rest * rest / residualDF
        return denominator > 0 ? variance * variance / denominator : residualDF
    }

    /// The independent-parts total: Var = cᵀVc + Σ_levels sᵀC_ls + Σ_new sᵀΣ_k s (+ σ²Σw²), with
    /// c = Σwx, s = Σwz over the rows of a level, C_l its conditional covariance and Σ_k = σ²ΛΛᵀ.
    func piecewiseTotal(_ rows: [MixedModelPredictionRow], weights: [Double]?, includeResidual: Bool) -> (mean: Double, variance: Double) {
        let p = coefficients.count
        var c = [Double](repeating: 0, count: p)
        var mean = CompensatedSum()
        var seen: [Int: [Int: [Double]]] = [:], unseen: [Int: [String: [Double]]] = [:]
        var weightSquares = 0.0
        for (i, row) in rows.enumerated() {
            let w = weights?[i] ?? 1
            weightSquares += w * w
            for j in 0..<p { c[j] += w * row.fixed[j]; mean.addProduct(w * row.fixed[j], coefficients[j]) }
            for (k, effect) in row.effects.enumerated() {
                let q = effect.values.count
                switch effect.level {
                case .observed(let level):
                    var s = seen[k]?[level] ?? [Double](repeating: 0, count: q)
                    for a in 0..<q {
                        s[a] += w * effect.values[a]
                        mean.addProduct(w * effect.values[a], mixed.conditionalModes[k].values[level, a])
                    }
                    seen[k, default: [:]][level] = s
                case .unobserved(let key):
                    let name = key ?? "row \(i)"
                    var s = unseen[k]?[name] ?? [Double](repeating: 0, count: q)
                    for a in 0..<q { s[a] += w * effect.values[a] }
                    unseen[k, default: [:]][name] = s
                }
            }
        }
        func quadratic(_ m: Matrix, _ v: [Double]) -> Double {
            var total = 0.0
            for a in v.indices { for b in v.indices { total += v[a] * m[a, b] * v[b] } }
            return total
        }
        var variance = quadratic(covariance, c)
        for (k, levels) in seen { for (level, s) in levels { variance += quadratic(mixed.conditionalModes[k].conditionalCovariances[level], s) } }
        for (k, keys) in unseen { for s in keys.values { variance += quadratic(mixed.varianceComponents[k].covariance, s) } }
        if includeResidual { variance += mixed.sigma * mixed.sigma * weightSquares }
        return (mean.value, variance)
    }

    /// Builds the random-effect part of each row of `design` (rows every term can evaluate; `design`
    /// is rebuilt on those rows when a term drops some), and returns them with the rows kept.
    static func rows(for mixed: MixedEffects, design: inout DesignMatrix, formula: Formula, data: Dataset,
                     encodings: [String: FactorEncoding], panel: Panel?, only: [Bool]?) throws -> ([MixedModelPredictionRow], [Int]) {
        let effects = try randomTermDesigns(mixed.terms, encodings: mixed.encodings, data: data, panel: panel, missing: .drop,
                                            fixed: &design) { mask in
            try DesignMatrix(formula: formula, data: data, encodings: encodings, requireResponse: false, panel: panel, only: mask)
        }
        let index = mixed.conditionalModes.map { modes in Dictionary(uniqueKeysWithValues: modes.levelNames.enumerated().map { ($1, $0) }) }
        let keys = try mixed.terms.map { try $0.groupKeys(in: data, rows: design.rows) }
        let n = design.rows.count, p = design.matrix.columns
        let rows = (0..<n).map { i in
            MixedModelPredictionRow(fixed: (0..<p).map { design.matrix[i, $0] }, effects: mixed.terms.indices.map { k in
                let values = (0..<effects[k].matrix.columns).map { effects[k].matrix[i, $0] }
                return RandomEffectValues(level: index[k][keys[k][i]].map { .observed($0) } ?? .unobserved(key: keys[k][i]), values: values)
            })
        }
        return (rows, design.rows)
    }
}

extension Prediction {
    /// Predictions of a mixed model: each row's mean with its rep's effect, intervals with the
    /// uncertainty of β̂ and of the rep's effect (the full rep-effect variance for a new rep).
    init(model: LinearModel, design: Matrix, rows: [Int], mixed: MixedRows, level: Double) throws {
        let predictions = mixed.predictor.predict(mixed.rows)
        let mean = predictions.map(\.mean)
        let meanSE = predictions.map { max(0, $0.meanVariance).squareRoot() }
        let observationSE = predictions.map { max(0, $0.observationVariance).squareRoot() }
        // A t quantile per row: fewer degrees of freedom where a new rep's unknown effect dominates.
        let residualDF = model.inferenceDegreesOfFreedom
        let quantiles = mixed.rows.indices.map { i in
            let df = mixed.predictor.degreesOfFreedom([mixed.rows[i]], weights: nil, variance: predictions[i].observationVariance, residualDF: residualDF)
            return StudentTDistribution(degreesOfFreedom: df).quantile(0.5 + level / 2)
        }
        self.rows = rows
        self.mean = mean
        self.meanSE = meanSE
        self.meanLower = mean.indices.map { mean[$0] - quantiles[$0] * meanSE[$0] }
        self.meanUpper = mean.indices.map { mean[$0] + quantiles[$0] * meanSE[$0] }
        self.observationLower = mean.indices.map { mean[$0] - quantiles[$0] * observationSE[$0] }
        self.observationUpper = mean.indices.map { mean[$0] + quantiles[$0] * observationSE[$0] }
        self.level = level
        self.design = design
        self.covariance = model.covariance
        self.noiseVariance = [Double](repeating: model.mixedEffects.map { $0.sigma * $0.sigma } ?? model.scale, count: rows.count)
        self.dfResidual = model.inferenceDegreesOfFreedom
        self.mixed = mixed
    }

    /// The levels (reps) the model has not seen among the predicted rows, per grouping: forecast from
    /// the population with the rep-effect variance in their intervals.
    public var newLevels: [String] {
        guard let mixed else { return [] }
        var names = Set<String>()
        for row in mixed.rows { for effect in row.effects { if case .unobserved(let key?) = effect.level { names.insert(key) } } }
        return names.sorted()
    }
}
