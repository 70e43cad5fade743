/// What a fit knows besides its estimates: the formula and data it came from, the rows it used and
/// what it learned from them. Set once when the model is built; a model read from a file keeps the
/// parts prediction needs.
struct FitProvenance: Sendable {
    var formula: Formula?
    var responseName = "y"
    var weightsColumn: String?
    var droppedRows = 0
    var rowsWithoutHistory = 0
    var panel: PanelLayout?
    var gapSummary: String?
    /// The dataset row of each fitted row.
    var fittedRows: [Int] = []
    /// The 1-based source line of each fitted row; `nil` means row i is on line i + 2.
    var rowLines: [Int]?
    var ranges: [String: [Double]] = [:]
    var encodings: [String: FactorEncoding] = [:]
    var refinementSteps = 0
    /// The data and panel fitted, for covariances computed later (clusters, HAC) and for forecasts.
    var sourceData: Dataset?
    var sourcePanel: Panel?
    /// statsmodels' `use_correction` and `df_correction` for clustered covariances.
    var clusterCorrection = true, clusterDegreesOfFreedom = true
    /// Notes the way of fitting adds to ``LinearModel/notes()``.
    var notes: [String] = []
    /// Residual statistics gathered in a pass over a file, for a fit whose rows are not kept.
    var residualSummary: ResidualSummary?
    /// For a fit made a block of rows at a time that read part of the file again: says so (one line).
    var streamingFallback: String?
    /// The triangular factor of a fit made a block of rows at a time, to merge with others.
    var leastSquaresFactor: LeastSquaresFactor?
    /// The model file's extra fields, for a model read from a file (R² and σ as written).
    var savedRSquared: Double?
    /// The random-effect part of a linear mixed model.
    var mixed: MixedEffects?
    /// The generalized part of a model fitted with a count family.
    var generalized: GeneralizedLinearFit?
}

extension LinearModel {
    /// The formula, parsed once; `nil` for a fit of a design matrix built by the caller.
    public var formula: Formula? { provenance.formula }
    /// The response's name.
    public var responseName: String { provenance.responseName }
    /// The weights column, for weighted least squares.
    public var weightsColumn: String? { provenance.weightsColumn }
    /// Rows dropped for missing values before the fit.
    public var droppedRows: Int { provenance.droppedRows }
    /// Rows dropped because a time term had no value (the first k periods of each rep for `lag(x, k)`).
    public var rowsWithoutHistory: Int { provenance.rowsWithoutHistory }
    /// The panel's columns, when the fit used periods.
    public var panel: PanelLayout? { provenance.panel }
    /// Gaps in the panel's periods, in one line, when there are any.
    public var gapSummary: String? { provenance.gapSummary }
    /// The dataset row of each fitted row.
    public var fittedRows: [Int] { provenance.fittedRows }
    /// The 1-based source line of each fitted row, for pointing at influential rows.
    public var rowLines: [Int] { provenance.rowLines ?? (0..<residuals.count).map { $0 + 2 } }
    /// [minimum, maximum] of each numeric column the model reads, over the rows fitted.
    public var ranges: [String: [Double]] { provenance.ranges }
    /// Levels and statistics learned from the data, needed to build new rows for prediction.
    public var encodings: [String: FactorEncoding] { provenance.encodings }
    /// How many steps of iterative refinement the solution took.
    public var refinementSteps: Int { provenance.refinementSteps }
    /// The triangular factor of a fit made a block of rows at a time, to merge with others
    /// (``LeastSquaresFactor/merge(_:)``); `nil` for an in-memory fit.
    public var leastSquaresFactor: LeastSquaresFactor? { provenance.leastSquaresFactor }
    /// The data the model was fitted on, when it was fitted in memory (`nil` for a model read from a file).
    public var trainingData: Dataset? { provenance.sourceData }
    var residualSummary: ResidualSummary? { provenance.residualSummary }
    var extraNotes: [String] { provenance.notes }

    /// The exchangeable correlation of residuals within an entity (a rep), by the moment estimator GEE uses:
    /// ρ̂ = Σₑ Σ_{s≠t} eₛeₜ / (σ̂² Σₑ nₑ(nₑ − 1)), clipped to [0, 1). A rep's persistent over- or
    /// under-performance makes its periods' errors move together, so the total of a rep's quarter varies
    /// more than independent periods would; roll-ups use ρ̂ to say so.
    static func withinEntityCorrelation(residuals: [Double], entities: [Int32], scale: Double) -> Double? {
        // Entity codes are dense (0 ..< levels): arrays, summed in code order (the same bits every run).
        let levels = Int(entities.max() ?? -1) + 1
        var sum = [Double](repeating: 0, count: levels), squares = sum, count = [Int](repeating: 0, count: levels)
        for (e, r) in zip(entities, residuals) where e >= 0 {
            sum[Int(e)] += r
            squares[Int(e)] += r * r
            count[Int(e)] += 1
        }
        var cross = 0.0, pairs = 0.0
        for e in 0..<levels where count[e] > 1 {
            cross += sum[e] * sum[e] - squares[e]
            pairs += Double(count[e]) * Double(count[e] - 1)
        }
        guard pairs > 0, scale > 0, scale.isFinite else { return nil }
        return min(0.999, max(0, cross / pairs / scale))
    }
}

extension LinearModel {
    /// The formula, for work that builds rows from data (forecasts, scenarios).
    /// - Throws: ``RegressionError/noFormula`` for a model fitted on a design matrix.
    package var requiredFormula: Formula {
        get throws(RegressionError) {
            guard let formula else { throw .noFormula }
            return formula
        }
    }
}
