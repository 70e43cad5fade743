import Foundation

/// Fits Poisson and negative binomial regressions (log link) by IRLS, and wraps the result in the
/// one model type, ``LinearModel``, whose covariance machinery then gives model-based, robust and
/// clustered standard errors from the last weighted least-squares step.
enum CountRegression {
    /// Fits the counts `response` on `design` with `offset`, as R's `glm(family = poisson)` or
    /// `MASS::glm.nb` (see ``ResponseFamily``).
    ///
    /// The sandwich estimators apply unchanged: with A = √W·X and weighted residuals √wᵢ·rᵢ (rᵢ the
    /// working residuals), the least-squares scores aᵢeᵢ = wᵢrᵢxᵢ are the GLM's score contributions
    /// (R's `sandwich::estfun.glm`) and (AᵀA)⁻¹ its bread, at dispersion 1.
    static func fit(_ design: Matrix, response y: [Double], offset: [Double]?, columnNames: [String], hasIntercept: Bool,
                    options: RegressionOptions, provenance: FitProvenance) throws -> LinearModel {
        let family = options.family
        let n = design.rows, p = design.columns
        guard p > 0 else { throw RegressionError.emptyModel }
        guard n > 0 else { throw RegressionError.noRows(dropped: 0) }
        guard n > p else { throw RegressionError.tooFewRows(rows: n, parameters: p, dropped: 0) }
        if case .hac = options.covariance {
            throw GeneralizedModelError.notAvailable(feature: "--hac", family: family, reason: "use --robust HC0 or --cluster rep")
        }
        if options.ridge != nil { throw GeneralizedModelError.notAvailable(feature: "--ridge", family: family, reason: "not available for count models") }
        if options.weights != nil {
            throw GeneralizedModelError.notAvailable(feature: "--weights", family: family, reason: "prior weights are not supported for count models yet")
        }
        let source = provenance.sourceData?.source.name ?? "data"
        for (i, value) in y.enumerated() where !(value >= 0) || value != value.rounded() || !value.isFinite {
            throw GeneralizedModelError.invalidCount(family: family, response: provenance.responseName, value: value, source: source,
                                                     line: provenance.rowLines?[i] ?? i + 2)
        }
        for j in 0..<p where !(0..<n).contains(where: { design.values[$0 + j * n] != 0 }) {
            throw RegressionError.zeroColumn(columnNames[j])
        }
        do {
            let plain = try LeastSquaresFactorization(design: design.values, rows: n, columns: p)
            _ = try LeastSquares.requireFullRank(plain, design: design, observations: n, names: columnNames, options: options)
        } catch let error as LinearAlgebraError {
            throw RegressionError.numerical(error)
        }

        // The estimates: IRLS, alternating with θ for the negative binomial.
        let control = options.irls
        let fit: IRLSFit, theta: NegativeBinomialTheta.Estimate?, fittedTheta: Double, logLikelihood: Double
        var alternations = 0, converged: Bool
        switch family {
        case .negativeBinomial:
            let result = try NegativeBinomialTheta.fit(design: design, response: y, offset: offset, control: control)
            fit = result.fit
            theta = result.theta
            fittedTheta = result.fittedTheta
            logLikelihood = result.logLikelihood
            alternations = result.alternations
            converged = result.converged && fit.converged
        default:
            fit = try IRLSFit.fit(design: design, response: y, offset: offset, family: CountFamily(family: .poisson, theta: .nan), control: control)
            theta = nil
            fittedTheta = .nan
            var sum = CompensatedSum()
            for i in 0..<n { sum.add(CountDistributions.poissonLogPMF(y[i], mean: fit.means[i])) }
            logLikelihood = sum.value
            converged = fit.converged
        }
        // As glm.nb, the null model uses the newest θ (glm's no-offset shortcut uses the fitted family's).
        let unit = CountFamily(family: family, theta: theta?.theta ?? .nan)
        let nullDeviance = try Self.nullDeviance(y, offset: offset, hasIntercept: hasIntercept, family: offset == nil ? CountFamily(family: family, theta: fittedTheta) : unit,
                                                 means: fit.means, control: control)
        let generalized = GeneralizedLinearFit(
            family: family, link: .log, theta: theta?.theta, thetaStandardError: theta?.standardError,
            thetaWarning: theta?.warning?.rawValue, deviance: fit.deviance, nullDeviance: nullDeviance,
            nullDegreesOfFreedom: Double(n - (hasIntercept ? 1 : 0)), logLikelihood: logLikelihood, iterations: fit.iterations,
            alternations: alternations, converged: converged, boundary: fit.boundary, control: control,
            counts: y, means: fit.means, offsets: offset ?? [])

        // The last least-squares step as a weighted linear model: response z at the final means, so that
        // its residuals are the working residuals and its factorization that of √W·X.
        let residuals = fit.workingResiduals(y, link: .log)
        let workingResponse = (0..<n).map { fit.linearPredictor[$0] - (offset?[$0] ?? 0) + residuals[$0] }
        let root = fit.workingWeights.map { $0.squareRoot() }
        var provenance = provenance
        provenance.generalized = generalized
        provenance.refinementSteps = fit.refinementSteps
        do {
            let scaled = try fit.factorization.scaledSingularValues()
            let condition = (scaled.first ?? 1) / (scaled.last ?? 1)
            let inverse = try fit.factorization.inverseGram(refined: condition > 1e4)
            return try LinearModel(
                design: design, response: workingResponse, weights: fit.workingWeights, root: root, coefficients: fit.coefficients,
                weightedResiduals: (0..<n).map { root[$0] * residuals[$0] }, normalizedCovariance: inverse,
                factorization: fit.factorization, singularValues: try fit.factorization.singularValues(),
                columnNames: columnNames, hasIntercept: hasIntercept, options: options, provenance: provenance)
        } catch let error as LinearAlgebraError {
            throw RegressionError.numerical(error)
        }
    }

    /// The null deviance as R computes it: with an intercept and no offset, the deviance at the mean
    /// count; with an intercept and an offset, the deviance of an intercept-only IRLS fit with the offset
    /// (R's `glm` refits it); without an intercept, the deviance at μ = exp(offset).
    static func nullDeviance(_ y: [Double], offset: [Double]?, hasIntercept: Bool, family: CountFamily, means: [Double],
                             control: IRLSControl) throws -> Double {
        let n = y.count
        if !hasIntercept {
            return IRLSFit.deviance(y, (0..<n).map { Foundation.exp(offset?[$0] ?? 0) }, family)
        }
        guard let offset else {
            let mean = Compensated.sum(y) / Double(n)
            return IRLSFit.deviance(y, [Double](repeating: mean, count: n), family)
        }
        let ones = Matrix(rows: n, columns: 1, values: [Double](repeating: 1, count: n))
        let null = try IRLSFit.fit(design: ones, response: y, offset: offset, family: family,
                                   startingPredictor: means.map { Foundation.log($0) }, control: control)
        return null.deviance
    }
}
