/// What it takes to reach a target: the level of one activity, or an even scaling of several.
public struct GoalSeekResult: Sendable {
    /// The activities scaled together.
    public var activities: [String]
    /// The target total for the horizon quarter.
    public var target: Double
    /// The expected total and the chance of reaching the target with the baseline plan.
    public var baselineMean: Double, baselineProbability: Double
    /// The average baseline level of each activity per rep and period in the quarter.
    public var baselineLevels: [String: Double]
    /// The scaling (1 = baseline) at which the expected total equals the target, and the levels it means.
    public var expectedScale: Double
    /// The average level of each activity per rep and period at the expected scaling.
    public var expectedLevels: [String: Double]
    /// The confidence asked for, and the scaling at which the target is reached with that probability.
    public var confidence: Double?
    /// The scaling at which the target is reached with the asked-for probability; `nil` when no confidence was asked for.
    public var confidentScale: Double?
    /// The average level of each activity per rep and period at that scaling; `nil` when no confidence was asked for.
    public var confidentLevels: [String: Double]?
    /// Extrapolation and other notes.
    public var warnings: [String]
}

/// Finds how much of `activities` (scaled evenly from the baseline plan) reaches `target` for the horizon
/// quarter: as an expected value and, when `confidence` is given (e.g. 0.8), with that probability
/// under the predictive distribution.
///
/// - Throws: ``ScenarioError/unreachable(_:)`` when more of the activities does not raise the result,
///   or the target needs more than 100 times the baseline.
package func goalSeek(history: Dataset?, model: LinearModel, request: ForecastRequest, activities: [String],
                     target: Double, confidence: Double? = nil) throws -> GoalSeekResult
{
    let frame = try PlanningFrame(history: history, model: model, request: request)
    let planner = ScenarioPlanner(frame: frame)
    for activity in activities where !frame.activityColumns.contains(activity) {
        throw ScenarioError.unknownActivity(activity, known: frame.activityColumns)
    }
    guard !activities.isEmpty else { throw ScenarioError.unknownActivity("", known: frame.activityColumns) }
    if let confidence, !(confidence > 0 && confidence < 1) { throw RegressionError.invalidLevel(confidence) }
    let none = Scenario(name: "goal")
    // Projected activities' error, measured once at the baseline and scaled with the activities (their miss scales too).
    var projectionNotes: [String] = []
    let isCount = model.generalized != nil
    let countTotals = isCount ? try countGoalTotals(planner: planner, activities: activities, target: target, notes: &projectionNotes) : nil
    let base0 = isCount ? nil : try planner.evaluate(none)
    let sensitivity = try base0.flatMap { try frame.projectionSensitivity($0.prediction, notes: &projectionNotes) }
    let baseGradients = base0.flatMap { base in sensitivity?.repGradients(base.horizonPositions) } ?? [:]
    func total(_ s: Double) throws -> (mean: Double, probability: Double) {
        if let countTotals { return try countTotals(s) }
        let run = try planner.evaluate(none, scale: (activities, s))
        var rollUp = run.prediction.total(run.horizonPositions, label: "")
        if let sensitivity {
            let factor = planner.projectionFactor(none, scale: (activities, s))
            rollUp = rollUp.adding(variance: sensitivity.variance(of: sensitivity.scaled(baseGradients, by: factor)))
        }
        return (rollUp.mean, rollUp.probability(ofReaching: target))
    }
    let baseline = try total(1)
    let more = try total(2)
    guard more.mean > baseline.mean else {
        throw ScenarioError.unreachable("more \(activities.joined(separator: " and ")) does not raise the expected \((try model.requiredFormula).response?.name ?? "result") in this model, so no level of them reaches the target")
    }
    /// Bisection for the smallest s ≥ 0 with value(s) ≥ goal, value increasing in s.
    func solve(_ value: (Double) throws -> Double, _ goal: Double) throws -> Double {
        if try value(0) >= goal { return 0 }
        var low = 0.0, high = 1.0
        while try value(high) < goal {
            low = high
            high *= 2
            guard high <= 128 else {
                throw ScenarioError.unreachable("the target \(QuarterlyForecast.amount(target)) needs more than 100 times the baseline \(activities.joined(separator: ", "))")
            }
        }
        for _ in 0..<60 where high - low > 1e-10 * high {
            let mid = (low + high) / 2
            if try value(mid) >= goal { high = mid } else { low = mid }
        }
        return high
    }
    let expectedScale = try solve({ try total($0).mean }, target)
    let confidentScale = try confidence.map { c in try solve({ try total($0).probability }, c) }
    // Average level per rep-period in the quarter, at the baseline.
    let (horizonRows, baseData): ([Int], Dataset)
    if isCount {
        let base = try planner.evaluateCounts(none)
        (horizonRows, baseData) = (base.horizonPositions.map { base.prediction.rows[$0] }, base.data)
    } else {
        let base = try planner.evaluate(none)
        (horizonRows, baseData) = (base.horizonPositions.map { base.prediction.rows[$0] }, base.data)
    }
    var levels: [String: Double] = [:]
    for activity in activities {
        let values = try baseData.numbers(activity)
        let selected = horizonRows.map { values[$0] }.filter { !$0.isNaN }
        levels[activity] = selected.isEmpty ? .nan : selected.reduce(0, +) / Double(selected.count)
    }
    func scaled(_ s: Double) -> [String: Double] { levels.mapValues { $0 * s } }
    let finalScale = (activities, confidentScale ?? expectedScale)
    var warnings = isCount ? try planner.evaluateCounts(none, scale: finalScale).warnings : try planner.evaluate(none, scale: finalScale).warnings
    if expectedScale == 0 { warnings.append("the target is expected even with none of these activities") }
    warnings += projectionNotes.filter { !frame.built.warnings.contains($0) }
    return GoalSeekResult(activities: activities, target: target, baselineMean: baseline.mean, baselineProbability: baseline.probability,
                          baselineLevels: levels, expectedScale: expectedScale, expectedLevels: scaled(expectedScale),
                          confidence: confidence, confidentScale: confidentScale, confidentLevels: confidentScale.map(scaled),
                          warnings: warnings)
}
