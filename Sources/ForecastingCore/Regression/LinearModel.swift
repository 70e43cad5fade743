import Foundation

/// A fitted linear model: the one model type of the library.
///
/// It carries its parsed formula, the category levels and transform statistics learned from the data,
/// the panel layout, the estimates with their covariance, and every statistic derived from them. It
/// predicts new rows (``predict(_:level:only:weights:)``), forecasts, runs scenarios, and is saved as
/// is: it is `Codable`, and its JSON is the model file `salesforecast fit --save` writes.
///
/// Definitions follow statsmodels' `RegressionResults` (and agree with R's `lm`): quantities that take
/// no input are properties, anything with a parameter is a method.
///
/// ```swift
/// let model = try history.fit("revenue ~ demos + C(team)")
/// model.coefficients            // β̂, in `columnNames` order
/// model.standardErrors          // with the covariance chosen when fitting
/// model.confidenceIntervals(level: 0.9)
/// print(model.summary())
/// ```
public struct LinearModel: Sendable {
    /// Where the rows came from and what was learned from them besides the estimates.
    let provenance: FitProvenance
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
    /// Degrees of freedom of the t and F tests: ``dfResidual``, or G − 1 for clustered and panel-HAC
    /// covariances (statsmodels' `df_resid_inference`).
    public internal(set) var inferenceDegreesOfFreedom: Double
    /// yᵢ − xᵢβ̂ (empty for a model read from a file or fitted a block of rows at a time). For a count
    /// model, the working residuals (yᵢ − μ̂ᵢ)/μ̂ᵢ (see ``GeneralizedLinearFit``).
    public let residuals: [Double]
    /// √wᵢ·(yᵢ − xᵢβ̂): the residuals of the weighted problem (equal to ``residuals`` without weights).
    public let weightedResiduals: [Double]
    /// xᵢβ̂ (without offsets; a count model's fitted means are ``GeneralizedLinearFit/means``).
    public let fittedValues: [Double]
    /// The response values fitted (a count model's working response; its counts are ``GeneralizedLinearFit/counts``).
    public let response: [Double]
    /// The weights, for weighted least squares (empty for a fit made a block of rows at a time); a count
    /// model's working weights of its last IRLS step.
    public let weights: [Double]?
    /// Σ log wᵢ for weighted least squares, `nil` without weights.
    let weightLogSum: Double?
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
    /// The exchangeable correlation of residuals within a rep (for panels with an entity column);
    /// used by roll-ups so a rep's quarter is not treated as independent months.
    public let withinEntityCorrelation: Double?
    /// The factorization of the weighted design (`nil` for a model read from a file).
    let factorization: LeastSquaresFactorization?

    init(design: Matrix, response: [Double], weights: [Double]?, root: [Double]?, coefficients: [Double],
         weightedResiduals: [Double], normalizedCovariance: [Double], factorization: LeastSquaresFactorization,
         singularValues: [Double], columnNames: [String], hasIntercept: Bool, options: RegressionOptions,
         ridge: (lambda: Double, parameters: Double)? = nil, provenance: FitProvenance) throws
    {
        let n = design.rows, p = design.columns
        self.provenance = provenance
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
        // Count families have dispersion 1 (their covariance is (XᵀWX)⁻¹ at the working weights).
        let scale = provenance.generalized?.dispersion ?? ssr / dfResidual
        // Leverage and, for HC0–HC3, the sandwich's middle in the same pass over the rows.
        let heteroskedastic = CovarianceType.heteroskedasticityConsistent.contains(options.covariance) && options.covariance != .nonrobust
        let e2 = weightedResiduals.map { $0 * $0 }
        let type = options.covariance
        let (leverage, meat) = try factorization.leverageAndMeat(dataRows: n, meatWeights: heteroskedastic ? {
            row, h in CovarianceMiddle.heteroskedasticWeight(type, e2[row], h)
        } : nil)
        self.leverage = leverage
        self.covarianceType = .nonrobust
        self.covariance = Matrix(rows: p, columns: p, values: normalizedCovariance.map { $0 * scale })
        self.inferenceDegreesOfFreedom = dfResidual

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
        self.withinEntityCorrelation = provenance.sourcePanel.flatMap { panel in
            panel.layout.entity == nil ? nil : Self.withinEntityCorrelation(
                residuals: weightedResiduals, entities: provenance.fittedRows.map { panel.entities[$0] }, scale: scale)
        }

        // The covariance asked for, from the one estimator every way of fitting uses.
        if type != .nonrobust {
            let middle = try meat.map { CovarianceMiddle.heteroskedastic(type, meat: $0) } ?? self.middle(of: type)
            try adoptCovariance(type, middle: middle)
        }
    }

    // MARK: Degrees of freedom and scale

    /// The number of columns fitted.
    public var parameterCount: Int { coefficients.count }
    /// n − p (n − tr(H) for ridge): statsmodels' `df_resid`.
    public var dfResidual: Double { Double(observationCount) - effectiveParameters }
    /// p − 1 with a constant, p without (statsmodels' `df_model`).
    public var dfModel: Double { effectiveParameters - (hasConstant ? 1 : 0) }
    /// σ̂² = SSR / df_resid (statsmodels' `scale` and `mse_resid`); the dispersion (1) for a count family.
    public var scale: Double { generalized?.dispersion ?? residualSumOfSquares / dfResidual }
    /// The residual standard error σ̂.
    public var residualStandardError: Double { scale.squareRoot() }

    // MARK: Coefficient inference

    /// Standard errors: square roots of the diagonal of ``covariance``.
    public var standardErrors: [Double] { covariance.diagonal.map { $0.squareRoot() } }
    /// t statistics, β̂ⱼ / se(β̂ⱼ) (z statistics for a count family).
    public var tStatistics: [Double] { zip(coefficients, standardErrors).map { $0 / $1 } }
    /// Two-sided p-values from Student's t with ``dfResidual`` degrees of freedom (from the normal
    /// distribution, z tests, for a count family, as R's `summary.glm` and statsmodels' GLM).
    public var pValues: [Double] {
        if generalized != nil { return tStatistics.map { 2 * NormalDistribution.standard.survival(abs($0)) } }
        return zip(tStatistics, coefficientDegreesOfFreedom).map { StudentTDistribution(degreesOfFreedom: $1).twoSidedPValue($0) }
    }

    /// Confidence intervals β̂ ± t₁₋α/₂·se at `level` (for example 0.95); β̂ ± z₁₋α/₂·se (Wald) for a count family.
    /// - Throws: ``RegressionError/invalidLevel(_:)`` unless 0 < level < 1.
    public func confidenceIntervals(level: Double = 0.95) throws(RegressionError) -> [Interval] {
        guard level > 0, level < 1 else { throw .invalidLevel(level) }
        if generalized != nil {
            let z = NormalDistribution.standard.quantile(0.5 + level / 2)
            return zip(coefficients, standardErrors).map { Interval(center: $0, halfWidth: z * $1) }
        }
        return coefficients.indices.map { j in
            let q = StudentTDistribution(degreesOfFreedom: coefficientDegreesOfFreedom[j]).quantile(0.5 + level / 2)
            return Interval(center: coefficients[j], halfWidth: q * standardErrors[j])
        }
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
        if ridgePenalty != nil || dfModel <= 0 || generalized != nil { return (.nan, .nan) }
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
    public func waldTest(columns: [Int]) throws -> WaldTestResult {
        let q = columns.count
        var v = [Double](repeating: 0, count: q * q)
        for (a, i) in columns.enumerated() { for (b, j) in columns.enumerated() { v[a + b * q] = covariance[i, j] } }
        let beta = columns.map { coefficients[$0] }
        var solution = beta
        try LAPACK.solvePositiveDefinite(v, order: q, &solution, rightHandSides: 1)
        let f = zip(beta, solution).reduce(0) { $0 + $1.0 * $1.1 } / Double(q)
        if generalized != nil {
            // z tests for counts: q·F is χ²(q), the F test's limit with infinite denominator degrees of freedom.
            return WaldTestResult(terms: columns.map { columnNames[$0] }, statistic: f,
                                  pValue: ChiSquaredDistribution(degreesOfFreedom: Double(q)).survival(f * Double(q)),
                                  numeratorDF: Double(q), denominatorDF: .infinity, covarianceType: covarianceType)
        }
        let distribution = FDistribution(numeratorDegreesOfFreedom: Double(q), denominatorDegreesOfFreedom: inferenceDegreesOfFreedom)
        return WaldTestResult(terms: columns.map { columnNames[$0] }, statistic: f, pValue: distribution.survival(f),
                              numeratorDF: Double(q), denominatorDF: inferenceDegreesOfFreedom, covarianceType: covarianceType)
    }

    /// The Gaussian log-likelihood at the estimates (with the weights' Jacobian term for WLS); the
    /// Poisson or negative binomial log-likelihood for a count family.
    public var logLikelihood: Double {
        if let mixed = mixedEffects { return mixed.logLikelihood }
        if let generalized { return generalized.logLikelihood }
        let n = Double(observationCount)
        var value = -n / 2 * (Foundation.log(2 * Double.pi) + Foundation.log(residualSumOfSquares / n) + 1)
        if let weightLogSum { value += 0.5 * weightLogSum }
        return value
    }
    /// Akaike's information criterion, −2ℓ + 2k with k the number of parameters.
    /// For the negative binomial θ counts as a parameter (MASS's `glm.nb`: −2ℓ + 2(p + 1)).
    public var aic: Double { mixedEffects?.aic ?? -2 * logLikelihood + 2 * informationParameters }
    /// Schwarz's Bayesian information criterion, −2ℓ + k·log n.
    public var bic: Double { mixedEffects?.bic ?? -2 * logLikelihood + Foundation.log(Double(observationCount)) * informationParameters }

    /// The parameters the information criteria count: tr(H), plus θ for the negative binomial.
    var informationParameters: Double {
        generalized.map { $0.parameterCount(coefficients: parameterCount) } ?? effectiveParameters
    }

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
    public var jarqueBera: NormalityTest {
        let (n, s, k) = residualMoments
        let test = Diagnostics.jarqueBera(count: n, skewness: s, kurtosis: k)
        return NormalityTest(statistic: test.statistic, pValue: test.pValue, skewness: s, kurtosis: k)
    }

    /// D'Agostino–Pearson omnibus normality test of the weighted residuals (statsmodels' `Omnibus`),
    /// with their skewness and kurtosis; `nan` for fewer than 8 residuals.
    public var omnibus: NormalityTest {
        let (n, s, k) = residualMoments
        let test = Diagnostics.omnibus(count: n, skewness: s, kurtosis: k)
        return NormalityTest(statistic: test.statistic, pValue: test.pValue, skewness: s, kurtosis: k)
    }

    /// The count, skewness and kurtosis of the weighted residuals (from the pass's summary when the rows are not kept).
    private var residualMoments: (count: Int, skewness: Double, kurtosis: Double) {
        if let residualSummary {
            let (s, k) = residualSummary.skewnessAndKurtosis
            return (residualSummary.count, s, k)
        }
        let (s, k) = Diagnostics.moments(weightedResiduals)
        return (weightedResiduals.count, s, k)
    }
}
