import Foundation

/// Scenarios and goal seeking with a count model (`--family poisson|negbin`).
///
/// Totals (the baseline, each scenario) are predictive distributions of sums of counts
/// (`CountPrediction.total(_:label:addingLinearPredictorCovariance:)`) with whole-number bands. A
/// difference of expected counts D = Σ_scenario E e^η − Σ_baseline E e^η (the predictive means shown, additive
/// over rows, so teams add up to the total) has its interval by the delta method on the log scale:
/// ∇_β D = Σ_s μᵢxᵢ − Σ_b μⱼxⱼ, Var D = ∇ᵀV∇, plus the projected activities' error carried
/// through μ·∂η/∂activity (scaled by each change, as the linear path does); the counts' own randomness is
/// left out, as the noise is for linear models: the same reps and periods are compared. The interval is of
/// the expected change, so it is not whole numbers.
struct CountScenarioEvaluation {
    var prediction: CountPrediction
    /// Positions (into the prediction) of the horizon quarter's rows.
    var horizonPositions: [Int]
    /// The team of each of ``horizonPositions`` (`""` for none).
    var horizonTeams: [String]
    /// The rep of each prediction position.
    var repOfPosition: [String]
    var warnings: [String]
    var data: Dataset

    /// ``horizonPositions`` by team, each in prediction order.
    var positionsByTeam: [String: [Int]] { ScenarioPlanner.grouped(horizonPositions, by: horizonTeams) }
}

extension ScenarioPlanner {
    /// The scenario's data predicted with the count model.
    func evaluateCounts(_ scenario: Scenario, scale: (columns: [String], factor: Double)? = nil) throws -> CountScenarioEvaluation {
        let applied = try apply(scenario, scale: scale)
        let prediction = try frame.reportingPlanLevels {
            try frame.model.predictCounts(applied.data, level: frame.request.level, only: applied.only, rowIntervals: false,
                                          reusing: frame.panel(applied.rowsAsBuilt))
        }
        let (positions, teams) = try horizonPositions(of: prediction.rows, in: applied)
        let offset = frame.history.rowCount
        return CountScenarioEvaluation(prediction: prediction, horizonPositions: positions, horizonTeams: teams,
                                       repOfPosition: prediction.rows.map { $0 >= offset ? applied.reps[$0 - offset] : "" },
                                       warnings: try extrapolation(applied.data, only: applied.only, scenario: scenario, scale: scale),
                                       data: applied.data)
    }

    /// The projection sensitivities of η measured at the baseline, once.
    func countSensitivity(_ base: CountScenarioEvaluation, notes: inout [String]) throws -> ProjectionSensitivity? {
        let built = frame.built
        return try frame.projectionSensitivity(rows: base.prediction.rows, notes: &notes) { data in
            try frame.reportingPlanLevels { try frame.model.countLinearPredictors(data, only: built.future, reusing: frame.builtPanel) }
        }
    }
}

extension ProjectionSensitivity {
    /// The sensitivities carried to another evaluation of the same frame: each of its positions takes the
    /// baseline gradient of its dataset row (none for added reps), times `factor(rep, activity)` (the chain
    /// rule through a scenario's changes) and times `weight(position)` (μ for gradients of expected counts).
    func carried(from baseRows: [Int], to rows: [Int], reps: [String], factor: (String, String) -> Double,
                 weight: (Int) -> Double = { _ in 1 }) -> ProjectionSensitivity {
        var positionOfRow: [Int: Int] = [:]
        for (position, row) in baseRows.enumerated() { positionOfRow[row] = position }
        let a = errors.activities.count
        let moved: [[Double]?] = rows.enumerated().map { position, row in
            guard let base = positionOfRow[row], let g = gradients[base] else { return nil }
            let factors = errors.activities.map { factor(reps[position], $0) }
            let w = weight(position)
            return g.indices.map { g[$0] * factors[$0 % a] * w }
        }
        return ProjectionSensitivity(errors: errors, gradients: moved, repOfPosition: reps, teamOf: teamOf, repOrder: repOrder)
    }

    /// The projection covariance matrix of η over `positions` (k × k, row-major).
    func covarianceMatrix(_ positions: [Int]) -> [Double] {
        let k = positions.count
        var result = [Double](repeating: 0, count: k * k)
        for a in 0..<k {
            for b in a..<k {
                let value = covariance(positions[a], positions[b])
                result[a * k + b] = value
                result[b * k + a] = value
            }
        }
        return result
    }
}

/// ``whatIf(history:model:request:scenarios:)`` for a count model (see ``CountScenarioEvaluation``).
func countWhatIf(frame: PlanningFrame, model: LinearModel, request: ForecastRequest, scenarios: [Scenario]) throws -> WhatIfReport {
    let planner = ScenarioPlanner(frame: frame)
    let base = try planner.evaluateCounts(Scenario(name: "Baseline"))
    var notes = frame.built.warnings
    let sensitivity = try planner.countSensitivity(base, notes: &notes)
    func total(_ run: CountScenarioEvaluation, _ positions: [Int], label: String, factor: @escaping (String, String) -> Double) -> CountTotal {
        let carried = sensitivity?.carried(from: base.prediction.rows, to: run.prediction.rows, reps: run.repOfPosition, factor: factor)
        return run.prediction.total(positions, label: label, addingLinearPredictorCovariance: carried?.covarianceMatrix(positions))
    }
    let baselineCounts = total(base, base.horizonPositions, label: "Baseline") { _, _ in 1 }
    /// Each position's predictive mean E e^η = exp(η̂ + (se² + projection variance)/2): additive over positions, so
    /// the teams' changes add up to the total's and each total's mean is the sum of its rows'.
    func predictiveMeans(_ run: CountScenarioEvaluation, factor: (String, String) -> Double) -> [Double] {
        let carried = sensitivity?.carried(from: base.prediction.rows, to: run.prediction.rows, reps: run.repOfPosition, factor: factor)
        return run.prediction.linearPredictor.indices.map { i in
            let se = run.prediction.linearPredictorSE[i]
            return Foundation.exp(run.prediction.linearPredictor[i] + (se * se + (carried?.covariance(i, i) ?? 0)) / 2)
        }
    }
    let baseMeans = predictiveMeans(base) { _, _ in 1 }
    let z = NormalDistribution.standard.quantile(0.5 + request.level / 2)
    /// The expected difference (scenario − baseline) over the given positions, with its standard error and projection part.
    func difference(_ run: CountScenarioEvaluation, _ runMeans: [Double], _ runPositions: [Int], _ basePositions: [Int],
                    factor: @escaping (String, String) -> Double) -> (mean: Double, standardError: Double, projection: Double)
    {
        let mean = runPositions.reduce(0) { $0 + runMeans[$1] } - basePositions.reduce(0) { $0 + baseMeans[$1] }
        let gs = run.prediction.meanGradient(runPositions), gb = base.prediction.meanGradient(basePositions)
        let estimates = base.prediction.quadratic(zip(gs, gb).map { $0 - $1 })
        var projection = 0.0
        if let sensitivity {
            // Count-space gradients μ·∂η/∂activity, per rep: the scenario's (scaled by its changes) minus the baseline's.
            let scenarioSide = sensitivity.carried(from: base.prediction.rows, to: run.prediction.rows, reps: run.repOfPosition,
                                                   factor: factor, weight: { run.prediction.mean[$0] })
            let baseSide = sensitivity.carried(from: base.prediction.rows, to: base.prediction.rows, reps: base.repOfPosition,
                                               factor: { _, _ in 1 }, weight: { base.prediction.mean[$0] })
            var perRep = scenarioSide.repGradients(runPositions)
            for (rep, g) in baseSide.repGradients(basePositions) {
                var sum = perRep[rep] ?? [Double](repeating: 0, count: g.count)
                for i in g.indices { sum[i] -= g[i] }
                perRep[rep] = sum
            }
            projection = sensitivity.variance(of: perRep)
        }
        return (mean, (estimates + projection).squareRoot(), projection)
    }
    let baseTeams = base.positionsByTeam
    var outcomes: [ScenarioOutcome] = []
    for scenario in scenarios {
        let run = try planner.evaluateCounts(scenario)
        let factor = planner.projectionFactor(scenario)
        let counts = total(run, run.horizonPositions, label: scenario.name, factor: factor)
        let runMeans = predictiveMeans(run, factor: factor)
        let d = difference(run, runMeans, run.horizonPositions, base.horizonPositions, factor: factor)
        var teams: [ScenarioOutcome.TeamOutcome] = []
        let runTeams = run.positionsByTeam
        for team in Set(baseTeams.keys).union(runTeams.keys).sorted() {
            let a = baseTeams[team] ?? [], b = runTeams[team] ?? []
            let t = difference(run, runMeans, b, a, factor: factor)
            let baseMean = a.reduce(0) { $0 + baseMeans[$1] }
            teams.append(.init(team: team, baseline: baseMean, scenario: baseMean + t.mean, difference: t.mean,
                               differenceInterval: Interval(center: t.mean, halfWidth: z * t.standardError)))
        }
        var outcome = ScenarioOutcome(
            name: scenario.name, summary: scenario.summary, baseline: baselineCounts.mean, scenario: counts.rollUp,
            difference: d.mean, differenceSE: d.standardError, differenceInterval: Interval(center: d.mean, halfWidth: z * d.standardError),
            teams: teams, warnings: run.warnings, differenceProjectionVariance: d.projection)
        outcome.scenarioCounts = counts
        outcomes.append(outcome)
    }
    let formula = try model.requiredFormula
    var report = WhatIfReport(horizon: request.horizon, response: formula.response?.name ?? "y", formula: formula.text,
                              activities: frame.activitiesDescription, level: request.level, covarianceType: model.covarianceType,
                              baseline: baselineCounts.rollUp, outcomes: outcomes, warnings: notes)
    report.baselineCounts = baselineCounts
    report.family = model.family
    return report
}

/// ``goalSeek(history:model:request:activities:target:confidence:)``'s totals for a count model: the expected
/// count and P(count ≥ target) from the predictive distribution of the quarter's sum at each scaling.
func countGoalTotals(planner: ScenarioPlanner, activities: [String], target: Double, notes: inout [String]) throws
    -> (Double) throws -> (mean: Double, probability: Double)
{
    let none = Scenario(name: "goal")
    let base = try planner.evaluateCounts(none)
    let sensitivity = try planner.countSensitivity(base, notes: &notes)
    return { s in
        let run = try planner.evaluateCounts(none, scale: (activities, s))
        let factor = planner.projectionFactor(none, scale: (activities, s))
        let added = sensitivity.map {
            $0.carried(from: base.prediction.rows, to: run.prediction.rows, reps: run.repOfPosition, factor: factor)
                .covarianceMatrix(run.horizonPositions)
        }
        let counts = run.prediction.total(run.horizonPositions, label: "", addingLinearPredictorCovariance: added)
        return (counts.mean, counts.probability(ofReaching: target))
    }
}
