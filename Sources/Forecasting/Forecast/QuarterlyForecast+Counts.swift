import Foundation

extension ForecastLine {
    /// The prediction interval at the forecast's level: whole counts for a count model, the roll-up's otherwise.
    public var predictionInterval: Interval { predictionInterval(level: rollUp.level) }

    /// The prediction interval at `level`: whole counts (equal-tailed quantiles of the count's predictive
    /// distribution) for a count model, the roll-up's Student t interval otherwise.
    public func predictionInterval(level: Double) -> Interval {
        guard let counts else { return rollUp.interval(level: level) }
        let band = counts.interval(level: level)
        return Interval(lower: Double(band.lower), upper: Double(band.upper))
    }

    /// The probability that the line's realized total reaches `target`: from the count's predictive
    /// distribution, P(count ≥ ⌈target⌉), for a count model; from the roll-up otherwise.
    public func probability(ofReaching target: Double) -> Double {
        counts?.probability(ofReaching: target) ?? rollUp.probability(ofReaching: target)
    }
}

extension ProjectionSensitivity {
    /// The covariance of the predicted values at prediction positions `a` and `b` from the projection errors:
    /// the bilinear form of ``ProjectionErrorModel/variance(of:)`` (a rep's own moments within a rep, the
    /// team's shared part between two reps of one team, the shared part across teams otherwise).
    func covariance(_ a: Int, _ b: Int) -> Double {
        guard let ga = gradients[a], let gb = gradients[b] else { return 0 }
        let repA = repOfPosition[a], repB = repOfPosition[b]
        let teamA = teamOf[repA] ?? "", teamB = teamOf[repB] ?? ""
        let u = errors.scaled(ga, rep: repA), w = errors.scaled(gb, rep: repB)
        let matrix: [Double]? = repA == repB ? errors.moments(ofTeam: teamA)
            : teamA == teamB ? errors.sharedWithinTeam[teamA] : errors.sharedAcrossTeams
        guard let matrix else { return 0 }
        let d = errors.dimension
        var total = 0.0
        // Symmetrized: a shared cross-product matrix need not be exactly symmetric.
        for i in 0..<d where u[i] != 0 || w[i] != 0 {
            for j in 0..<d { total += 0.5 * (u[i] * matrix[i * d + j] * w[j] + w[i] * matrix[i * d + j] * u[j]) }
        }
        return total
    }
}

/// Forecasts the quarter with a count model (`--family poisson|negbin`): each line's expected count and
/// whole-number bands from the predictive distribution of its sum (`CountPrediction.total(_:label:addingLinearPredictorCovariance:)`).
///
/// Uncertainty enters through the linear predictor η = xβ + offset: the estimates' covariance xᵢVxⱼᵀ and,
/// where activities are projected, the projection errors carried to η by the same cell nudging the linear
/// forecast uses (on the log scale here). The counts' own randomness (Poisson, or NB2 with θ̂) is the
/// noise part; rep effects and per-team noise scales are not part of a count model.
func forecastCountQuarter(history: Dataset, model: LinearModel, request: ForecastRequest) throws -> QuarterlyForecast {
    let frame = try PlanningFrame(history: history, model: model, request: request)
    let built = frame.built
    let prediction = try frame.reportingPlanLevels {
        try model.predictCounts(built.data, level: request.level, only: built.future, rowIntervals: true, reusing: frame.builtPanel)
    }

    let (byRep, repOrder) = frame.repPositions(of: prediction.rows)
    let offset = history.rowCount
    var warnings = built.warnings
    let sensitivity = try frame.projectionSensitivity(rows: prediction.rows, notes: &warnings) { data in
        try frame.reportingPlanLevels { try model.countLinearPredictors(data, only: built.future, reusing: frame.builtPanel) }
    }
    let teamOf = try frame.teams()

    // The projection covariance of η between every two horizon positions, computed once.
    let horizon = repOrder.flatMap { byRep[$0] ?? [] }
    var index: [Int: Int] = [:]
    for (i, position) in horizon.enumerated() { index[position] = i }
    let n = horizon.count
    var projection = [Double]()
    if let sensitivity {
        projection = [Double](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in a..<n {
                let value = sensitivity.covariance(horizon[a], horizon[b])
                projection[a * n + b] = value
                projection[b * n + a] = value
            }
        }
    }
    func added(_ positions: [Int]) -> [Double]? {
        guard sensitivity != nil else { return nil }
        let rows = positions.map { index[$0] ?? 0 }
        return rows.flatMap { a in rows.map { b in projection[a * n + b] } }
    }

    var detail: [QuarterlyForecast.PeriodForecast] = []
    for rep in repOrder {
        for position in byRep[rep] ?? [] {
            let k = prediction.rows[position] - offset
            let i = index[position] ?? 0
            let distribution = prediction.distribution(at: position, addingLinearPredictorVariance: sensitivity == nil ? 0 : projection[i * n + i])
            let interval = Interval(lower: Double(distribution.quantile((1 - request.level) / 2)),
                                    upper: Double(distribution.quantile(1 - (1 - request.level) / 2)))
            detail.append(.init(rep: built.futureEntities[k], period: built.futurePeriods[k], mean: distribution.mean, interval: interval))
        }
    }
    let expected = frame.quarterPeriods.count
    let incomplete = repOrder.filter { (byRep[$0]?.count ?? 0) < expected }
    if !incomplete.isEmpty {
        warnings.append("\(incomplete.count) reps lack a forecast for some periods (missing activities or lags): \(incomplete.prefix(5).joined(separator: ", "))")
    }
    if let gaps = frame.panel.gapSummary { warnings.append("gaps in the history: \(gaps)") }
    if let rows = model.generalized?.rowsAtZeroBoundary, !rows.isEmpty {
        warnings.append("\(rows.count) fitted rows have an expected count near 0 with a count of 0: a category or combination with only zeros (separation); its forecasts are near 0")
    }

    func line(_ kind: ForecastLine.Kind, _ name: String, _ positions: [Int], group: String? = nil, source: ActivitySource? = nil) -> ForecastLine {
        let counts = prediction.total(positions, label: name, addingLinearPredictorCovariance: added(positions))
        let projectionPart = sensitivity == nil ? 0 : max(0, counts.variance - counts.countVariance - counts.estimatesVariance)
        let quota = request.quotas[name]
        return ForecastLine(kind: kind, name: name, group: group, rollUp: counts.rollUp, quota: quota,
                            quotaProbability: quota.map { counts.probability(ofReaching: $0) }, activitySource: source,
                            variance: ForecastVariance(estimates: counts.estimatesVariance, repEffect: 0, noise: counts.countVariance,
                                                       projection: projectionPart),
                            counts: counts)
    }
    let reps = repOrder.map { line(.rep, $0, byRep[$0] ?? [], group: teamOf[$0], source: built.sources[$0]) }
    var teams: [ForecastLine] = []
    if request.layout.group != nil {
        for team in Set(teamOf.values).sorted() {
            teams.append(line(.team, team, repOrder.filter { teamOf[$0] == team }.flatMap { byRep[$0] ?? [] }))
        }
    }
    let total = line(.total, "Total", horizon)
    let formula = try model.requiredFormula
    var run = QuarterlyForecast(horizon: request.horizon, periods: frame.quarterPeriods, response: formula.response?.name ?? "y",
                                formula: formula.text, activities: frame.activitiesDescription, level: request.level,
                                covarianceType: model.covarianceType, reps: reps, teams: teams, total: total,
                                warnings: warnings, detail: detail)
    run.family = model.family
    return run
}
