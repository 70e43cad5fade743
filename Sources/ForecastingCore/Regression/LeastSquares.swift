import Foundation

/// Fits `formula` to `data` by ordinary, weighted or ridge least squares.
///
/// ```swift
/// let data = try CSVReader.read(path: "history.csv")
/// let results = try fit("revenue ~ demos + proposals + C(team)", to: data)
/// print(results.summary())
/// ```
///
/// - Parameters:
///   - formula: The model, for example `revenue ~ demos + proposals + C(team)`.
///   - data: One row per rep and period.
///   - options: Weights, covariance type, ridge penalty and missing-value policy.
/// - Returns: The estimates and their inference.
/// - Throws: ``FormulaError``, ``DataError`` or ``RegressionError`` (for example
///   ``RegressionError/collinear(_:)`` naming the columns that depend on others).
public func fit(_ formula: Formula, to data: Dataset, options: RegressionOptions = .init()) throws -> LinearModel {
    let panel = try options.panel.map { try Panel(data: data, layout: $0) }
    return try fit(formula, to: data, panel: panel, only: nil, options: options)
}

/// Fits on the rows marked in `only` (all when `nil`), with `panel` giving periods and entities.
/// Rows outside `only` still serve as history for `lag` and `adstock`.
package func fit(_ formula: Formula, to data: Dataset, panel: Panel?, only: [Bool]?, options: RegressionOptions) throws -> LinearModel {
    if let response = formula.response, formula.terms.contains(where: { $0.factors.contains { $0.expression == response.expression } }) {
        throw RegressionError.responseOnBothSides(response.name)
    }
    if panel == nil, let term = formula.terms.flatMap(\.factors).first(where: { $0.expression.usesTime }) {
        throw TimeError.noPeriodColumn(term: term.name)
    }
    if options.family.isCount, formula.isMixed {
        throw GeneralizedModelError.notAvailable(feature: "random intercepts (1 | rep)", family: options.family,
                                                 reason: "a mixed model for counts is a later step; fit without the random term, e.g. with --cluster rep")
    }
    if !options.family.isCount, let offset = formula.offsets.first { throw GeneralizedModelError.offsetNeedsCountFamily(offset.name) }
    if formula.isMixed {
        return try fitMixed(formula, to: data, panel: panel, only: only, options: options,
                            provenance: FitProvenance(panel: panel?.layout, gapSummary: panel?.gapSummary, sourceData: data, sourcePanel: panel))
    }
    let design = try DesignMatrix(formula: formula, data: data, alsoRequire: options.weights.map { [$0] } ?? [],
                                  missing: options.missing, panel: panel, only: only)
    let weights = try design.weights(options.weights, in: data)
    guard let y = design.response else { throw RegressionError.nonNumericResponse(formula.text) }
    for column in options.clusterColumns { _ = try data.column(column) }
    var provenance = FitProvenance(formula: formula, responseName: design.responseName ?? "y", weightsColumn: options.weights,
                                   droppedRows: design.droppedRows, rowsWithoutHistory: design.rowsWithoutHistory,
                                   panel: panel?.layout, gapSummary: panel?.gapSummary, fittedRows: design.rows,
                                   rowLines: design.rows.map { data.source.line(ofRow: $0) }, encodings: design.encodings,
                                   sourceData: data, sourcePanel: panel,
                                   clusterCorrection: options.clusterCorrection, clusterDegreesOfFreedom: options.clusterDegreesOfFreedom)
    try provenance.recordRanges(of: Set(formula.terms.flatMap(\.factors).flatMap(\.expression.columns)), in: data, rows: design.rows)
    if options.family.isCount {
        return try CountRegression.fit(design.matrix, response: y, offset: design.offset, columnNames: design.columnNames,
                                       hasIntercept: design.hasIntercept, options: options, provenance: provenance)
    }
    return try LeastSquares.fit(design.matrix, response: y, weights: weights, columnNames: design.columnNames,
                                hasIntercept: design.hasIntercept, options: options, provenance: provenance)
}

extension DesignMatrix {
    /// The weights column on the rows used, each checked to be positive and finite (`nil` without one).
    func weights(_ column: String?, in data: Dataset) throws -> [Double]? {
        guard let column else { return nil }
        let all = try data.numbers(column)
        let weights = rows.map { all[$0] }
        for (k, w) in weights.enumerated() where !(w > 0) || !w.isFinite {
            throw RegressionError.invalidWeight(column: column, value: w, source: data.source.name,
                                                line: data.source.line(ofRow: rows[k]))
        }
        return weights
    }
}

/// Parses `formula` and fits it; see ``fit(_:to:options:)-(Formula,_,_)``.
public func fit(_ formula: String, to data: Dataset, options: RegressionOptions = .init()) throws -> LinearModel {
    try fit(Formula(formula), to: data, options: options)
}

/// Least squares on a design matrix already built.
public enum LeastSquares {
    /// Fits y ≈ X·β.
    ///
    /// - Parameters:
    ///   - design: The n×p design matrix X.
    ///   - response: y, n values.
    ///   - weights: Positive weights for weighted least squares, or `nil`.
    ///   - columnNames: One name per column of X (`"Intercept"` for a column of ones).
    ///   - hasIntercept: Whether the first column is an explicit intercept.
    ///   - options: Covariance type, ridge penalty and rank tolerance (weights and missing are ignored here).
    public static func fit(_ design: Matrix, response: [Double], weights: [Double]? = nil, columnNames: [String],
                           hasIntercept: Bool, options: RegressionOptions = .init()) throws -> LinearModel
    {
        try fit(design, response: response, weights: weights, columnNames: columnNames, hasIntercept: hasIntercept,
                options: options, provenance: FitProvenance())
    }

    static func fit(_ design: Matrix, response: [Double], weights: [Double]?, columnNames: [String],
                    hasIntercept: Bool, options: RegressionOptions, provenance: FitProvenance) throws -> LinearModel
    {
        var provenance = provenance
        let n = design.rows, p = design.columns
        guard p > 0 else { throw RegressionError.emptyModel }
        guard n > 0 else { throw RegressionError.noRows(dropped: 0) }
        precondition(response.count == n && columnNames.count == p && (weights?.count ?? n) == n,
                     "LeastSquares.fit: sizes of design, response, weights and names disagree")
        if let lambda = options.ridge, !(lambda >= 0) || !lambda.isFinite { throw RegressionError.invalidPenalty(lambda) }
        // Sums of squares of the response must stay inside double precision (about 1e±308).
        let largest = response.reduce(0) { max($0, abs($1)) }
        if largest > 1e150 || (largest > 0 && largest < 1e-150) { throw RegressionError.responseOutOfRange(largest) }
        let ridge = (options.ridge ?? 0) > 0 ? options.ridge : nil
        guard n >= p || ridge != nil else { throw RegressionError.tooFewRows(rows: n, parameters: p, dropped: 0) }

        // Weighted design A = W^½X and response b = W^½y.
        let root = weights?.map { $0.squareRoot() }
        var a = design.values
        var b = response
        if let root {
            for j in 0..<p { for i in 0..<n { a[i + j * n] *= root[i] } }
            for i in 0..<n { b[i] *= root[i] }
        }
        if ridge == nil {
            for j in 0..<p where !(0..<n).contains(where: { design.values[$0 + j * n] != 0 }) {
                throw RegressionError.zeroColumn(columnNames[j])
            }
        }

        do {
            if let lambda = ridge {
                return try fitRidge(a: a, b: b, design: design, response: response, weights: weights, root: root,
                                    lambda: lambda, columnNames: columnNames, hasIntercept: hasIntercept, options: options,
                                    provenance: provenance)
            }
            let factorization = try LeastSquaresFactorization(design: a, rows: n, columns: p, response: b)
            let scaledCondition = try requireFullRank(factorization, design: design, observations: n, names: columnNames, options: options)
            let (beta, weightedResiduals, steps) = try factorization.solve(b)
            let inverse = try factorization.inverseGram(refined: scaledCondition > 1e4)
            provenance.refinementSteps = steps
            return try LinearModel(
                design: design, response: response, weights: weights, root: root, coefficients: beta,
                weightedResiduals: weightedResiduals, normalizedCovariance: inverse, factorization: factorization,
                singularValues: try factorization.singularValues(),
                columnNames: columnNames, hasIntercept: hasIntercept, options: options, provenance: provenance)
        } catch let error as LinearAlgebraError {
            throw RegressionError.numerical(error)
        }
    }

    /// Refuses a rank-deficient design, naming the collinear columns; returns the condition number of the
    /// unit-scaled design. Rank is decided from the singular values of R after scaling columns to unit
    /// length, with tolerance max(n, p)·ε (LAPACK's and NumPy's convention) unless the options set one.
    /// The one rank test of every way of fitting (rows in memory, or a factor folded from blocks).
    static func requireFullRank(_ factorization: LeastSquaresFactorization, design: Matrix, observations n: Int,
                                names: [String], options: RegressionOptions) throws -> Double {
        let p = factorization.columns
        let scaled = try factorization.scaledSingularValues()
        let tolerance = options.rankTolerance ?? Double(max(n, p)) * Double.ulpOfOne
        let largest = scaled.first ?? 0
        let deficient = scaled.filter { !($0 > tolerance * largest) }.count
        if deficient > 0 {
            throw RegressionError.collinear(try collinearities(design: design, factorization: factorization, count: deficient, names: names))
        }
        return largest / (scaled.last ?? largest)
    }

    /// Names the columns that are linear combinations of earlier ones. In Householder QR without
    /// pivoting, |Rⱼⱼ| of a unit-length column is its distance from the span of the columns before it,
    /// so the smallest ones mark the dependent columns in formula order (as R's `lm` reports them).
    static func collinearities(design: Matrix, factorization: LeastSquaresFactorization, count: Int, names: [String])
        throws -> [RegressionError.Collinearity]
    {
        let p = design.columns, n = design.rows
        let distance = (0..<p).map { abs(factorization.upper[$0 + $0 * p]) }
        let dependent = Set((0..<p).sorted { distance[$0] < distance[$1] }.prefix(count))
        var result: [RegressionError.Collinearity] = []
        for j in dependent.sorted() {
            let earlier = (0..<j).filter { !dependent.contains($0) }
            guard !earlier.isEmpty else { result.append(.init(column: names[j], combination: [])); continue }
            var sub = [Double]()
            sub.reserveCapacity(n * earlier.count)
            for k in earlier { sub += design.column(k) }
            let solver = try LeastSquaresFactorization(design: sub, rows: n, columns: earlier.count)
            let (coefficients, _, _) = try solver.solve(Array(design.column(j)))
            let norm = design.values.withUnsafeBufferPointer {
                LeastSquaresFactorization.norm(UnsafeBufferPointer(rebasing: $0[(j * n)..<((j + 1) * n)]))
            }
            var combination: [RegressionError.Collinearity.Term] = []
            for (position, k) in earlier.enumerated() {
                let columnNorm = design.values.withUnsafeBufferPointer {
                    LeastSquaresFactorization.norm(UnsafeBufferPointer(rebasing: $0[(k * n)..<((k + 1) * n)]))
                }
                if abs(coefficients[position]) * columnNorm > 1e-7 * norm {
                    combination.append(.init(name: names[k], coefficient: coefficients[position]))
                }
            }
            result.append(.init(column: names[j], combination: combination))
        }
        return result
    }

    /// Ridge: least squares on A augmented with the rows diag(√(λ·SSⱼ)), refined like any other fit.
    static func fitRidge(a: [Double], b: [Double], design: Matrix, response: [Double], weights: [Double]?, root: [Double]?,
                         lambda: Double, columnNames: [String], hasIntercept: Bool, options: RegressionOptions,
                         provenance: FitProvenance) throws -> LinearModel
    {
        var provenance = provenance
        let n = design.rows, p = design.columns
        var penalty = [Double](repeating: 0, count: p)
        let totalWeight = weights.map { Compensated.sum($0) } ?? Double(n)
        for j in 0..<p where !(hasIntercept && j == 0) {
            let column = Array(design.column(j))
            var mean = CompensatedSum()
            for i in 0..<n { mean.addProduct(weights?[i] ?? 1, column[i]) }
            let m = mean.value / totalWeight
            let centered = column.map { $0 - m }
            penalty[j] = lambda * Compensated.weightedSumOfSquares(centered, weights: weights)
        }
        let rows = n + p
        var augmented = [Double](repeating: 0, count: rows * p)
        for j in 0..<p {
            for i in 0..<n { augmented[i + j * rows] = a[i + j * n] }
            augmented[n + j + j * rows] = penalty[j].squareRoot()
        }
        let factorization = try LeastSquaresFactorization(design: augmented, rows: rows, columns: p)
        let (beta, _, steps) = try factorization.solve(b + [Double](repeating: 0, count: p))
        let ginv = try factorization.inverseGram(refined: false)
        // Cov(β̂) = σ²·G⁻¹AᵀAG⁻¹ with G = AᵀA + Γ, and AᵀA = G − Γ, so G⁻¹AᵀAG⁻¹ = G⁻¹ − G⁻¹ΓG⁻¹.
        var normalized = ginv
        for j in 0..<p {
            for i in 0..<p {
                var correction = 0.0
                for k in 0..<p where penalty[k] != 0 { correction += ginv[i + k * p] * penalty[k] * ginv[k + j * p] }
                normalized[i + j * p] -= correction
            }
        }
        let effectiveParameters = Double(p) - (0..<p).reduce(0.0) { $0 + penalty[$1] * ginv[$1 + $1 * p] }
        let fitted = try LAPACK.multiply(a, rows: n, columns: p, vector: beta)
        let weightedResiduals = (0..<n).map { b[$0] - fitted[$0] }
        let plain = try LeastSquaresFactorization(design: a, rows: n, columns: p)
        provenance.refinementSteps = steps
        return try LinearModel(
            design: design, response: response, weights: weights, root: root, coefficients: beta,
            weightedResiduals: weightedResiduals, normalizedCovariance: normalized, factorization: factorization,
            singularValues: try plain.singularValues(),
            columnNames: columnNames, hasIntercept: hasIntercept, options: options,
            ridge: (lambda, effectiveParameters), provenance: provenance)
    }
}
