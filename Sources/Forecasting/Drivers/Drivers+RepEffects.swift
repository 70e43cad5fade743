import Foundation

/// An activity's effect when a rep does more of it (within) and across reps that do more of it
/// (between), beside the pooled effect that mixes the two.
///
/// From Mundlak's model: the formula with `(1 | rep)` and each activity's rep mean added; the
/// activity's coefficient is the within-rep effect, and its coefficient plus the mean's is the
/// between-rep effect. A busy rep whose extra activity does not turn into results shows as a
/// within effect near the pooled one and a between effect below it (or the other way round).
public struct WithinBetweenEffect: Sendable {
    /// The activity column.
    public var activity: String
    /// The model term that carries it, e.g. `lag(demos, 1)`.
    public var term: String
    /// The pooled effect (the drivers' model) with its interval.
    public var pooled: Double, pooledInterval: Interval
    /// "When this rep does more": the effect within reps, with its interval.
    public var within: Double, withinInterval: Interval
    /// "Reps who do more": the effect between reps' averages, with its interval.
    public var between: Double, betweenInterval: Interval
}

/// The rep-effect parts of a drivers report: within and between effects, and each rep's productivity.
struct RepEffectsAnalysis {
    var effects: [WithinBetweenEffect]
    /// Rep name → (conditional mode of its intercept, its conditional standard error).
    var productivity: [String: (mode: Double, standardError: Double)]
}

extension RepEffectsAnalysis {
    /// Fits Mundlak's model for `activities` (column → coefficient index in `pooled`) and reads each
    /// rep's productivity from a random intercept: the conditional mode of `(1 | rep)` in the drivers'
    /// fixed part (the model itself when it already has one).
    static func analyse(history: Dataset, formula: Formula, layout: PanelLayout, panel: Panel, pooled: LinearModel,
                        activities: [(column: String, coefficient: Int)], level: Double, options: RegressionOptions) throws -> RepEffectsAnalysis? {
        guard let entity = layout.entity else { return nil }
        var options = options
        options.covariance = .nonrobust
        options.weights = nil
        // The fixed part as written (random terms dropped), then (1 | rep) and each activity's rep mean.
        let fixedPart = try RandomTermSyntax.split(formula.text).fixed
        var data = history
        var means: [String] = []
        for (column, _) in activities {
            let values = try history.numbers(column)
            // Sums per rep code (dense), one pass over the rows.
            var sums = [(Double, Int)](repeating: (0, 0), count: panel.entityCount)
            for row in 0..<history.rowCount where panel.entities[row] >= 0 && !values[row].isNaN {
                let e = Int(panel.entities[row])
                sums[e] = (sums[e].0 + values[row], sums[e].1 + 1)
            }
            let name = "__rep_mean_\(column)"
            data = try data.replacingColumn(name, with: .numeric((0..<history.rowCount).map { row in
                let e = Int(panel.entities[row])
                guard e >= 0, sums[e].1 > 0 else { return .nan }
                return sums[e].0 / Double(sums[e].1)
            }))
            means.append(name)
        }
        let repTerm = " + (1 | \(SalesHistory.quoted(entity)))"
        let intercepts = try fit(Formula(fixedPart + repTerm), to: data, panel: panel, only: nil, options: options)
        var productivity: [String: (Double, Double)] = [:]
        if let mixed = intercepts.mixedEffects, let k = mixed.interceptTerm(of: entity) {
            let modes = mixed.conditionalModes[k]
            let se = modes.conditionalStandardErrors
            for (l, name) in modes.levelNames.enumerated() { productivity[name] = (modes.values[l, 0], se[l, 0]) }
        }
        guard !activities.isEmpty else { return RepEffectsAnalysis(effects: [], productivity: productivity) }
        let mundlak = try fit(Formula(fixedPart + means.map { " + `\($0)`" }.joined() + repTerm), to: data, panel: panel, only: nil, options: options)
        guard let fitted = mundlak.mixedEffects?.engineFit else { return RepEffectsAnalysis(effects: [], productivity: productivity) }
        let pooledIntervals = try pooled.confidenceIntervals(level: level)
        let withinIntervals = try mundlak.confidenceIntervals(level: level)
        var effects: [WithinBetweenEffect] = []
        for (k, (column, j)) in activities.enumerated() {
            let term = pooled.columnNames[j]
            guard let w = mundlak.columnNames.firstIndex(of: term), let m = mundlak.columnNames.firstIndex(of: means[k]) else { continue }
            var contrast = [Double](repeating: 0, count: mundlak.coefficients.count)
            contrast[w] = 1
            contrast[m] = 1
            let between = try fitted.contrastTest(contrast, name: column, distributions: StandardDistributions(), confidenceLevel: level)
            effects.append(WithinBetweenEffect(
                activity: column, term: term, pooled: pooled.coefficients[j], pooledInterval: pooledIntervals[j],
                within: mundlak.coefficients[w], withinInterval: withinIntervals[w],
                between: between.estimate, betweenInterval: Interval(lower: between.lowerBound, upper: between.upperBound)))
        }
        return RepEffectsAnalysis(effects: effects, productivity: productivity)
    }
}
