import Foundation

/// One activity's effect on results.
public struct ActivityDriver: Sendable {
    /// The activity column.
    public var activity: String
    /// The model term that carries it, e.g. `lag(demos, 1)` (the first, when several do).
    public var term: String
    /// β̂ of that term, its standard error, interval and two-sided p-value.
    public var estimate: Double, standardError: Double, lower: Double, upper: Double, pValue: Double
    /// β̂·sd(term)/sd(response): the change in results, in standard deviations, per standard deviation of activity.
    public var standardizedEffect: Double
    /// β̂·mean(term)/mean(response): the % change in results per 1% more of the activity, at the means.
    public var elasticity: Double
    /// β̂·mean(term): the average result per rep and period the activity accounts for.
    public var contribution: Double
    /// p-value of the joint Wald test that every term of this activity is zero (with the model's covariance).
    public var jointPValue: Double
    /// Whether the activity adds nothing once the others are known (joint p ≥ 0.05).
    public var addsNothing: Bool
    /// The lag (0…3) at which the activity alone explains results best, from the leading-indicator scan.
    public var bestLag: Int?
}

/// A rep placed by activity and by the results the model does not explain.
public struct RepProductivity: Sendable {
    /// The four groups, with the thresholds of ``DriversReport/thresholds``.
    public enum Group: String, Sendable, CaseIterable {
        case productive = "productive"
        case efficient = "efficient"
        case busyNotProductive = "busy but not productive"
        case neither = "neither"
    }
    /// The rep's name.
    public var rep: String
    /// The rep's team; `nil` when the layout has no team column.
    public var team: String?
    /// Mean over the rep's rows of the average z-score of its activities within its team (0 = the team's
    /// average rep-period).
    public var activityIndex: Double
    /// The rep's productivity: its estimated effect on results per period beyond what its activities
    /// explain (the conditional mode of its random intercept, shrunk toward zero for a short history).
    public var unexplained: Double
    /// unexplained over its conditional standard error: how clearly it differs from zero.
    public var unexplainedT: Double
    /// The interval of ``unexplained`` at the report's level.
    public var productivityInterval: Interval
    /// The number of the rep's rep-periods used in the fit.
    public var observations: Int
    /// The group the rep falls in, from its activity index and unexplained results.
    public var group: Group
    /// Whether the placement is clear (|t| ≥ 2 on the unexplained results).
    public var isClear: Bool { abs(unexplainedT) >= 2 }
}

/// Conversion along the funnel: the ratio of one stage's total to the previous one's.
public struct FunnelStep: Sendable {
    /// The earlier and the later funnel stage (column names), e.g. `demos` and `proposals`.
    public var from: String, to: String
    /// The conversion ratio over all rows: the later stage's total divided by the earlier stage's total.
    public var overall: Double
    /// Per team (when the layout has one).
    public var byTeam: [TeamRatio]

    /// One team's conversion ratio between the two stages.
    public struct TeamRatio: Sendable, Equatable {
        /// The team's name.
        public var team: String
        /// The team's later-stage total divided by its earlier-stage total.
        public var ratio: Double
    }
}

/// Which activities drive results, and which reps are busy without being productive.
public struct DriversReport: Sendable {
    /// The model's formula, as written.
    public var formula: String
    /// The name of the result the activities explain (the model's response, e.g. `revenue`).
    public var response: String
    /// The covariance estimator behind the standard errors, intervals and p-values.
    public var covarianceType: CovarianceType
    /// The confidence level of the coefficient intervals, e.g. 0.95.
    public var level: Double
    /// Activities ranked by contribution (those that add nothing last).
    public var activities: [ActivityDriver]
    /// The response's own lags (`lag(revenue, 1)`): momentum, not an activity that drives results.
    public var momentum: [ActivityDriver] = []
    /// Each activity's effect within reps and between reps, beside the pooled one (empty without a rep column).
    public var withinBetween: [WithinBetweenEffect] = []
    /// Each rep's placement, least clearly productive first; empty when the layout has no rep column.
    public var reps: [RepProductivity]
    /// Conversion ratios between consecutive funnel stages; empty unless two or more stages were given.
    public var funnel: [FunnelStep]
    /// The model's family: with a count family the estimates are on the log scale (rate ratios exp(β) in the text).
    public var family: ResponseFamily = .gaussian
    /// The rules of the rep groups, in words.
    public static let thresholds = """
        busy: activity index > 0 (more activity than the team's average rep-period, averaged over activities \
        in standard deviations within the team); productive: the rep's own effect > 0 (its random intercept in the \
        model with (1 | rep): results beyond what its activities explain, shrunk toward zero for a short history). productive = busy and productive; efficient = not busy but productive; busy but not \
        productive = busy, not productive; neither = neither. A placement is clear when |t| ≥ 2.
        """
}

/// Which activities drive results, and how each rep's results compare with its activity.
///
/// - Parameters:
///   - formula: The model, e.g. `revenue ~ lag(demos, 1) + proposals + calls + emails + season(period, 'quarter')`.
///   - funnel: Stage columns in order, e.g. `["meetings", "demos", "proposals", "deals_won"]`.
package func drivers(history: Dataset, formula: String, layout: PanelLayout, options: RegressionOptions = .init(),
                    level: Double = 0.95, funnel: [String] = []) throws -> DriversReport
{
    var options = options
    let parsed = try Formula(formula)
    if parsed.usesTime { options.panel = layout }
    let panel = try Panel(data: history, layout: layout)
    if options.family.isCount {
        return try countDrivers(history: history, formula: parsed, layout: layout, panel: panel, options: options, level: level,
                                funnel: try funnelSteps(history: history, layout: layout, funnel: funnel))
    }
    let results = try fit(parsed, to: history, panel: parsed.usesTime ? panel : nil, only: nil, options: options)
    let design = try DesignMatrix(formula: parsed, data: history, alsoRequire: options.weights.map { [$0] } ?? [],
                                  missing: options.missing, panel: parsed.usesTime ? panel : nil)
    let y = results.response
    let yMean = y.reduce(0, +) / Double(y.count)
    let ySD = standardDeviation(y)
    let intervals = try results.confidenceIntervals(level: level)

    // Activities: numeric columns read by exactly-one-column terms, other than the period and rep.
    var termsOf: [String: [Int]] = [:]
    var order: [String] = []
    for (j, name) in results.columnNames.enumerated() {
        guard let term = parsed.terms.first(where: { $0.description == name }), term.factors.count == 1 else { continue }
        let columns = Set(term.factors[0].expression.columns)
        guard columns.count == 1, let column = columns.first, column != layout.period, column != layout.entity,
              case .numeric = try history.column(column) else { continue }
        if termsOf[column] == nil { order.append(column) }
        termsOf[column, default: []].append(j)
    }
    // The response's own lags are momentum: listed apart, not ranked as activities.
    let responseColumns = Set(parsed.response?.expression.columns ?? [])
    let momentumColumns = order.filter { responseColumns.contains($0) }
    order.removeAll { responseColumns.contains($0) }
    let scan = try? scanLeadingIndicators(history: history, response: parsed.response?.expression.columns.first ?? "",
                                          activities: order, maximumLag: 3, layout: layout)
    var drivers: [ActivityDriver] = []
    for activity in order + momentumColumns {
        guard let columns = termsOf[activity], let j = columns.first else { continue }
        let x = (0..<design.matrix.rows).map { design.matrix[$0, j] }
        let xMean = x.reduce(0, +) / Double(x.count)
        let beta = results.coefficients[j]
        let joint = (try? results.waldTest(columns: columns).pValue) ?? .nan
        drivers.append(ActivityDriver(
            activity: activity, term: results.columnNames[j], estimate: beta, standardError: results.standardErrors[j],
            lower: intervals[j].lower, upper: intervals[j].upper, pValue: results.pValues[j],
            standardizedEffect: beta * standardDeviation(x) / ySD, elasticity: beta * xMean / yMean,
            contribution: beta * xMean, jointPValue: joint, addsNothing: !(joint < 0.05),
            bestLag: scan?.best.first { $0.activity == activity }?.lag))
    }
    let momentum = drivers.filter { momentumColumns.contains($0.activity) }
    drivers.removeAll { momentumColumns.contains($0.activity) }
    drivers.sort { a, b in a.addsNothing != b.addsNothing ? !a.addsNothing : a.contribution > b.contribution }
    let repEffects = try RepEffectsAnalysis.analyse(
        history: history, formula: parsed, layout: layout, panel: panel, pooled: results,
        activities: order.compactMap { a in termsOf[a]?.first.map { (a, $0) } }, level: level, options: options)
    let q = NormalDistribution().quantile(0.5 + level / 2)  // conditional modes: normal intervals, as lme4's

    // Reps: activity index (mean z-score of the raw activity columns) against mean residual.
    var reps: [RepProductivity] = []
    if layout.entity != nil {
        var teamOf: [Int32: String] = [:]
        var rowTeam = [String](repeating: "", count: history.rowCount)
        if let group = layout.group, case .text(let teams) = try history.column(group) {
            for row in 0..<history.rowCount {
                rowTeam[row] = teams[row] ?? ""
                if panel.entities[row] >= 0 { teamOf[panel.entities[row]] = teams[row] }
            }
        }
        // z-scores within the rep's team: busy means busier than the peers who sell the same way.
        // Teams as codes, and each team's rows gathered once: per activity, one pass over the rows.
        let teamCodes = TextColumn(rowTeam.map { Optional($0) })
        var teamRows = [[Int]](repeating: [], count: teamCodes.levels.count)
        for row in 0..<history.rowCount { teamRows[Int(teamCodes.codes[row])].append(row) }
        WorkMeter.record(history.rowCount * (1 + order.count), in: "drivers")
        var z: [[Double]] = []
        for activity in order {
            let values = try history.numbers(activity)
            let stats: [(mean: Double, sd: Double)] = teamRows.map { rows in
                let present = rows.lazy.filter { !values[$0].isNaN }.map { values[$0] }
                let list = Array(present)
                return (list.reduce(0, +) / Double(max(1, list.count)), standardDeviation(list))
            }
            z.append((0..<history.rowCount).map { row in
                let s = stats[Int(teamCodes.codes[row])]
                guard s.sd > 0 else { return 0 }
                return (values[row] - s.mean) / s.sd
            })
        }
        // Per rep code (dense), in code order.
        var sums = [(activity: Double, residual: Double, count: Int)](repeating: (0, 0, 0), count: panel.entityCount)
        for (k, row) in results.fittedRows.enumerated() {
            let e = Int(panel.entities[row])
            guard e >= 0 else { continue }
            var total = 0.0
            for column in z { total += column[row].isNaN ? 0 : column[row] }
            let index = z.isEmpty ? 0 : total / Double(z.count)
            sums[e] = (sums[e].activity + index, sums[e].residual + results.residuals[k], sums[e].count + 1)
        }
        let sigma = results.residualStandardError
        for (e, s) in sums.enumerated() where s.count > 0 {
            let n = Double(s.count)
            let activity = s.activity / n, unexplained = s.residual / n
            let name = panel.entityNames[Int(e)]
            // Productivity: the rep's random intercept (its conditional mode and standard error) when it could be fitted.
            let estimate = repEffects?.productivity[name]
            let productivity = estimate?.mode ?? unexplained
            let standardError = estimate?.standardError ?? sigma / n.squareRoot()
            let busy = activity > 0, productive = productivity > 0
            let group: RepProductivity.Group = busy ? (productive ? .productive : .busyNotProductive) : (productive ? .efficient : .neither)
            reps.append(RepProductivity(rep: name, team: teamOf[Int32(e)], activityIndex: activity,
                                        unexplained: productivity, unexplainedT: productivity / standardError,
                                        productivityInterval: Interval(center: productivity, halfWidth: q * standardError),
                                        observations: s.count, group: group))
        }
        reps.sort { $0.unexplainedT < $1.unexplainedT }
    }

    let steps = try funnelSteps(history: history, layout: layout, funnel: funnel)
    return DriversReport(formula: formula, response: results.responseName, covarianceType: results.covarianceType,
                         level: level, activities: drivers, momentum: momentum, withinBetween: repEffects?.effects ?? [],
                         reps: reps, funnel: steps)
}

/// Conversion ratios between consecutive funnel stages, overall and per team.
func funnelSteps(history: Dataset, layout: PanelLayout, funnel: [String]) throws -> [FunnelStep] {
    var steps: [FunnelStep] = []
    if funnel.count >= 2 {
        let stages = try funnel.map { try history.numbers($0) }
        var teams: [String?] = [String?](repeating: nil, count: history.rowCount)
        if let group = layout.group, case .text(let t) = try history.column(group) { teams = (0..<history.rowCount).map { t[$0] } }
        for k in 1..<funnel.count {
            func ratio(_ rows: [Int]) -> Double {
                let usable = rows.filter { !stages[k - 1][$0].isNaN && !stages[k][$0].isNaN }
                let from = usable.reduce(0) { $0 + stages[k - 1][$1] }, to = usable.reduce(0) { $0 + stages[k][$1] }
                return from > 0 ? to / from : .nan
            }
            let all = Array(0..<history.rowCount)
            let byTeam = Set(teams.compactMap { $0 }).sorted().map { team in
                FunnelStep.TeamRatio(team: team, ratio: ratio(all.filter { teams[$0] == team }))
            }
            steps.append(FunnelStep(from: funnel[k - 1], to: funnel[k], overall: ratio(all), byTeam: byTeam))
        }
    }
    return steps
}
