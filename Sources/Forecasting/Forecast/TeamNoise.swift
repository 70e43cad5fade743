/// The noise of each team relative to the model's single residual variance, from the fit's own residuals.
///
/// A linear model has one noise variance; sales teams rarely do (a team closing more, or larger,
/// deals has a noisier quarter: for counts of deals the variance grows with the mean). Each team's
/// mean squared residual over the rows fitted, divided by the mean over every row, scales the noise
/// part of its reps' and its own intervals. A small team is shrunk toward 1 (the model's noise) by
/// ``shrinkageRows`` rows' worth of the pooled mean square.
struct TeamNoise: Sendable {
    /// Per team: its noise variance over the model's (1 = the model's).
    let scale: [String: Double]

    /// Rows' worth of the pooled mean square a team's own residuals are shrunk with.
    static let shrinkageRows = 30.0

    /// The scales from `model`'s residuals and training data; `nil` without teams or without the data
    /// the model was fitted on (a model read from a file), where the model's one noise variance is used.
    static func measure(model: LinearModel, layout: PanelLayout) -> TeamNoise? {
        guard let group = layout.group, let data = model.trainingData, data.hasColumn(group),
              case .text(let teams)? = try? data.column(group) else { return nil }
        let rows = model.fittedRows, residuals = model.residuals
        guard rows.count == residuals.count, !rows.isEmpty else { return nil }
        var squares: [String: Double] = [:], counts: [String: Double] = [:]
        var total = 0.0
        for (i, row) in rows.enumerated() where row < data.rowCount && residuals[i].isFinite {
            let team = teams[row] ?? ""
            squares[team, default: 0] += residuals[i] * residuals[i]
            counts[team, default: 0] += 1
            total += residuals[i] * residuals[i]
        }
        let n = counts.values.reduce(0, +)
        guard n > 0, total > 0, squares.count > 1 else { return nil }
        let pooled = total / n
        return TeamNoise(scale: squares.mapValues { $0 }.reduce(into: [:]) { result, entry in
            let count = counts[entry.key] ?? 0
            result[entry.key] = (entry.value + shrinkageRows * pooled) / ((count + shrinkageRows) * pooled)
        })
    }
}
