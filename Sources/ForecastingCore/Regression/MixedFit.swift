import Foundation

/// Fits a formula with random effects: the fixed part's design as for least squares, each random
/// term's columns on the same rows, groups coded from their columns, then lme4's method.
func fitMixed(_ formula: Formula, to data: Dataset, panel: Panel?, only: [Bool]?, options: RegressionOptions,
              provenance base: FitProvenance) throws -> LinearModel {
    if options.weights != nil { throw RegressionError.notAvailableForMixedModels("weights") }
    if options.ridge != nil { throw RegressionError.notAvailableForMixedModels("a ridge penalty") }
    if options.covariance != .nonrobust {
        throw RegressionError.notAvailableForMixedModels("the \(options.covariance.rawValue) covariance (rep effects already model the within-rep correlation)")
    }
    let groupingColumns = Array(Set(formula.randomTerms.flatMap(\.grouping))).sorted()
    for column in groupingColumns { _ = try data.column(column) }

    // The fixed design, then each term's design on its rows; rows any of them drops are dropped from all.
    var fixed = try DesignMatrix(formula: formula, data: data, alsoRequire: groupingColumns, missing: options.missing, panel: panel, only: only)
    let effects = try randomTermDesigns(formula.randomTerms, encodings: nil, data: data, panel: panel, missing: options.missing,
                                        fixed: &fixed) { mask in
        try DesignMatrix(formula: formula, data: data, alsoRequire: groupingColumns, missing: options.missing, panel: panel, only: mask)
    }
    guard let y = fixed.response else { throw RegressionError.nonNumericResponse(formula.text) }
    let n = fixed.rows.count, p = fixed.matrix.columns
    guard n > 0 else { throw RegressionError.noRows(dropped: fixed.droppedRows) }

    // Groups: the grouping columns' values (an interaction joins them with ':'), levels sorted as R sorts factor levels.
    var terms: [RandomEffectTerm] = []
    var counts: [[Int]] = []
    for (k, term) in formula.randomTerms.enumerated() {
        let (codes, levelNames) = try term.groupCodes(in: data, rows: fixed.rows)
        var levelCount = [Int](repeating: 0, count: levelNames.count)
        for c in codes { levelCount[Int(c)] += 1 }
        counts.append(levelCount)
        terms.append(RandomEffectTerm(groupName: term.groupName, levels: codes, levelNames: levelNames,
                                      modelMatrix: effects[k].matrix.values, columnNames: effects[k].columnNames, covariance: .full))
    }
    let problem = MixedModelProblem(response: y, fixedDesign: fixed.matrix.values, fixedEffectNames: fixed.columnNames,
                                    randomEffects: terms, method: options.mixedModelMethod)
    let fit = try LinearMixedModel(problem).fit()
    let tests = try fit.fixedEffectTests(distributions: StandardDistributions())

    // Conditional residuals y − Xβ̂ − Zb̂.
    var fitted = [Double](repeating: 0, count: n)
    for i in 0..<n {
        var sum = CompensatedSum()
        for j in 0..<p { sum.addProduct(fixed.matrix[i, j], fit.coefficients[j]) }
        for (k, term) in terms.enumerated() {
            let modes = fit.conditionalModes[k]
            let level = Int(term.levels[i])
            for c in 0..<term.columnCount { sum.addProduct(term.modelMatrix[i + c * n], modes.values[level, c]) }
        }
        fitted[i] = sum.value
    }
    let mixed = MixedEffects(
        method: options.mixedModelMethod, theta: fit.theta, sigma: fit.sigma, criterion: fit.criterion,
        logLikelihood: fit.logLikelihood, aic: fit.aic, bic: fit.bic, isSingular: fit.isSingular,
        degreesOfFreedom: tests.map(\.degreesOfFreedom), varianceComponents: fit.varianceComponents,
        conditionalModes: fit.conditionalModes, terms: formula.randomTerms, levelCounts: counts,
        encodings: effects.map(\.encodings), engineFit: fit)
    var provenance = base
    provenance.formula = formula
    provenance.responseName = fixed.responseName ?? "y"
    provenance.droppedRows = fixed.droppedRows
    provenance.rowsWithoutHistory = fixed.rowsWithoutHistory
    provenance.fittedRows = fixed.rows
    provenance.rowLines = fixed.rows.map { data.source.line(ofRow: $0) }
    provenance.encodings = fixed.encodings
    provenance.mixed = mixed
    provenance.notes += mixedNotes(mixed)
    try provenance.recordRanges(of: Set(formula.terms.flatMap(\.factors).flatMap(\.expression.columns)
                                        + formula.randomTerms.flatMap(\.effects.terms).flatMap(\.factors).flatMap(\.expression.columns)),
                                in: data, rows: fixed.rows)
    return LinearModel(mixed: mixed, fit: fit, design: fixed, response: y, fitted: fitted, provenance: provenance)
}

/// What a reader of a mixed fit should know: a singular fit, short histories that are shrunk.
private func mixedNotes(_ mixed: MixedEffects) -> [String] {
    var notes: [String] = []
    if mixed.isSingular {
        notes.append("The fit is singular: a random-effect variance is (near) zero or a correlation is ±1; the data do not support that part of the random effects, so simplify it (e.g. drop the slope).")
    }
    for (k, modes) in mixed.conditionalModes.enumerated() {
        let short = zip(modes.levelNames, mixed.levelCounts[k]).filter { $0.1 < 6 }.map(\.0)
        if !short.isEmpty {
            notes.append("\(short.count) \(modes.groupName) levels have fewer than 6 rows; their effects are shrunk strongly toward the population's: \(short.prefix(5).joined(separator: ", "))\(short.count > 5 ? ", …" : "").")
        }
    }
    return notes
}

extension LinearModel {
    /// A linear mixed model: the fixed-effect estimates with their covariance and Satterthwaite df,
    /// conditional residuals, and the random-effect part.
    init(mixed: MixedEffects, fit: LinearMixedModelFit, design: DesignMatrix, response y: [Double], fitted: [Double],
         provenance: FitProvenance) {
        let n = y.count, p = design.matrix.columns
        let s2 = fit.sigma * fit.sigma
        self.provenance = provenance
        columnNames = design.columnNames
        coefficients = fit.coefficients
        covariance = fit.coefficientCovariance
        normalizedCovariance = Matrix(rows: p, columns: p, values: fit.coefficientCovariance.values.map { $0 / s2 })
        covarianceType = .nonrobust
        inferenceDegreesOfFreedom = Double(n - p)
        response = y
        fittedValues = fitted
        residuals = (0..<n).map { y[$0] - fitted[$0] }
        weightedResiduals = residuals
        weights = nil
        weightLogSum = nil
        observationCount = n
        hasIntercept = design.hasIntercept
        hasConstant = design.hasIntercept
        leverage = []
        singularValues = []
        varianceInflationFactors = Array(repeating: nil, count: p)
        residualSumOfSquares = Compensated.sumOfSquares(residuals)
        let mean = Compensated.sum(y) / Double(n)
        totalSumOfSquares = Compensated.sumOfSquares(y.map { $0 - mean })
        explainedSumOfSquares = totalSumOfSquares - residualSumOfSquares
        ridgePenalty = nil
        effectiveParameters = Double(p)
        withinEntityCorrelation = nil
        factorization = nil
    }
}
