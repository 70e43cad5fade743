import Foundation

/// A fitted linear model: estimates, their covariance, residuals and every statistic derived from them.
///
/// Definitions follow statsmodels' `RegressionResults` (and agree with R's `lm`): quantities that take
/// no input are properties, anything with a parameter is a method.
///
/// ```swift
/// let results = try fit("revenue ~ demos + C(team)", to: data)
/// results.coefficients            // β̂, in `columnNames` order
/// results.standardErrors          // with the covariance chosen in the options
/// results.confidenceIntervals(level: 0.9)
/// print(results.summary())
/// ```
public struct RegressionResults: Sendable {
    /// The formula as written, when the fit came from one.
    public internal(set) var formula: String?
    /// The response's name.
    public internal(set) var responseName: String = "y"
    /// The weights column, for weighted least squares.
    public internal(set) var weightsColumn: String?
    /// Coefficient names in patsy's convention (`Intercept`, `x`, `C(team)[T.SMB]`, `a:b`).
    public let columnNames: [String]
    /// The estimates β̂.
    public let coefficients: [Double]
    /// (XᵀWX)⁻¹: the covariance of β̂ divided by σ² (statsmodels' `normalized_cov_params`).
    /// For a ridge fit, G⁻¹XᵀWXG⁻¹ with G = XᵀWX + Γ.
    public let normalizedCovariance: Matrix
    /// The covariance type behind ``covariance`` and every test and interval.
    public internal(set) var covarianceType: CovarianceType
    /// The covariance of β̂ of ``covarianceType``.
    public internal(set) var covariance: Matrix
    /// yᵢ − xᵢβ̂.
    public let residuals: [Double]
    /// √wᵢ·(yᵢ − xᵢβ̂): the residuals of the weighted problem (equal to ``residuals`` without weights).
    public let weightedResiduals: [Double]
    /// xᵢβ̂.
    public let fittedValues: [Double]
    /// The response values fitted.
    public let response: [Double]
    /// The weights, for weighted least squares (empty for a fit made a block of rows at a time).
    public let weights: [Double]?
    /// Σ log wᵢ for weighted least squares, `nil` without weights.
    let weightLogSum: Double?
    /// Residual statistics gathered in a pass over the rows, for a fit whose rows are not kept
    /// (``fitStreaming(_:csvPath:options:readOptions:blockBytes:)``); `nil` for an in-memory fit.
    var residualSummary: ResidualSummary?
    /// The triangular factor of a fit made a block of rows at a time, to merge with others
    /// (``LeastSquaresFactor/merge(_:)``); `nil` for an in-memory fit.
    public internal(set) var leastSquaresFactor: LeastSquaresFactor?
    /// Notes that the way of fitting adds to ``notes()``.
    var extraNotes: [String] = []
    /// The number of rows fitted.
    public let observationCount: Int
    /// Whether the first column is an explicit intercept.
    public let hasIntercept: Bool
    /// Whether a constant lies in the column space (an intercept, or e.g. a full set of dummies):
    /// statsmodels' `k_constant`. It decides centred or uncentred R² and the F test.
    public let hasConstant: Bool
    /// Diagonal of the hat matrix W^½X(XᵀWX)⁻¹XᵀW^½.
    public let leverage: [Double]
    /// Singular values of the (weighted) design matrix, largest first.
    public let singularValues: [Double]
    /// Variance inflation factor per column (`nil` for the intercept): 1/(1 − R²ⱼ) from regressing
    /// column j on the others, as statsmodels' `variance_inflation_factor(exog, j)`.
    public let varianceInflationFactors: [Double?]
    /// Σ wᵢ·eᵢ²: the residual sum of squares (statsmodels' `ssr`).
    public let residualSumOfSquares: Double
    /// Σ wᵢ(yᵢ − ȳ)² with a constant, Σ wᵢyᵢ² without (`centered_tss` or `uncentered_tss`).
    public let totalSumOfSquares: Double
    /// The explained sum of squares, Σ wᵢ(ŷᵢ − ȳ)² (or Σ wᵢŷᵢ² without a constant), computed directly
    /// rather than as TSS − SSR so a poor fit keeps its digits.
    public let explainedSumOfSquares: Double
    /// The ridge penalty λ, for a ridge fit.
    public let ridgePenalty: Double?
    /// Effective number of parameters, tr(H): p for least squares, less for ridge.
    public let effectiveParameters: Double
    /// Rows dropped for missing values before the fit.
    public internal(set) var droppedRows: Int = 0
    /// Rows dropped because a time term had no value (the first k periods of each rep for `lag(x, k)`).
    public internal(set) var rowsWithoutHistory: Int = 0
    /// The panel's columns, when the fit used periods.
    public internal(set) var panel: PanelLayout?
    /// Gaps in the panel's periods, in one line, when there are any.
    public internal(set) var gapSummary: String?
    /// The dataset row of each fitted row.
    public internal(set) var fittedRows: [Int] = []
    /// [minimum, maximum] of each numeric column the model reads, over the rows fitted.
    public internal(set) var ranges: [String: [Double]] = [:]
    /// The exchangeable correlation of residuals within a rep (for panels with an entity column);
    /// used by roll-ups so a rep's quarter is not treated as independent months.
    public internal(set) var withinEntityCorrelation: Double?
    /// The 1-based source line of each fitted row, for pointing at influential rows.
    public internal(set) var rowLines: [Int]
    /// Levels and statistics learned from the data, needed to build new rows for prediction.
    public internal(set) var encodings: [String: FactorEncoding] = [:]
    /// How many steps of iterative refinement the solution took.
    public internal(set) var refinementSteps: Int = 0

    /// Degrees of freedom of the t and F tests: ``dfResidual``, or G − 1 for clustered and panel-HAC
    /// covariances (statsmodels' `df_resid_inference`).
    public internal(set) var inferenceDegreesOfFreedom: Double = .nan

    let factorization: LeastSquaresFactorization
    /// The data and panel fitted, for covariances computed later (clusters, HAC).
    var sourceData: Dataset?
    var sourcePanel: Panel?
    /// statsmodels' `use_correction` and `df_correction` for clustered covariances.
    var clusterCorrection = true, clusterDegreesOfFreedom = true

    init(design: Matrix, response: [Double], weights: [Double]?, root: [Double]?, coefficients: [Double],
         weightedResiduals: [Double], normalizedCovariance: [Double], factorization: LeastSquaresFactorization,
         singularValues: [Double], columnNames: [String], hasIntercept: Bool, options: RegressionOptions,
         ridge: (lambda: Double, parameters: Double)? = nil) throws
    {
        let n = design.rows, p = design.columns
        self.columnNames = columnNames
        self.coefficients = coefficients
        self.response = response
        self.weights = weights
        self.weightLogSum = weights.map { $0.reduce(0) { $0 + Foundation.log($1) } }
        self.observationCount = n
        self.hasIntercept = hasIntercept
        self.factorization = factorization
        self.singularValues = singularValues
        self.ridgePenalty = ridge?.lambda
        self.effectiveParameters = ridge?.parameters ?? Double(p)
        self.normalizedCovariance = Matrix(rows: p, columns: p, values: normalizedCovariance)
        self.weightedResiduals = weightedResiduals
        let residuals = root.map { root in (0..<n).map { weightedResiduals[$0] / root[$0] } } ?? weightedResiduals
        self.residuals = residuals
        self.fittedValues = (0..<n).map { response[$0] - residuals[$0] }
        self.rowLines = (0..<n).map { $0 + 2 }

        // A constant in the column space: explicit, or implicit (regress a column of ones on X).
        var constantCombination: [Double]?
        if hasIntercept {
            constantCombination = [1] + [Double](repeating: 0, count: p - 1)
        } else if ridge == nil {
            let plain = try LeastSquaresFactorization(design: design.values, rows: n, columns: p)
            let (c, r, _) = try plain.solve([Double](repeating: 1, count: n))
            if Compensated.sumOfSquares(r) <= 1e-20 * Double(n) { constantCombination = c }
        }
        self.hasConstant = constantCombination != nil

        // Sums of squares, each with compensated sums so R² keeps its digits when it is tiny.
        let totalWeight = weights.map { Compensated.sum($0) } ?? Double(n)
        var weightedMean = CompensatedSum()
        for i in 0..<n { weightedMean.addProduct(weights?[i] ?? 1, response[i]) }
        let mean = hasConstant ? weightedMean.value / totalWeight : 0
        let ssr = Compensated.sumOfSquares(weightedResiduals)
        let tss = Compensated.weightedSumOfSquares(response.map { $0 - mean }, weights: weights)
        self.residualSumOfSquares = ssr
        self.totalSumOfSquares = tss
        self.explainedSumOfSquares = ridge == nil
            ? Compensated.weightedSumOfSquares(fittedValues.map { $0 - mean }, weights: weights)
            : tss - ssr

        // Leverage, and the robust covariance's middle term if one is asked for.
        let dfResidual = Double(n) - effectiveParameters
        let scale = ssr / dfResidual
        // Clustered and HAC covariances need the data's groups; `fit` adds them with withCovariance.
        let type = CovarianceType.heteroskedasticityConsistent.contains(options.covariance) ? options.covariance : .nonrobust
        self.inferenceDegreesOfFreedom = dfResidual
        let e2 = weightedResiduals.map { $0 * $0 }
        let (leverage, meat) = try factorization.leverageAndMeat(dataRows: n, meatWeights: type == .nonrobust ? nil : {
            row, h in Self.heteroskedasticWeight(type, e2[row], h)
        })
        self.leverage = leverage
        self.covarianceType = type
        if let meat {
            var sandwich = try factorization.sandwich(meat: meat)
            if type == .hc1 { sandwich = sandwich.map { $0 * Double(n) / dfResidual } }
            self.covariance = Matrix(rows: p, columns: p, values: sandwich)
        } else {
            self.covariance = Matrix(rows: p, columns: p, values: normalizedCovariance.map { $0 * scale })
        }

        // VIF_j = (XᵀX)⁻¹ⱼⱼ · TSSⱼ, with TSSⱼ centred when the other columns span a constant:
        // the same as 1/(1 − R²ⱼ) of the auxiliary regression, without p extra fits.
        var unweightedInverse = normalizedCovariance
        if weights != nil || ridge != nil {
            let plain = try LeastSquaresFactorization(design: design.values, rows: n, columns: p)
            let scaled = try plain.scaledSingularValues()
            unweightedInverse = (scaled.last ?? 0) > Double(max(n, p)) * .ulpOfOne * (scaled.first ?? 0)
                ? try plain.inverseGram(refined: false) : [Double](repeating: .nan, count: p * p)
        }
        self.varianceInflationFactors = design.values.withUnsafeBufferPointer { values in
            (0..<p).map { j -> Double? in
                if hasIntercept && j == 0 { return nil }
                let column = UnsafeBufferPointer(rebasing: values[(j * n)..<((j + 1) * n)])
                let othersSpanConstant = constantCombination.map { abs($0[j]) < 1e-9 } ?? false
                let centre = othersSpanConstant ? Compensated.sum(column) / Double(n) : 0
                return unweightedInverse[j + j * p] * Compensated.centredSumOfSquares(column, centre: centre)
            }
        }
    }

    static func heteroskedasticWeight(_ type: CovarianceType, _ e2: Double, _ h: Double) -> Double {
        switch type {
        case .nonrobust, .hc0, .hc1, .cluster, .hac: e2
        case .hc2: e2 / (1 - h)
        case .hc3: e2 / ((1 - h) * (1 - h))
        }
    }

    // MARK: Degrees of freedom and scale

    /// The number of columns fitted.
    public var parameterCount: Int { coefficients.count }
    /// n − p (n − tr(H) for ridge): statsmodels' `df_resid`.
    public var dfResidual: Double { Double(observationCount) - effectiveParameters }
    /// p − 1 with a constant, p without (statsmodels' `df_model`).
    public var dfModel: Double { effectiveParameters - (hasConstant ? 1 : 0) }
    /// σ̂² = SSR / df_resid (statsmodels' `scale` and `mse_resid`).
    public var scale: Double { residualSumOfSquares / dfResidual }
    /// The residual standard error σ̂.
    public var residualStandardError: Double { scale.squareRoot() }

    // MARK: Coefficient inference

    /// Standard errors: square roots of the diagonal of ``covariance``.
    public var standardErrors: [Double] { covariance.diagonal.map { $0.squareRoot() } }
    /// t statistics, β̂ⱼ / se(β̂ⱼ).
    public var tStatistics: [Double] { zip(coefficients, standardErrors).map { $0 / $1 } }
    /// Two-sided p-values from Student's t with ``dfResidual`` degrees of freedom.
    public var pValues: [Double] {
        let t = StudentTDistribution(degreesOfFreedom: inferenceDegreesOfFreedom)
        return tStatistics.map { t.twoSidedPValue($0) }
    }

    /// Confidence intervals β̂ ± t₁₋α/₂·se at `level` (for example 0.95).
    /// - Throws: ``RegressionError/invalidLevel(_:)`` unless 0 < level < 1.
    public func confidenceIntervals(level: Double = 0.95) throws(RegressionError) -> [(lower: Double, upper: Double)] {
        guard level > 0, level < 1 else { throw .invalidLevel(level) }
        let q = StudentTDistribution(degreesOfFreedom: inferenceDegreesOfFreedom).quantile(0.5 + level / 2)
        return zip(coefficients, standardErrors).map { ($0 - q * $1, $0 + q * $1) }
    }

    // MARK: Goodness of fit

    /// R² = ESS/TSS, centred with a constant and uncentred without (as statsmodels and NIST define it).
    public var rSquared: Double {
        ridgePenalty == nil ? explainedSumOfSquares / totalSumOfSquares : 1 - residualSumOfSquares / totalSumOfSquares
    }
    /// 1 − (n − k₀)/df_resid·(1 − R²), with k₀ = 1 with a constant, 0 without.
    public var adjustedRSquared: Double {
        1 - (Double(observationCount) - (hasConstant ? 1 : 0)) / dfResidual * (1 - rSquared)
    }

    /// The F statistic that every coefficient but the constant is zero. With a robust covariance it is
    /// the Wald F of that hypothesis (statsmodels does the same); `nan` when undefined.
    public var fStatistic: Double { overallTest.statistic }
    /// The p-value of ``fStatistic``.
    public var fPValue: Double { overallTest.pValue }

    var overallTest: (statistic: Double, pValue: Double) {
        if ridgePenalty != nil || dfModel <= 0 { return (.nan, .nan) }
        if covarianceType == .nonrobust {
            let f = (explainedSumOfSquares / dfModel) / scale
            return (f, FDistribution(numeratorDegreesOfFreedom: dfModel, denominatorDegreesOfFreedom: dfResidual).survival(f))
        }
        // statsmodels returns nan here when the constant is implicit (statsmodels issue #2444).
        guard hasIntercept || !hasConstant else { return (.nan, .nan) }
        let tested = Array((hasIntercept ? 1 : 0)..<parameterCount)
        guard let test = try? waldTest(columns: tested) else { return (.nan, .nan) }
        return (test.statistic, test.pValue)
    }

    /// The Wald F test that the coefficients of `columns` are all zero, with ``covariance``:
    /// F = β̂ₛᵀ(Vₛₛ)⁻¹β̂ₛ / q on (q, df_resid) degrees of freedom.
    /// - Parameter columns: Indices into ``columnNames``.
    public func waldTest(columns: [Int]) throws -> (statistic: Double, pValue: Double, numeratorDF: Double, denominatorDF: Double) {
        let q = columns.count
        var v = [Double](repeating: 0, count: q * q)
        for (a, i) in columns.enumerated() { for (b, j) in columns.enumerated() { v[a + b * q] = covariance[i, j] } }
        let beta = columns.map { coefficients[$0] }
        var solution = beta
        try LAPACK.solvePositiveDefinite(v, order: q, &solution, rightHandSides: 1)
        let f = zip(beta, solution).reduce(0) { $0 + $1.0 * $1.1 } / Double(q)
        let distribution = FDistribution(numeratorDegreesOfFreedom: Double(q), denominatorDegreesOfFreedom: inferenceDegreesOfFreedom)
        return (f, distribution.survival(f), Double(q), inferenceDegreesOfFreedom)
    }

    /// The Gaussian log-likelihood at the estimates (with the weights' Jacobian term for WLS).
    public var logLikelihood: Double {
        let n = Double(observationCount)
        var value = -n / 2 * (Foundation.log(2 * Double.pi) + Foundation.log(residualSumOfSquares / n) + 1)
        if let weightLogSum { value += 0.5 * weightLogSum }
        return value
    }
    /// Akaike's information criterion, −2ℓ + 2k with k the number of parameters.
    public var aic: Double { -2 * logLikelihood + 2 * effectiveParameters }
    /// Schwarz's Bayesian information criterion, −2ℓ + k·log n.
    public var bic: Double { -2 * logLikelihood + Foundation.log(Double(observationCount)) * effectiveParameters }

    /// The condition number of the (weighted) design, σₘₐₓ/σₘᵢₙ (statsmodels' `condition_number`).
    /// Large values (over about 1e3 for scaled data) mean collinear activities.
    public var conditionNumber: Double { (singularValues.first ?? .nan) / (singularValues.last ?? .nan) }

    // MARK: Residual diagnostics

    /// The Durbin–Watson statistic of the weighted residuals in row order; near 2 when successive
    /// residuals are uncorrelated, toward 0 when they trend together.
    public var durbinWatson: Double { residualSummary?.durbinWatson ?? Diagnostics.durbinWatson(weightedResiduals) }

    /// Cook's distance per row: eᵢ²hᵢ / (p·σ̂²·(1 − hᵢ)²), with weighted residuals.
    public var cooksDistance: [Double] {
        let p = effectiveParameters, s2 = scale
        return zip(weightedResiduals, leverage).map { e, h in e * e * h / (p * s2 * (1 - h) * (1 - h)) }
    }

    /// Jarque–Bera normality test of the weighted residuals, with their skewness and kurtosis.
    public var jarqueBera: (statistic: Double, pValue: Double, skewness: Double, kurtosis: Double) {
        if let residualSummary {
            let (s, k) = residualSummary.skewnessAndKurtosis
            return Diagnostics.jarqueBera(count: residualSummary.count, skewness: s, kurtosis: k)
        }
        return Diagnostics.jarqueBera(weightedResiduals)
    }

    /// D'Agostino–Pearson omnibus normality test of the weighted residuals (statsmodels' `Omnibus`).
    public var omnibus: (statistic: Double, pValue: Double) {
        if let residualSummary {
            let (s, k) = residualSummary.skewnessAndKurtosis
            return Diagnostics.omnibus(count: residualSummary.count, skewness: s, kurtosis: k)
        }
        return Diagnostics.omnibus(weightedResiduals)
    }

    /// Whether the rows are kept: false for a fit made a block of rows at a time, whose covariance
    /// type is fixed when it is made.
    var keepsRows: Bool { residualSummary == nil && weightedResiduals.count == observationCount }

    /// The covariance of the estimates of another type, from the same fit.
    public func covariance(_ type: CovarianceType) throws -> Matrix {
        if type == covarianceType { return covariance }
        return try withCovariance(type).covariance
    }

    /// The same fit with its standard errors, tests and intervals from another covariance type.
    /// - Throws: ``RegressionError/covarianceNeedsData(_:)`` for a clustered or HAC covariance of a fit
    ///   made without a dataset (``LeastSquares/fit(_:response:weights:columnNames:hasIntercept:options:)``),
    ///   or ``DataError`` for a cluster column the data lacks.
    public func withCovariance(_ type: CovarianceType) throws -> RegressionResults {
        guard keepsRows || type == .nonrobust else { throw RegressionError.covarianceNeedsData(type.rawValue) }
        var copy = self
        let n = observationCount, p = parameterCount
        copy.inferenceDegreesOfFreedom = dfResidual
        switch type {
        case .nonrobust:
            copy.covariance = Matrix(rows: p, columns: p, values: normalizedCovariance.values.map { $0 * scale })
        case .hc0, .hc1, .hc2, .hc3:
            let e2 = weightedResiduals.map { $0 * $0 }
            let h = leverage
            let (_, meat) = try factorization.leverageAndMeat(dataRows: n) { row, _ in
                Self.heteroskedasticWeight(type, e2[row], h[row])
            }
            var sandwich = try factorization.sandwich(meat: meat ?? [])
            if type == .hc1 { sandwich = sandwich.map { $0 * Double(n) / dfResidual } }
            copy.covariance = Matrix(rows: p, columns: p, values: sandwich)
        case .cluster(let columns):
            guard let data = sourceData else { throw RegressionError.covarianceNeedsData(type.rawValue) }
            let codes = try columns.map { try clusterCodes(data.column($0)) }
            let ways = codes.count == 1 ? [codes[0]] : [codes[0], codes[1], Self.intersection(codes[0], codes[1])]
            let (covariance, df) = clusterCovariance(meats: ways.map { clusterMeat($0) })
            copy.covariance = covariance
            if let df { copy.inferenceDegreesOfFreedom = df }
        case .hac(let lags):
            let u = scores()
            var meat = [Double](repeating: 0, count: p * p)
            func add(_ i: Int, _ j: Int, _ w: Double) {
                for a in 0..<p { for b in 0..<p { meat[a + b * p] += w * (u[i][a] * u[j][b] + u[j][a] * u[i][b]) } }
            }
            for i in 0..<n { for a in 0..<p { for b in 0..<p { meat[a + b * p] += u[i][a] * u[i][b] } } }
            if let panel = sourcePanel, panel.layout.entity != nil {
                // Within each rep, over calendar lags (statsmodels' hac-panel on consecutive periods).
                var position: [Panel.Key: Int] = [:]
                for (k, row) in fittedRows.enumerated() { position[Panel.Key(entity: panel.entities[row], period: panel.periods[row].index)] = k }
                for (k, row) in fittedRows.enumerated() where panel.entities[row] >= 0 {
                    for l in 0..<lags {
                        let key = Panel.Key(entity: panel.entities[row], period: panel.periods[row].index - (l + 1))
                        if let earlier = position[key] { add(k, earlier, 1 - Double(l + 1) / Double(lags + 1)) }
                    }
                }
                let groups = Set(fittedRows.map { panel.entities[$0] }).count
                copy.covariance = Matrix(rows: p, columns: p, values: sandwich(meat).map { $0 * Double(n) / (Double(n) - Double(p)) })
                if clusterDegreesOfFreedom { copy.inferenceDegreesOfFreedom = Double(groups - 1) }
            } else {
                // One series, rows in order (statsmodels' cov_type="HAC", use_correction=False).
                for l in 1...max(1, lags) where l <= lags {
                    let w = 1 - Double(l) / Double(lags + 1)
                    for i in l..<max(l, n) { add(i, i - l, w) }
                }
                copy.covariance = Matrix(rows: p, columns: p, values: sandwich(meat))
            }
        }
        copy.covarianceType = type
        return copy
    }

    /// The clustered covariance from the meats Σ_g (Σ_{i∈g} uᵢ)(Σ_{i∈g} uᵢ)ᵀ and group counts of one
    /// way [g], or two ways [g₁, g₂, g₁∩g₂]: V(g₁) + V(g₂) − V(g₁∩g₂), each with its own correction.
    /// Also returns the inference degrees of freedom (fewest clusters − 1) when those are used.
    func clusterCovariance(meats: [(meat: [Double], groups: Int)]) -> (Matrix, Double?) {
        let n = Double(observationCount), p = parameterCount
        var total = [Double](repeating: 0, count: p * p)
        for (k, (meat, count)) in meats.enumerated() {
            let sign = k == 2 ? -1.0 : 1.0
            let correction = clusterCorrection ? Double(count) / Double(count - 1) * (n - 1) / (n - Double(p)) : 1
            let v = sandwich(meat)
            for i in 0..<(p * p) { total[i] += sign * correction * v[i] }
        }
        let fewest = meats.prefix(2).map(\.groups).min() ?? 2
        return (Matrix(rows: p, columns: p, values: total), clusterDegreesOfFreedom ? Double(fewest - 1) : nil)
    }

    /// Scores uᵢ = aᵢ·eᵢ: rows of the weighted design times the weighted residuals.
    func scores() -> [[Double]] {
        let n = observationCount, p = parameterCount
        return (0..<n).map { i in (0..<p).map { j in factorization.design[i + j * factorization.rows] * weightedResiduals[i] } }
    }

    /// B·M·B with B = (XᵀWX)⁻¹.
    func sandwich(_ meat: [Double]) -> [Double] {
        let p = parameterCount
        let b = normalizedCovariance.values
        var bm = [Double](repeating: 0, count: p * p), result = bm
        for i in 0..<p { for j in 0..<p { var v = 0.0; for k in 0..<p { v += b[i + k * p] * meat[k + j * p] }; bm[i + j * p] = v } }
        for i in 0..<p { for j in 0..<p { var v = 0.0; for k in 0..<p { v += bm[i + k * p] * b[k + j * p] }; result[i + j * p] = v } }
        for i in 0..<p { for j in (i + 1)..<max(i + 1, p) { let m = 0.5 * (result[i + j * p] + result[j + i * p]); result[i + j * p] = m; result[j + i * p] = m } }
        return result
    }

    /// Σ_g (Σ_{i∈g} uᵢ)(Σ_{i∈g} uᵢ)ᵀ and the number of groups.
    func clusterMeat(_ groups: [Int]) -> ([Double], Int) {
        let p = parameterCount
        let u = scores()
        var sums: [Int: [Double]] = [:]
        for (i, g) in groups.enumerated() {
            var s = sums[g] ?? [Double](repeating: 0, count: p)
            for j in 0..<p { s[j] += u[i][j] }
            sums[g] = s
        }
        return (Self.outerProductSum(Array(sums.values), order: p), sums.count)
    }

    /// Σ s·sᵀ over vectors s of length `order` (column-major order×order).
    static func outerProductSum(_ vectors: [[Double]], order p: Int) -> [Double] {
        var meat = [Double](repeating: 0, count: p * p)
        for s in vectors { for a in 0..<p { for b in 0..<p { meat[a + b * p] += s[a] * s[b] } } }
        return meat
    }

    /// Group codes of the fitted rows for a cluster column (text or numbers; a missing cell is its own group).
    func clusterCodes(_ column: Column) -> [Int] {
        switch column {
        case .text(let text): return fittedRows.map { Int(text.codes[$0]) }
        case .numeric(let values):
            var index: [Double: Int] = [:]
            return fittedRows.map { row in
                let v = values[row].isNaN ? -Double.infinity : values[row]
                if let code = index[v] { return code }
                index[v] = index.count
                return index.count - 1
            }
        }
    }

    static func intersection(_ a: [Int], _ b: [Int]) -> [Int] {
        var index: [[Int]: Int] = [:]
        return zip(a, b).map { pair in
            let key = [pair.0, pair.1]
            if let code = index[key] { return code }
            index[key] = index.count
            return index.count - 1
        }
    }
}
