extension LinearModel {
    /// Predicts the response on the rows of `data` (those marked in `only`, or all), with standard
    /// errors and intervals named as statsmodels' `get_prediction().summary_frame()` names them.
    ///
    /// - Parameters:
    ///   - data: Rows with the columns the formula uses (the response is not needed). With time terms,
    ///     earlier rows of each rep serve as history for `lag` even when not predicted.
    ///   - level: Confidence level of the intervals.
    ///   - only: Rows to predict; `nil` for all.
    ///   - weights: The weight each new observation would have (its noise variance is σ²/w); `nil` for 1.
    /// - Throws: ``RegressionError/unseenCategory(term:level:source:line:known:)``, a missing column, or
    ///   ``RegressionError/columnsDoNotMatch(expected:found:)``.
    public func predict(_ data: Dataset, level: Double = 0.95, only: [Bool]? = nil, weights: [Double]? = nil) throws -> Prediction {
        try predict(data, level: level, only: only, weights: weights, reusing: nil)
    }

    /// The panel a prediction of `data` reads (its periods and reps), or `nil` when it reads none. Data
    /// whose rows, periods and reps are the same (activities changed, say) has the same one, which
    /// ``predict(_:level:only:weights:reusing:)`` and the count predictions take instead of building it again.
    package func predictionPanel(of data: Dataset) throws -> Panel? {
        guard let formula, let layout = panel else { return nil }
        // Count models read periods for time terms only; linear ones also let roll-ups see which rows share a rep.
        let needed = formula.usesTime || (generalized == nil && data.hasColumn(layout.period))
        return needed ? try Panel(data: data, layout: layout) : nil
    }

    /// ``predict(_:level:only:weights:)`` with `prebuilt`, when given, as the panel of `data`: what
    /// ``predictionPanel(of:)`` gave for the same rows, periods and reps.
    package func predict(_ data: Dataset, level: Double = 0.95, only: [Bool]? = nil, weights: [Double]? = nil,
                         reusing prebuilt: Panel?) throws -> Prediction
    {
        guard level > 0, level < 1 else { throw RegressionError.invalidLevel(level) }
        guard let formula else { throw RegressionError.noFormula }
        // Normal intervals around xβ̂ mean nothing for counts: they predict with predictCounts.
        if generalized != nil { throw GeneralizedModelError.countModelNotSupported(use: "predict (count models predict with predictCounts)") }
        let randomColumns = formula.randomTerms.flatMap(\.columns)
        for column in Set(formula.terms.flatMap(\.factors).flatMap(\.expression.columns) + randomColumns) where !data.hasColumn(column) {
            throw RegressionError.missingColumn(column)
        }
        // Periods are needed by time terms; otherwise they only let roll-ups see which rows share a rep.
        let panelValue = try prebuilt ?? predictionPanel(of: data)
        let (design, mixed) = try predictionDesign(data, formula: formula, only: only, panel: panelValue)
        if let mixed {
            return try Prediction(model: self, design: design.matrix, rows: mixed.predicted, mixed: mixed.rows, level: level)
        }
        var prediction = try Prediction(model: self, design: design.matrix, rows: design.rows,
                                        weights: weights.map { w in design.rows.map { w[$0] } }, level: level)
        if let correlation = withinEntityCorrelation, correlation > 0, let panelValue, panelValue.layout.entity != nil {
            prediction.entities = design.rows.map { panelValue.entities[$0] }
            prediction.withinEntityCorrelation = correlation
        }
        return prediction
    }
}

extension LinearModel {
    /// The predicted means alone (xβ̂, plus each row's rep effects for a mixed model), without standard
    /// errors: what nudged projected activities are compared against, many times over the same rows.
    ///
    /// - Parameters:
    ///   - data: The rows, as for ``predict(_:level:only:weights:)``.
    ///   - only: Rows to predict; `nil` for all.
    ///   - panel: `data`'s panel from ``predictionPanel(of:)``: only the values of activity columns may
    ///     differ from the data it was built on, never the periods or reps.
    /// - Returns: The dataset rows predicted and their means.
    package func predictedMeans(_ data: Dataset, only: [Bool]?, panel: Panel?) throws -> (rows: [Int], values: [Double]) {
        guard let formula else { throw RegressionError.noFormula }
        if generalized != nil { throw GeneralizedModelError.countModelNotSupported(use: "predictedMeans (count models use countLinearPredictors)") }
        let (design, mixed) = try predictionDesign(data, formula: formula, only: only, panel: panel)
        if let mixed { return (mixed.predicted, mixed.rows.predictor.means(mixed.rows.rows)) }
        return (design.rows, linearPredictor(design.matrix))
    }

    /// The design rows of `data` to predict, with each row's random-effect part for a mixed model (whose
    /// rows are those every term can evaluate), columns checked against the fit's.
    private func predictionDesign(_ data: Dataset, formula: Formula, only: [Bool]?, panel: Panel?) throws
        -> (design: DesignMatrix, mixed: (rows: MixedRows, predicted: [Int])?)
    {
        var design = try DesignMatrix(formula: formula, data: data, encodings: encodings, requireResponse: false, panel: panel, only: only)
        var mixedRows: (rows: MixedRows, predicted: [Int])? = nil
        if let mixed = mixedEffects {
            let (rows, common) = try MixedPredictor.rows(for: mixed, design: &design, formula: formula, data: data, encodings: encodings,
                                                         panel: panel, only: only)
            mixedRows = (MixedRows(predictor: MixedPredictor(model: self, mixed: mixed), rows: rows), common)
        }
        guard design.columnNames == columnNames else {
            throw RegressionError.columnsDoNotMatch(expected: columnNames, found: design.columnNames)
        }
        return (design, mixedRows)
    }

    /// xβ̂ (+ `offset`) for each row of the design `x`, each a compensated sum.
    package func linearPredictor(_ x: Matrix, offset: [Double]? = nil) -> [Double] {
        (0..<x.rows).map { i in
            var m = CompensatedSum(offset?[i] ?? 0)
            for j in 0..<x.columns { m.addProduct(x[i, j], coefficients[j]) }
            return m.value
        }
    }
}

/// Predictions for a set of rows: the mean, its standard error, and confidence and prediction intervals.
public struct Prediction: Sendable {
    /// The dataset rows predicted, in order.
    public let rows: [Int]
    /// The predicted mean, xβ̂ (statsmodels' `mean`).
    public let mean: [Double]
    /// The standard error of the mean, √(xVxᵀ) (`mean_se`).
    public let meanSE: [Double]
    /// The confidence interval of the mean (`mean_ci_lower`, `mean_ci_upper`).
    public let meanLower: [Double], meanUpper: [Double]
    /// The prediction interval of a new observation (`obs_ci_lower`, `obs_ci_upper`), from
    /// √(mean_se² + σ²/w).
    public let observationLower: [Double], observationUpper: [Double]
    /// The confidence level.
    public let level: Double

    let design: Matrix
    let covariance: Matrix
    let noiseVariance: [Double]
    let dfResidual: Double
    /// The random-effect part of each row, for a mixed model.
    var mixed: MixedRows?
    /// Each row's entity and the within-entity correlation of the noise, when the model has them.
    var entities: [Int32]?
    var withinEntityCorrelation: Double = 0

    init(model: LinearModel, design: Matrix, rows: [Int], weights: [Double]?, level: Double) throws {
        let n = design.rows, p = design.columns
        let beta = model.coefficients
        var mean = [Double](repeating: 0, count: n), se = mean
        for i in 0..<n {
            var m = CompensatedSum()
            for j in 0..<p { m.addProduct(design[i, j], beta[j]) }
            mean[i] = m.value
            var v = 0.0
            for a in 0..<p {
                let xa = design[i, a]
                if xa == 0 { continue }
                var inner = 0.0
                for b in 0..<p { inner += model.covariance[a, b] * design[i, b] }
                v += xa * inner
            }
            se[i] = max(0, v).squareRoot()
        }
        let noise = (0..<n).map { model.scale / (weights?[$0] ?? 1) }
        let q = StudentTDistribution(degreesOfFreedom: model.inferenceDegreesOfFreedom).quantile(0.5 + level / 2)
        self.rows = rows
        self.mean = mean
        self.meanSE = se
        self.meanLower = (0..<n).map { mean[$0] - q * se[$0] }
        self.meanUpper = (0..<n).map { mean[$0] + q * se[$0] }
        let obs = (0..<n).map { (se[$0] * se[$0] + noise[$0]).squareRoot() }
        self.observationLower = (0..<n).map { mean[$0] - q * obs[$0] }
        self.observationUpper = (0..<n).map { mean[$0] + q * obs[$0] }
        self.level = level
        self.design = design
        self.covariance = model.covariance
        self.noiseVariance = noise
        self.dfResidual = model.inferenceDegreesOfFreedom
    }

    /// The sum of the predictions at `positions` (indices into ``rows``) with intervals that account for
    /// the covariance of the estimates across the rows: Var(Σŷ) = cᵀVc with c = Σxᵢ, plus the new
    /// observations' noise: Σσ²/wᵢ, and, for a model fitted on a panel of reps, ρ̂·Σ_{i≠j, same rep}
    /// √(vᵢvⱼ) for the correlation ρ̂ of a rep's errors across periods. Not a sum of per-row intervals.
    public func total(_ positions: [Int], label: String) -> RollUp {
        if let mixed {
            // Rows of one rep share its effect (and new hires their unknown one): the mixed model's joint covariance.
            let rows = positions.map { mixed.rows[$0] }
            let meanPart = mixed.predictor.total(rows, weights: nil, includeResidual: false)
            let observed = mixed.predictor.total(rows, weights: nil, includeResidual: true)
            let df = mixed.predictor.degreesOfFreedom(rows, weights: nil, variance: observed.variance, residualDF: dfResidual)
            return RollUp(label: label, count: positions.count, mean: meanPart.mean, meanSE: max(0, meanPart.variance).squareRoot(),
                          observationSE: max(0, observed.variance).squareRoot(), dfResidual: df, level: level)
        }
        let p = design.columns
        var c = [Double](repeating: 0, count: p)
        var total = CompensatedSum(), noise = 0.0
        for i in positions {
            for j in 0..<p { c[j] += design[i, j] }
            total.add(mean[i])
            noise += noiseVariance[i]
        }
        var v = 0.0
        for a in 0..<p { for b in 0..<p { v += c[a] * covariance[a, b] * c[b] } }
        if let entities, withinEntityCorrelation > 0 {
            // Σ over pairs within an entity of √(vᵢvⱼ) = ((Σ√vᵢ)² − Σvᵢ) per entity.
            var roots: [Int32: (sum: Double, squares: Double)] = [:]
            for i in positions where entities[i] >= 0 {
                let entry = roots[entities[i]] ?? (0, 0)
                roots[entities[i]] = (entry.sum + noiseVariance[i].squareRoot(), entry.squares + noiseVariance[i])
            }
            noise += withinEntityCorrelation * roots.values.reduce(0) { $0 + $1.sum * $1.sum - $1.squares }
        }
        return RollUp(label: label, count: positions.count, mean: total.value, meanSE: max(0, v).squareRoot(),
                      observationSE: (max(0, v) + noise).squareRoot(), dfResidual: dfResidual, level: level)
    }
}

extension Prediction {
    /// The difference of two totals from the same model, Σ_b ŷ − Σ_a ŷ, and its standard error from the
    /// uncertainty of the estimates alone: √(dᵀVd) with d = Σ_b x − Σ_a x. The noise of the observations
    /// is left out: comparing plans for the same reps and periods, it is the same in both and cancels.
    public static func difference(from a: Prediction, _ aPositions: [Int], to b: Prediction, _ bPositions: [Int])
        -> (mean: Double, standardError: Double)
    {
        if let mixedA = a.mixed, let mixedB = b.mixed {
            // Same reps, same effects: the difference's variance from the joint covariance of (β̂, b̂).
            let rows = bPositions.map { mixedB.rows[$0] } + aPositions.map { mixedA.rows[$0] }
            let weights = [Double](repeating: 1, count: bPositions.count) + [Double](repeating: -1, count: aPositions.count)
            let total = mixedA.predictor.total(rows, weights: weights, includeResidual: false)
            return (total.mean, max(0, total.variance).squareRoot())
        }
        let p = a.design.columns
        var d = [Double](repeating: 0, count: p)
        var mean = CompensatedSum()
        for i in bPositions { for j in 0..<p { d[j] += b.design[i, j] }; mean.add(b.mean[i]) }
        for i in aPositions { for j in 0..<p { d[j] -= a.design[i, j] }; mean.add(-a.mean[i]) }
        var v = 0.0
        for i in 0..<p { for j in 0..<p { v += d[i] * a.covariance[i, j] * d[j] } }
        return (mean.value, max(0, v).squareRoot())
    }
}

/// A forecast total over several rows (a rep's quarter, a team, everyone) with its intervals.
public struct RollUp: Sendable {
    /// What was summed, e.g. a rep's name, a team, or `Total`.
    public var label: String
    /// How many rows were summed.
    public var count: Int
    /// The expected total.
    public var mean: Double
    /// Standard error of the expected total (estimation uncertainty only).
    public var meanSE: Double
    /// Standard error of the realized total (estimation uncertainty plus noise).
    public var observationSE: Double
    /// Degrees of freedom of Student's t for the intervals.
    public var dfResidual: Double
    /// The confidence level of ``interval`` and ``meanInterval``.
    public var level: Double

    /// The prediction interval of the realized total.
    public var interval: Interval { interval(level: level) }
    /// The confidence interval of the expected total.
    public var meanInterval: Interval {
        let q = StudentTDistribution(degreesOfFreedom: dfResidual).quantile(0.5 + level / 2)
        return Interval(center: mean, halfWidth: q * meanSE)
    }

    /// The prediction interval of the realized total at another level.
    public func interval(level: Double) -> Interval {
        let q = StudentTDistribution(degreesOfFreedom: dfResidual).quantile(0.5 + level / 2)
        return Interval(center: mean, halfWidth: q * observationSE)
    }

    /// The probability that the realized total reaches `target` under the predictive distribution
    /// (Student's t around the mean with the observation standard error).
    public func probability(ofReaching target: Double) -> Double {
        guard observationSE > 0 else { return mean >= target ? 1 : 0 }
        return StudentTDistribution(degreesOfFreedom: dfResidual).survival((target - mean) / observationSE)
    }
}
