/// How a forecast's projected activities move its predictions: the derivative of each predicted row's
/// mean with respect to each projected activity of its rep in each future period, found by moving one
/// (period, activity) cell at a time for every rep at once and predicting again. It goes through the
/// whole model (lags, adstock, interactions, season terms, random slopes) and is exact for terms linear
/// in the activities (a first-order linearization otherwise). A rep's rows depend only on that rep's
/// activities, so each move gives every rep's derivatives at once: steps × activities predictions.
struct ProjectionSensitivity: Sendable {
    /// The measured projection errors.
    let errors: ProjectionErrorModel
    /// Per prediction position: the derivative of its mean by (step, activity), `nil` where nothing projected reaches it.
    let gradients: [[Double]?]
    /// The rep of each prediction position (`""` for rows that are not a rep's future).
    let repOfPosition: [String]
    /// Each rep's team (`""` without teams).
    let teamOf: [String: String]
    /// The reps of the positions with gradients, sorted once: the order ``variance(of:)`` sums reps in.
    let repOrder: [String]

    init(errors: ProjectionErrorModel, gradients: [[Double]?], repOfPosition: [String], teamOf: [String: String], repOrder: [String]? = nil) {
        self.errors = errors
        self.gradients = gradients
        self.repOfPosition = repOfPosition
        self.teamOf = teamOf
        self.repOrder = repOrder ?? Set(zip(gradients, repOfPosition).lazy.filter { $0.0 != nil }.map(\.1)).sorted()
    }

    /// The sum of the gradients of `positions`, per rep.
    func repGradients(_ positions: [Int]) -> [String: [Double]] {
        var result: [String: [Double]] = [:]
        for position in positions {
            guard let g = gradients[position] else { continue }
            ProjectionErrorModel.add(g, to: &result[repOfPosition[position], default: [Double](repeating: 0, count: g.count)])
        }
        return result
    }

    /// The projection variance of the sum over `positions`.
    func variance(_ positions: [Int]) -> Double {
        variance(of: repGradients(positions))
    }

    /// The projection variance of a sum whose per-rep gradients are given (after a scenario's changes, say).
    func variance(of repGradients: [String: [Double]]) -> Double {
        errors.variance(of: sortedByRep(repGradients).map { (rep: $0.key, team: teamOf[$0.key] ?? "", gradient: $0.value) })
    }

    /// The entries of `repGradients` by rep name. A sum over many reps (a team, everyone) walks ``repOrder``
    /// rather than sorting the names again; a few reps, or names not in it, are sorted.
    func sortedByRep(_ repGradients: [String: [Double]]) -> [(key: String, value: [Double])] {
        if repGradients.count * 8 >= repOrder.count, repGradients.count > 1 {
            var entries: [(key: String, value: [Double])] = []
            entries.reserveCapacity(repGradients.count)
            for rep in repOrder { if let g = repGradients[rep] { entries.append((rep, g)) } }
            if entries.count == repGradients.count { return entries }
        }
        return repGradients.sorted { $0.key < $1.key }
    }

    /// Gradients multiplied per rep and activity by `factor(rep, activity)`: the chain rule through a scenario's
    /// change of the projected activities (`+20%` gives 1.2, `+5` gives 1, a set value 0).
    func scaled(_ repGradients: [String: [Double]], by factor: (String, String) -> Double) -> [String: [Double]] {
        let a = errors.activities.count
        var result: [String: [Double]] = [:]
        for (rep, g) in repGradients {
            let factors = errors.activities.map { factor(rep, $0) }
            result[rep] = g.indices.map { g[$0] * factors[$0 % a] }
        }
        return result
    }
}

extension PlanningFrame {
    /// The projection errors measured on the history and the sensitivities of `prediction` (of
    /// `built.data`, future rows) to them; `nil` when no activity was projected. Warnings go to `notes`.
    func projectionSensitivity(_ prediction: Prediction, notes: inout [String]) throws -> ProjectionSensitivity? {
        // The nudged data differ from built.data only in activity values, so the frame's panel serves every
        // prediction, and only the means are needed (no standard errors).
        try projectionSensitivity(rows: prediction.rows, notes: &notes) { data in
            try reportingPlanLevels { try model.predictedMeans(data, only: built.future, panel: builtPanel) }
        }
    }

    /// The same for any predicted value per row at the dataset rows `rows` (`predicting` gives them for
    /// `built.data` and for moved copies of it): the mean for a linear model, the linear predictor η for a
    /// count model. The unmoved values come from `predicting` too, so each difference compares like with like.
    func projectionSensitivity(rows: [Int], notes: inout [String],
                               predicting: (Dataset) throws -> (rows: [Int], values: [Double])) throws -> ProjectionSensitivity? {
        let columns = activityColumns.filter { built.projected[$0]?.contains(true) ?? false }
        guard !columns.isEmpty, let last = panel.span?.last, let lastFuture = built.futurePeriods.max() else { return nil }
        let steps = lastFuture.index - last.index
        guard steps > 0 else { return nil }
        // Each rep's team from its last row (as the forecast's lines), by entity code and by name. The pass over
        // the history keeps each rep's latest row in an array by entity code, not a dictionary probed per row.
        var teamOfEntity: [Int32: String] = [:]
        var teamOf: [String: String] = [:]
        if let group = request.layout.group, case .text(let teams) = try history.column(group) {
            var lastRow = [Int](repeating: -1, count: panel.entityCount)
            for row in 0..<history.rowCount where panel.entities[row] >= 0 {
                let e = Int(panel.entities[row])
                if lastRow[e] < 0 || panel.periods[row] >= panel.periods[lastRow[e]] { lastRow[e] = row }
            }
            for (e, row) in lastRow.enumerated() where row >= 0 {
                let team = teams[row] ?? ""
                teamOfEntity[Int32(e)] = team
                teamOf[panel.entityNames[e]] = team
            }
        }
        let errors = try ProjectionErrorModel.estimate(history: history, panel: panel, activities: columns, projection: request.projection,
                                                       steps: steps, teamOf: teamOfEntity)
        guard errors.origins > 0 else {
            notes.append("the history is too short to measure how far projected activities miss (no rep has \(steps) periods after another): the intervals leave that error out")
            return nil
        }
        if !errors.teamsWithoutErrors.isEmpty {
            notes.append("no projection errors could be measured within \(errors.teamsWithoutErrors.joined(separator: ", ")): every rep's errors are used for them")
        }
        // Step size per activity: a thousandth of its typical projection error (exact for linear terms whatever the size).
        let a = columns.count, d = errors.dimension
        let stepSize = (0..<a).map { c -> Double in
            var m = 0.0
            for h in 0..<steps { m += errors.pooled[(h * a + c) * d + h * a + c] }
            let rms = (m / Double(steps)).squareRoot()
            return rms > 0 && rms.isFinite ? 1e-3 * rms : 1e-3
        }
        let offset = history.rowCount
        // The position of each predicted row, by row: an array over the rows, not a dictionary.
        var positionOfRow = [Int](repeating: -1, count: built.data.rowCount)
        for (position, row) in rows.enumerated() where row >= 0 && row < positionOfRow.count { positionOfRow[row] = position }
        var predicted = [Double](repeating: .nan, count: rows.count)
        let unmoved = try predicting(built.data)
        for (position, row) in unmoved.rows.enumerated() where row >= 0 && row < positionOfRow.count && positionOfRow[row] >= 0 {
            predicted[positionOfRow[row]] = unmoved.values[position]
        }
        // Future rows by step.
        var rowsAtStep = [[Int]](repeating: [], count: steps)
        for (k, period) in built.futurePeriods.enumerated() {
            let h = period.index - last.index - 1
            if h >= 0, h < steps { rowsAtStep[h].append(k) }
        }
        var gradients = [[Double]?](repeating: nil, count: rows.count)
        for (c, column) in columns.enumerated() {
            let base = try built.data.numbers(column)
            guard let mask = built.projected[column] else { continue }
            // One copy of the column per activity, moved at one step's cells and put back after each prediction.
            var values = base
            for h in 0..<steps {
                var moved = false
                for k in rowsAtStep[h] where mask[k] && !values[offset + k].isNaN {
                    values[offset + k] += stepSize[c]
                    moved = true
                }
                guard moved else { continue }
                let perturbed = try predicting(try built.data.replacingColumn(column, with: .numeric(values)))
                for k in rowsAtStep[h] { values[offset + k] = base[offset + k] }
                for (position, row) in perturbed.rows.enumerated() {
                    guard row >= 0, row < positionOfRow.count, positionOfRow[row] >= 0 else { continue }
                    let original = positionOfRow[row]
                    let derivative = (perturbed.values[position] - predicted[original]) / stepSize[c]
                    guard derivative != 0, derivative.isFinite else { continue }
                    var g = gradients[original] ?? [Double](repeating: 0, count: d)
                    g[h * a + c] = derivative
                    gradients[original] = g
                }
            }
        }
        let reps = rows.map { row in row >= offset && row - offset < built.futureEntities.count ? built.futureEntities[row - offset] : "" }
        return ProjectionSensitivity(errors: errors, gradients: gradients, repOfPosition: reps, teamOf: teamOf)
    }
}

extension RollUp {
    /// The roll-up with `variance` more in its realized total (the projection's part, or a team's noise above
    /// the model's; less for a quieter team): the interval and the quota probability change; the mean's
    /// confidence interval (the estimates alone) does not, and the total never falls below it.
    func adding(variance: Double) -> RollUp {
        guard variance != 0, variance.isFinite else { return self }
        var copy = self
        copy.observationSE = max(meanSE * meanSE, observationSE * observationSE + variance).squareRoot()
        return copy
    }
}
