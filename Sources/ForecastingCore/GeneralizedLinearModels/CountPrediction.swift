import Foundation

extension LinearModel {
    /// Predicts counts on the rows of `data` with a count model: the expected count with its
    /// confidence interval, and a prediction interval of whole counts from the predictive distribution
    /// (the Poisson or negative binomial integrated over the estimates' uncertainty).
    ///
    /// ```swift
    /// let model = try history.fit("deals_won ~ demos + offset(log(days_worked))", options: options)  // options.family = .negativeBinomial
    /// let prediction = try model.predictCounts(plan, level: 0.8)
    /// prediction.observationUpper[0]                       // a whole number of deals
    /// prediction.distribution(at: 0).probability(atLeast: 5)
    /// prediction.total(Array(prediction.rows.indices), label: "Team").probability(atLeast: 40)
    /// ```
    ///
    /// - Parameters:
    ///   - data: Rows with the columns the formula uses, offsets included (the response is not needed).
    ///   - level: Confidence level of the intervals.
    ///   - only: Rows to predict; `nil` for all.
    /// - Throws: ``GeneralizedModelError/notACountModel(use:)`` for a linear model, and the errors
    ///   of building rows (a missing column, an unseen category).
    public func predictCounts(_ data: Dataset, level: Double = 0.95, only: [Bool]? = nil) throws -> CountPrediction {
        try predictCounts(data, level: level, only: only, rowIntervals: true)
    }

    /// ``predictCounts(_:level:only:)``; without `rowIntervals` the per-row whole-number intervals (a quadrature and a
    /// quantile search per row) are left empty, for callers that only sum rows (scenarios, goal seeking).
    /// `prebuilt`, when given, is the panel of `data` (see ``predictionPanel(of:)``).
    package func predictCounts(_ data: Dataset, level: Double, only: [Bool]?, rowIntervals: Bool, reusing prebuilt: Panel? = nil)
        throws -> CountPrediction
    {
        guard let generalized else { throw GeneralizedModelError.notACountModel(use: "predictCounts") }
        guard level > 0, level < 1 else { throw RegressionError.invalidLevel(level) }
        let design = try countDesign(data, only: only, reusing: prebuilt)
        return CountPrediction(model: self, fit: generalized, design: design.matrix, offset: design.offset, rows: design.rows, level: level,
                               rowIntervals: rowIntervals)
    }
}

extension LinearModel {
    /// The design rows (with offsets) of `data` for predicting with this model: columns checked against the fit's.
    /// `prebuilt`, when given, is the panel of `data` (see ``predictionPanel(of:)``).
    package func countDesign(_ data: Dataset, only: [Bool]?, reusing prebuilt: Panel? = nil) throws -> DesignMatrix {
        guard let formula else { throw RegressionError.noFormula }
        for column in Set((formula.terms.flatMap(\.factors) + formula.offsets).flatMap(\.expression.columns)) where !data.hasColumn(column) {
            throw RegressionError.missingColumn(column)
        }
        let panelValue = try prebuilt ?? predictionPanel(of: data)
        let design = try DesignMatrix(formula: formula, data: data, encodings: encodings, requireResponse: false, panel: panelValue, only: only)
        guard design.columnNames == columnNames else {
            throw RegressionError.columnsDoNotMatch(expected: columnNames, found: design.columnNames)
        }
        return design
    }

    /// The linear predictors η̂ = xβ̂ + offset of the rows of `data` (no intervals): what projected activities
    /// are nudged against. Returns the dataset rows and their η̂.
    package func countLinearPredictors(_ data: Dataset, only: [Bool]?, reusing prebuilt: Panel? = nil) throws -> (rows: [Int], values: [Double]) {
        let design = try countDesign(data, only: only, reusing: prebuilt)
        return (design.rows, linearPredictor(design.matrix, offset: design.offset))
    }
}

/// Count predictions for a set of rows: the expected count, its confidence interval, and a prediction
/// interval of whole counts from the predictive distribution; per row and for sums of rows.
public struct CountPrediction: Sendable {
    /// The dataset rows predicted, in order.
    public let rows: [Int]
    /// η̂ = xβ̂ + offset.
    public let linearPredictor: [Double]
    /// se(η̂) = √(xVxᵀ) with the model's covariance.
    public let linearPredictorSE: [Double]
    /// The expected count at the estimates, e^η̂ (R's `predict(type = "response")`, statsmodels' `mean`).
    public let mean: [Double]
    /// Its standard error by the delta method, e^η̂·se(η̂) (`mean_se`).
    public let meanSE: [Double]
    /// The confidence interval of the expected count, exp(η̂ ± z·se) (`mean_ci_lower`, `mean_ci_upper`).
    public let meanLower: [Double], meanUpper: [Double]
    /// The prediction interval of the count itself: equal-tailed quantiles of the predictive
    /// distribution, whole numbers (`obs_ci_lower`, `obs_ci_upper`).
    public let observationLower: [Int], observationUpper: [Int]
    /// The confidence level.
    public let level: Double
    /// The family and θ.
    public let fit: GeneralizedLinearFit

    let design: Matrix
    let covariance: Matrix

    init(model: LinearModel, fit: GeneralizedLinearFit, design: Matrix, offset: [Double]?, rows: [Int], level: Double, rowIntervals: Bool = true) {
        let n = design.rows, p = design.columns
        var eta = [Double](repeating: 0, count: n), se = eta
        for i in 0..<n {
            var m = CompensatedSum(offset?[i] ?? 0)
            for j in 0..<p { m.addProduct(design[i, j], model.coefficients[j]) }
            eta[i] = m.value
            var v = 0.0
            for a in 0..<p where design[i, a] != 0 {
                var inner = 0.0
                for b in 0..<p { inner += model.covariance[a, b] * design[i, b] }
                v += design[i, a] * inner
            }
            se[i] = Swift.max(0, v).squareRoot()
        }
        let z = NormalDistribution.standard.quantile(0.5 + level / 2)
        self.rows = rows
        self.linearPredictor = eta
        self.linearPredictorSE = se
        self.mean = eta.map { Foundation.exp($0) }
        self.meanSE = (0..<n).map { Foundation.exp(eta[$0]) * se[$0] }
        self.meanLower = (0..<n).map { Foundation.exp(eta[$0] - z * se[$0]) }
        self.meanUpper = (0..<n).map { Foundation.exp(eta[$0] + z * se[$0]) }
        let predictive = (rowIntervals ? 0..<n : 0..<0).map { PredictiveCountDistribution(linearPredictor: eta[$0], standardError: se[$0], fit: fit) }
        self.observationLower = predictive.map { $0.quantile((1 - level) / 2) }
        self.observationUpper = predictive.map { $0.quantile(1 - (1 - level) / 2) }
        self.level = level
        self.fit = fit
        self.design = design
        self.covariance = model.covariance
    }

    /// The predictive distribution of the count at `position` (an index into ``rows``).
    public func distribution(at position: Int) -> PredictiveCountDistribution {
        PredictiveCountDistribution(linearPredictor: linearPredictor[position], standardError: linearPredictorSE[position], fit: fit)
    }

    /// P(Y ≥ q) for the row at `position` under its predictive distribution, e.g. the chance a rep wins at least q deals.
    public func probability(at position: Int, atLeast q: Int) -> Double {
        distribution(at: position).probability(atLeast: q)
    }

    /// The predictive distribution of the sum of the counts at `positions` (a team's month, a rep's quarter).
    ///
    /// Given the coefficients the counts are independent; their sum's mean and variance follow from the
    /// law of total variance over the estimates' uncertainty, with the joint normal η's (covariance
    /// Cᵢⱼ = xᵢVxⱼᵀ across rows) and lognormal means mᵢ = E e^ηᵢ = exp(η̂ᵢ + Cᵢᵢ/2):
    ///
    ///   E T = Σ mᵢ,  Var T = Σ (mᵢ + mᵢ²e^(Cᵢᵢ)/θ) + Σᵢⱼ mᵢmⱼ(e^(Cᵢⱼ) − 1)
    ///
    /// (no 1/θ term for Poisson). The sum's distribution is then approximated by the negative binomial
    /// with that mean and variance (a Poisson when the variance does not exceed the mean), which gives
    /// whole-number quantiles and P(T ≥ quota). The approximation is exact in the first two moments; its
    /// tails are those of a gamma-mixed Poisson, which the sum of overdispersed counts resembles. It costs
    /// O(k²p) for k rows.
    public func total(_ positions: [Int], label: String) -> CountTotal {
        let p = design.columns
        // U = X_S·V, so Cᵢⱼ = Uᵢ·xⱼ.
        let u = positions.map { i in (0..<p).map { a in (0..<p).reduce(0.0) { $0 + design[i, $1] * covariance[$1, a] } } }
        func c(_ a: Int, _ b: Int) -> Double { (0..<p).reduce(0.0) { $0 + u[a][$1] * design[positions[b], $1] } }
        let m = positions.indices.map { Foundation.exp(linearPredictor[positions[$0]] + c($0, $0) / 2) }
        var total = CompensatedSum(), variance = CompensatedSum()
        for a in positions.indices {
            total.add(m[a])
            variance.add(m[a])
            if let theta = fit.theta { variance.add(m[a] * m[a] * Foundation.exp(c(a, a)) / theta) }
            for b in positions.indices { variance.add(m[a] * m[b] * Foundation.expm1(c(a, b))) }
        }
        return CountTotal(label: label, count: positions.count, mean: total.value, variance: variance.value,
                          fittedMean: positions.reduce(0) { $0 + mean[$1] }, level: level)
    }
}

/// The predictive distribution of a sum of counts (see ``CountPrediction/total(_:label:)``): its mean
/// and variance, and a moment-matched negative binomial (or Poisson) for whole-number intervals and
/// the chance of reaching a quota.
public struct CountTotal: Sendable {
    /// What was summed, e.g. a team or `Total`.
    public var label: String
    /// How many rows were summed.
    public var count: Int
    /// The expected total under the predictive distribution, Σ E e^ηᵢ.
    public var mean: Double
    /// The variance of the total: the counts' own variance plus the estimates' uncertainty.
    public var variance: Double
    /// The total at the estimates, Σ e^η̂ᵢ (slightly below ``mean``, which averages over the uncertainty).
    public var fittedMean: Double
    /// The level of ``interval``.
    public var level: Double
    /// The part of ``variance`` from the counts' own randomness, Σ E Var(Yᵢ | ηᵢ) (0 when not split).
    public var countVariance: Double = 0
    /// The part of ``variance`` from the estimates' uncertainty alone, Σᵢⱼ mᵢmⱼ(e^(xᵢVxⱼᵀ) − 1) (0 when not split).
    public var estimatesVariance: Double = 0

    /// The moment-matched distribution: negative binomial with size mean²/(variance − mean), or Poisson
    /// when the variance does not exceed the mean.
    public var distribution: any CountDistribution {
        variance > mean * (1 + 1e-12)
            ? NegativeBinomialDistribution(mean: mean, size: mean * mean / (variance - mean))
            : PoissonDistribution(mean: mean)
    }

    /// The equal-tailed prediction interval of the total at ``level``, in whole counts.
    public var interval: CountInterval { interval(level: level) }

    /// The equal-tailed prediction interval of the total at `level`, in whole counts.
    public func interval(level: Double) -> CountInterval {
        let d = distribution
        return CountInterval(lower: d.quantile((1 - level) / 2), upper: d.quantile(1 - (1 - level) / 2))
    }

    /// P(total ≥ `quota`) under the moment-matched distribution.
    public func probability(atLeast quota: Int) -> Double { distribution.probability(atLeast: quota) }
}

/// An interval of whole counts.
public struct CountInterval: Sendable, Equatable {
    /// The lower bound (included).
    public var lower: Int
    /// The upper bound (included).
    public var upper: Int
}
