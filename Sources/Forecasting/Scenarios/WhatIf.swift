import Foundation

/// The outcome of one scenario against the baseline plan, for the horizon quarter.
public struct ScenarioOutcome: Sendable {
    /// The scenario's name and a short description of its changes.
    public var name: String, summary: String
    /// The expected baseline total.
    public var baseline: Double
    /// The scenario total with its prediction interval.
    public var scenario: RollUp
    /// Scenario minus baseline, its standard error from the estimates' uncertainty (and, with projected
    /// activities, from the projection error the change scales: `+20%` of a projection that misses by e
    /// misses by 0.2·e, while `+5` shares the baseline's miss and adds none), and its interval.
    /// The observation noise is not in it: the same reps and periods are compared, so it cancels.
    public var difference: Double, differenceSE: Double
    /// The confidence interval of the difference at the report's level, from the estimates' uncertainty only.
    public var differenceInterval: Interval
    /// Per team: baseline, scenario and difference with its interval.
    public var teams: [TeamOutcome]
    /// Where the scenario leaves the range of activities seen in history, and other notes.
    public var warnings: [String]
    /// The part of ``differenceSE``² from projected activities (0 with a planned baseline or an added amount).
    public var differenceProjectionVariance: Double = 0
    /// For a count model: the scenario total's predictive distribution, with whole-number bands.
    public var scenarioCounts: CountTotal? = nil
}

extension ScenarioOutcome {
    /// One team's part of a scenario: its baseline and scenario totals and the difference.
    public struct TeamOutcome: Sendable, Equatable {
        /// The team's name.
        public var team: String
        /// The team's expected baseline total.
        public var baseline: Double
        /// The team's expected total under the scenario.
        public var scenario: Double
        /// Scenario minus baseline for the team.
        public var difference: Double
        /// The confidence interval of ``difference`` at the report's level, from the estimates' uncertainty only.
        public var differenceInterval: Interval
    }
}

/// Scenarios run side by side against a baseline plan.
public struct WhatIfReport: Sendable {
    /// The quarter the scenarios are forecast for.
    public var horizon: Period
    /// The name of the result being forecast (the model's response, e.g. `revenue`).
    public var response: String
    /// The model's formula, as written.
    public var formula: String
    /// How baseline activities were obtained.
    public var activities: String
    /// The confidence level of the intervals, e.g. 0.95.
    public var level: Double
    /// The covariance estimator behind the standard errors and intervals (e.g. nonrobust or HC3).
    public var covarianceType: CovarianceType
    /// The baseline total with its prediction interval.
    public var baseline: RollUp
    /// One outcome per scenario, in the order the scenarios were given.
    public var outcomes: [ScenarioOutcome]
    /// Notes about the baseline plan, e.g. reps not forecast or activities projected where the plan has no row.
    public var warnings: [String]
    /// For a count model: the baseline total's predictive distribution, with whole-number bands.
    public var baselineCounts: CountTotal? = nil
    /// The model's family: a count family gives whole-number bands for totals (differences stay expected counts).
    public var family: ResponseFamily = .gaussian
}

/// Runs `scenarios` against the baseline of `request` (its plan, or activities projected from history).
///
/// ```swift
/// let report = try whatIf(history: data, model: model, request: request,
///                         scenarios: [Scenario(name: "More demos", changes: [try ActivityChange(parsing: "demos=+20%")])])
/// report.outcomes[0].difference; report.outcomes[0].differenceInterval
/// ```
package func whatIf(history: Dataset?, model: LinearModel, request: ForecastRequest, scenarios: [Scenario]) throws -> WhatIfReport {
    let frame = try PlanningFrame(history: history, model: model, request: request)
    if model.generalized != nil { return try countWhatIf(frame: frame, model: model, request: request, scenarios: scenarios) }
    let planner = ScenarioPlanner(frame: frame)
    let base = try planner.evaluate(Scenario(name: "Baseline"))
    var notes = frame.built.warnings
    let sensitivity = try frame.projectionSensitivity(base.prediction, notes: &notes)
    // The baseline's per-rep gradients over the whole horizon, summed once: the baseline's total and every
    // scenario's total and difference scale these.
    let baseGradients = sensitivity?.repGradients(base.horizonPositions) ?? [:]
    let baselineTotal = base.prediction.total(base.horizonPositions, label: "Baseline")
        .adding(variance: sensitivity?.variance(of: baseGradients) ?? 0)
    /// The projection variance of the scenario's sum over `positions` of the baseline (`nil`: the whole horizon), with
    /// `shift` subtracted from each factor (1 for a difference); `factor` is the scenario's ``ScenarioPlanner/projectionFactor(_:scale:)``.
    func projectionVariance(_ factor: (String, String) -> Double, _ positions: [Int]?, shift: Double) -> Double {
        guard let sensitivity else { return 0 }
        let gradients = positions.map { sensitivity.repGradients($0) } ?? baseGradients
        return sensitivity.variance(of: sensitivity.scaled(gradients) { factor($0, $1) - shift })
    }
    let baseTeams = base.positionsByTeam
    var outcomes: [ScenarioOutcome] = []
    let q = StudentTDistribution(degreesOfFreedom: model.inferenceDegreesOfFreedom).quantile(0.5 + request.level / 2)
    for scenario in scenarios {
        let run = try planner.evaluate(scenario)
        let factor = planner.projectionFactor(scenario)
        let total = run.prediction.total(run.horizonPositions, label: scenario.name)
            .adding(variance: projectionVariance(factor, nil, shift: 0))
        var difference = Prediction.difference(from: base.prediction, base.horizonPositions, to: run.prediction, run.horizonPositions)
        let differenceProjection = projectionVariance(factor, nil, shift: 1)
        difference.standardError = (difference.standardError * difference.standardError + differenceProjection).squareRoot()
        var teams: [ScenarioOutcome.TeamOutcome] = []
        let runTeams = run.positionsByTeam
        for team in Set(baseTeams.keys).union(runTeams.keys).sorted() {
            let a = baseTeams[team] ?? [], b = runTeams[team] ?? []
            var d = Prediction.difference(from: base.prediction, a, to: run.prediction, b)
            d.standardError = (d.standardError * d.standardError + projectionVariance(factor, a, shift: 1)).squareRoot()
            let baseMean = a.reduce(0) { $0 + base.prediction.mean[$1] }
            teams.append(.init(team: team, baseline: baseMean, scenario: baseMean + d.mean, difference: d.mean,
                               differenceInterval: Interval(center: d.mean, halfWidth: q * d.standardError)))
        }
        outcomes.append(ScenarioOutcome(
            name: scenario.name, summary: scenario.summary, baseline: baselineTotal.mean, scenario: total,
            difference: difference.mean, differenceSE: difference.standardError,
            differenceInterval: Interval(center: difference.mean, halfWidth: q * difference.standardError),
            teams: teams, warnings: run.warnings, differenceProjectionVariance: differenceProjection))
    }
    return WhatIfReport(horizon: request.horizon, response: (try model.requiredFormula).response?.name ?? "y", formula: (try model.requiredFormula).text,
                        activities: frame.activitiesDescription, level: request.level, covarianceType: model.covarianceType,
                        baseline: baselineTotal, outcomes: outcomes, warnings: notes)
}

/// Applies scenarios to a planning frame and predicts the result.
struct ScenarioPlanner {
    let frame: PlanningFrame

    struct Evaluation {
        var prediction: Prediction
        /// Positions (into the prediction) of the horizon quarter's rows.
        var horizonPositions: [Int]
        /// The team of each of ``horizonPositions`` (`""` for none).
        var horizonTeams: [String]
        var warnings: [String]
        /// The horizon rows' activity values, by column (for goal seeking).
        var data: Dataset

        /// ``horizonPositions`` by team, each in prediction order.
        var positionsByTeam: [String: [Int]] { ScenarioPlanner.grouped(horizonPositions, by: horizonTeams) }
    }

    /// A scenario's rows: `built.data` with its changes, removed reps' rows not predicted, added reps appended.
    struct AppliedScenario {
        var data: Dataset
        /// The rows to predict.
        var only: [Bool]
        /// Per row after the history (the frame's future rows, then added reps' rows): its rep, team and period.
        var reps: [String], teams: [String?], periods: [Period]
        /// Whether `data` has the built rows (no rep added), so the frame's panel of them serves it.
        var rowsAsBuilt: Bool
    }

    /// `positions` grouped by `teams` (the team of each position), each group in the order given.
    static func grouped(_ positions: [Int], by teams: [String]) -> [String: [Int]] {
        var result: [String: [Int]] = [:]
        for (position, team) in zip(positions, teams) { result[team, default: []].append(position) }
        return result
    }

    /// The derivative of a scenario's activity with respect to the baseline's, per rep and activity: the
    /// chain rule that carries a projected baseline's error into the scenario (a removed rep's is 0; added
    /// reps are not projected). Changes that clip at zero are taken as unclipped.
    func projectionFactor(_ scenario: Scenario, scale: (columns: [String], factor: Double)? = nil) -> (String, String) -> Double {
        let removed = Set(scenario.headcount.compactMap { change -> String? in
            if case .remove(let rep) = change { return rep } else { return nil }
        })
        let scopedToTeam = scenario.changes.contains { if case .team = $0.scope { true } else { false } }
        let teamOf = scopedToTeam ? (try? frame.teams()) ?? [:] : [:]
        return { rep, activity in
            guard !removed.contains(rep) else { return 0 }
            var factor = 1.0
            for change in scenario.changes where change.activity == activity {
                let applies: Bool = switch change.scope {
                case .everyone: true
                case .team(let t): teamOf[rep] == t
                case .rep(let r): rep == r
                }
                guard applies else { continue }
                switch change.operation {
                case .percent(let p): factor *= 1 + p / 100
                case .add: break
                case .set: factor = 0
                }
            }
            if let scale, scale.columns.contains(activity) { factor *= scale.factor }
            return factor
        }
    }

    /// The data of a scenario: changed activities, removed reps' rows excluded, added reps appended. Only the
    /// rows after the history change, so only they are visited; the history's columns are shared, not copied.
    func apply(_ scenario: Scenario, scale: (columns: [String], factor: Double)? = nil) throws -> AppliedScenario {
        let built = frame.built
        let offset = frame.history.rowCount
        var applied = AppliedScenario(data: built.data, only: built.future, reps: built.futureEntities, teams: [],
                                      periods: built.futurePeriods, rowsAsBuilt: true)
        var knownTeams = Set<String>()
        applied.teams = [String?](repeating: nil, count: built.data.rowCount - offset)
        if let teamColumn = frame.request.layout.group, case .text(let text) = try built.data.column(teamColumn) {
            applied.teams = (offset..<built.data.rowCount).map { text[$0] }
            // Every team named anywhere in the rows (history included), from the codes in use.
            var used = [Bool](repeating: false, count: text.levels.count)
            for code in text.codes where code >= 0 { used[Int(code)] = true }
            knownTeams = Set(text.levels.indices.lazy.filter { used[$0] }.map { text.levels[$0] })
        }
        let knownReps = Set(built.futureEntities)
        for change in scenario.changes {
            guard frame.activityColumns.contains(change.activity) else {
                throw ScenarioError.unknownActivity(change.activity, known: frame.activityColumns)
            }
            switch change.scope {
            case .everyone: break
            case .team(let t): guard knownTeams.contains(t) else { throw ScenarioError.unknownTarget(t) }
            case .rep(let r): guard knownReps.contains(r) else { throw ScenarioError.unknownTarget(r) }
            }
        }
        // Headcount: removed reps are not predicted; added reps get ramp-profile activities.
        for change in scenario.headcount {
            if case .remove(let rep) = change {
                guard knownReps.contains(rep) else { throw ScenarioError.unknownTarget(rep) }
                for (k, name) in applied.reps.enumerated() where name == rep { applied.only[offset + k] = false }
            }
        }
        var added: [(name: String, team: String?)] = []
        for change in scenario.headcount {
            if case let .add(count, team) = change {
                if let team { guard knownTeams.contains(team) else { throw ScenarioError.unknownTarget(team) } }
                for _ in 0..<count { added.append(("New rep \(added.count + 1)\(team.map { " (\($0))" } ?? "")", team)) }
            }
        }
        if !added.isEmpty { try appendNewReps(added, to: &applied) }
        let rowCount = applied.data.rowCount
        for column in frame.activityColumns {
            var values = try applied.data.numbers(column)
            var changed = false
            for change in scenario.changes where change.activity == column {
                for row in offset..<rowCount {
                    let applies: Bool = switch change.scope {
                    case .everyone: true
                    case .team(let t): applied.teams[row - offset] == t
                    case .rep(let r): applied.reps[row - offset] == r
                    }
                    if applies, !values[row].isNaN { values[row] = change.apply(to: values[row]); changed = true }
                }
            }
            if let scale, scale.columns.contains(column) {
                for row in offset..<rowCount where !values[row].isNaN { values[row] *= scale.factor }
                changed = true
            }
            if changed { applied.data = try applied.data.replacingColumn(column, with: .numeric(values)) }
        }
        // Rows visited: the team codes once, the rows after the history per removal and per change.
        WorkMeter.record(built.data.rowCount + (rowCount - offset) * (1 + scenario.headcount.count + scenario.changes.count + (scale == nil ? 0 : 1)),
                         in: "scenario rows")
        return applied
    }

    /// Appends new reps' rows: zero activity before the horizon (so lags see a new hire), and during the
    /// future periods the activities the history's new hires had in their first months. The ramp profile (a
    /// pass over the history) and the copy of each column are made once for all the reps.
    private func appendNewReps(_ reps: [(name: String, team: String?)], to applied: inout AppliedScenario) throws {
        let profile = rampProfile()
        let newReps = reps.map { rep in
            FutureRows.NewRep(name: rep.name, team: rep.team) { column, tenure in
                profile[column]?[min(tenure, (profile[column]?.count ?? 1) - 1)] ?? 0
            }
        }
        let (extended, lead, periods) = try FutureRows.appendingReps(
            to: applied.data, newReps, layout: frame.request.layout, activityColumns: frame.activityColumns,
            futurePeriods: frame.built.futurePeriods)
        guard extended.rowCount > applied.data.rowCount else { return }
        applied.data = extended
        for rep in reps {
            applied.only += periods.indices.map { $0 >= lead }
            applied.reps += [String](repeating: rep.name, count: periods.count)
            applied.teams += [String?](repeating: rep.team, count: periods.count)
            applied.periods += periods
        }
        applied.rowsAsBuilt = false
    }

    /// Average activities of the history's new hires by month of tenure (their first 12 periods);
    /// the whole team's average per rep-period when the history has no new hires.
    func rampProfile() -> [String: [Double]] {
        let panel = frame.panel
        guard let first = panel.span?.first else { return [:] }
        var start: [Int32: Int] = [:]
        for row in 0..<frame.history.rowCount where panel.entities[row] >= 0 {
            start[panel.entities[row]] = min(start[panel.entities[row]] ?? .max, panel.periods[row].index)
        }
        let hires = Set(start.filter { $0.value > first.index }.map(\.key))
        var profile: [String: [Double]] = [:]
        for column in frame.activityColumns {
            guard let values = try? frame.history.numbers(column) else { continue }
            var sums = [Double](repeating: 0, count: 12), counts = [Int](repeating: 0, count: 12)
            var overall = 0.0, overallCount = 0
            if frame.history.rowCount == 0, let planned = try? frame.built.data.numbers(column) {
                // No history (a plan alone): new reps get the plan's average activity.
                let present = planned.filter { !$0.isNaN }
                profile[column] = [present.isEmpty ? 0 : present.reduce(0, +) / Double(present.count)]
                continue
            }
            for row in 0..<frame.history.rowCount where panel.entities[row] >= 0 && !values[row].isNaN {
                overall += values[row]; overallCount += 1
                let e = panel.entities[row]
                guard hires.contains(e), let s = start[e] else { continue }
                let tenure = panel.periods[row].index - s
                if tenure < 12 { sums[tenure] += values[row]; counts[tenure] += 1 }
            }
            let mean = overallCount > 0 ? overall / Double(overallCount) : 0
            var curve: [Double] = []
            for t in 0..<12 { curve.append(counts[t] > 0 ? sums[t] / Double(counts[t]) : (curve.last ?? mean)) }
            profile[column] = hires.isEmpty ? [mean] : curve
        }
        return profile
    }

    func evaluate(_ scenario: Scenario, scale: (columns: [String], factor: Double)? = nil) throws -> Evaluation {
        let applied = try apply(scenario, scale: scale)
        let prediction = try frame.predict(applied.data, only: applied.only, rowsAsBuilt: applied.rowsAsBuilt)
        let (positions, teams) = try horizonPositions(of: prediction.rows, in: applied)
        return Evaluation(prediction: prediction, horizonPositions: positions, horizonTeams: teams,
                          warnings: try extrapolation(applied.data, only: applied.only, scenario: scenario, scale: scale), data: applied.data)
    }

    /// The positions of a prediction of `applied.data` whose rows fall in the horizon quarter, and each one's
    /// team (`""` for none). Periods and teams come from the rows as the frame built them, not from indexing
    /// every row again; the rows predicted follow the history (`only` marks none of it), which is looked up if not.
    func horizonPositions(of rows: [Int], in applied: AppliedScenario) throws -> (positions: [Int], teams: [String]) {
        let offset = frame.history.rowCount
        var historyTeams: TextColumn?
        if rows.contains(where: { $0 < offset }), let group = frame.request.layout.group, case .text(let text) = try frame.history.column(group) {
            historyTeams = text
        }
        var positions: [Int] = [], teams: [String] = []
        for (position, row) in rows.enumerated() {
            let period = row >= offset ? applied.periods[row - offset] : frame.panel.periods[row]
            guard period.quarter == frame.request.horizon else { continue }
            positions.append(position)
            teams.append((row >= offset ? applied.teams[row - offset] : historyTeams?[row]) ?? "")
        }
        WorkMeter.record(rows.count, in: "scenario rows")
        return (positions, teams)
    }

    /// Where the scenario's activities leave the range seen in history, and by how much.
    func extrapolation(_ data: Dataset, only: [Bool], scenario: Scenario, scale: (columns: [String], factor: Double)?) throws -> [String] {
        let changed = Set(scenario.changes.map(\.activity)).union(scale?.columns ?? [])
        var warnings: [String] = []
        let offset = frame.history.rowCount
        for column in frame.activityColumns.filter(changed.contains) {
            let history = try frame.history.numbers(column).filter { !$0.isNaN }
            // The model's own training range when it is known (a saved model), else the history's.
            guard let low = frame.model.ranges[column]?.first ?? history.min(),
                  let high = frame.model.ranges[column]?.last ?? history.max() else { continue }
            let values = try data.numbers(column)
            let rows = (offset..<data.rowCount).filter { only[$0] && !values[$0].isNaN }
            let above = rows.filter { values[$0] > high }, below = rows.filter { values[$0] < low }
            if let top = above.map({ values[$0] }).max() {
                let beyond = high > 0 ? String(format: "%.0f%%", (top / high - 1) * 100) : "\(top - high)"
                warnings.append("\(column): \(above.count) of \(rows.count) rep-periods above the history's maximum of \(ActivityChange.number(high)) (up to \(ActivityChange.number((top * 100).rounded() / 100)), \(beyond) beyond): an extrapolation")
            }
            if let bottom = below.map({ values[$0] }).min() {
                warnings.append("\(column): \(below.count) of \(rows.count) rep-periods below the history's minimum of \(ActivityChange.number(low)) (down to \(ActivityChange.number((bottom * 100).rounded() / 100))): an extrapolation")
            }
        }
        return warnings
    }
}
