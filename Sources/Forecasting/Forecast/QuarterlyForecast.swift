/// What a quarterly forecast run needs besides the history and the model.
package struct ForecastRequest: Sendable {
    /// The quarter to forecast, e.g. `2026-Q4`; it must end after the history's last period.
    package var horizon: Period
    /// Period, rep and (optionally) team columns.
    package var layout: PanelLayout
    /// Planned activities per rep and period; `nil` projects them from history.
    package var plan: Dataset?
    /// How activities are projected where there is no plan.
    package var projection: ActivityProjection
    /// Confidence level of the intervals.
    package var level: Double
    /// Quotas by rep, team or `Total`, for the probability of reaching them.
    package var quotas: [String: Double]
    /// Whether activity columns missing from the plan are projected from history (and said so) rather than refused.
    package var projectMissingPlanColumns = false

    /// Creates a request.
    package init(horizon: Period, layout: PanelLayout, plan: Dataset? = nil, projection: ActivityProjection = .runRate,
                 level: Double = 0.8, quotas: [String: Double] = [:], projectMissingPlanColumns: Bool = false)
    {
        self.projectMissingPlanColumns = projectMissingPlanColumns
        self.horizon = horizon
        self.layout = layout
        self.plan = plan
        self.projection = projection
        self.level = level
        self.quotas = quotas
    }
}

/// One line of a forecast: a rep, a team or the total, for the horizon quarter.
public struct ForecastLine: Sendable {
    /// What a line totals: one rep, a team, or everyone.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// One rep's quarter.
        case rep
        /// A team's quarter: its reps summed.
        case team
        /// Everyone's quarter.
        case total
    }

    /// Whether the line is a rep, a team or the total.
    public var kind: Kind
    /// The rep's or team's name, or `Total`.
    public var name: String
    /// The team of a rep.
    public var group: String?
    /// The forecast total with its intervals.
    public var rollUp: RollUp
    /// The quota, when one was given.
    public var quota: Double?
    /// The probability of reaching the quota.
    public var quotaProbability: Double?
    /// Where this rep's activities came from: the plan, a projection from history, or the plan for a new rep.
    public var activitySource: ActivitySource?
    /// Where the width of the line's interval comes from: estimates, rep effect, noise, projected activities.
    public var variance: ForecastVariance
    /// The split-conformal interval, when asked for (``IntervalMethod/conformal``).
    public var conformal: ConformalInterval? = nil
    /// For a count model: the predictive distribution of the line's count, with whole-number bands (`nil` for a linear model).
    public var counts: CountTotal? = nil
}

/// A quarterly forecast per rep, team and in total.
public struct QuarterlyForecast: Sendable {
    /// The quarter forecast.
    public var horizon: Period
    /// The periods summed for it (three months, thirteen weeks, …).
    public var periods: [Period]
    /// The response forecast.
    public var response: String
    /// The formula of the model.
    public var formula: String
    /// How activities were obtained, in words.
    public var activities: String
    /// The confidence level of the intervals.
    public var level: Double
    /// The covariance type behind the intervals.
    public var covarianceType: CovarianceType
    /// One line per rep.
    public var reps: [ForecastLine]
    /// One line per team (when the layout has a group column).
    public var teams: [ForecastLine]
    /// The total.
    public var total: ForecastLine
    /// Things the user should know (departed reps, plan gaps, panel gaps).
    public var warnings: [String]
    /// Per-period predictions of every rep, for detail output.
    public var detail: [PeriodForecast]
    /// Each team's noise variance relative to the model's single one, from the fit's residuals (empty when
    /// the model's one variance is used: no teams, or a model read from a file).
    public var noiseScaleByTeam: [String: Double] = [:]
    /// Each rep's noise variance relative to the model's single one: the rep's own mean squared residual
    /// shrunk toward its team's by empirical Bayes (empty when the model's one variance is used).
    public var noiseScaleByRep: [String: Double] = [:]
    /// The prior degrees of freedom the reps' noise variances were shrunk toward their team's with
    /// (`nil` without per-rep scales; infinite when the reps differ no more than chance explains).
    public var noisePriorDegreesOfFreedom: Double? = nil
    /// How the intervals shown were made (model-based unless conformal ones were asked for).
    public var intervalMethod: IntervalMethod = .model
    /// The model's family: `ResponseFamily.gaussian`, or a count family whose lines carry whole-number bands.
    public var family: ResponseFamily = .gaussian

    /// One rep's forecast for one period of the quarter.
    public struct PeriodForecast: Sendable, Equatable {
        /// The rep's name.
        public var rep: String
        /// The period.
        public var period: Period
        /// The expected result.
        public var mean: Double
        /// The prediction interval of the result at the forecast's level.
        public var interval: Interval
    }
}

/// Forecasts the quarter `request.horizon` from `history`, fitting `formula` on the history.
///
/// ```swift
/// let run = try forecastQuarter(history: data, formula: "revenue ~ lag(demos, 1) + proposals + season(period)",
///                               request: ForecastRequest(horizon: Period("2026-Q4")!, layout: .init(period: "period", entity: "rep", group: "team")))
/// run.total.rollUp.mean; run.total.rollUp.interval
/// ```
package func forecastQuarter(history: Dataset, formula: String, options: RegressionOptions = .init(),
                            request: ForecastRequest) throws -> QuarterlyForecast
{
    var options = options
    options.panel = request.layout
    let results = try fit(Formula(formula), to: history, options: options)
    return try forecastQuarter(history: history, model: results, request: request)
}

/// Forecasts the quarter `request.horizon` with a fitted model; `history` supplies the reps, their
/// The future of a quarterly run, built once: history followed by one row per active rep and future
/// period, activities from the plan or projected. Forecasts, scenarios and goal seeking all start here.
struct PlanningFrame {
    let history: Dataset
    let panel: Panel
    let model: LinearModel
    let request: ForecastRequest
    let quarterPeriods: [Period]
    let activityColumns: [String]
    let built: FutureRows.Built
    /// The panel a prediction of `built.data` reads, built once: predictions of the same rows with other
    /// activities (projection sensitivities, scenarios that add no rep) reuse it rather than index every row
    /// again. `nil` when none is read, or when building it failed (the prediction then builds it and reports why).
    let builtPanel: Panel?

    /// A frame from history and the request's plan, or from the plan alone when there is no history.
    init(history: Dataset?, model: LinearModel, request: ForecastRequest) throws {
        if let history {
            try self.init(history: history, model: model, request: request)
        } else if let plan = request.plan {
            try self.init(plan: plan, model: model, request: request)
        } else {
            throw ForecastError.nothingToPlanFrom
        }
    }

    init(history: Dataset, model: LinearModel, request: ForecastRequest) throws {
        guard request.level > 0, request.level < 1 else { throw RegressionError.invalidLevel(request.level) }
        guard request.horizon.frequency == .quarter else {
            throw TimeError.notAQuarter(request.horizon.description)
        }
        let panel = try Panel(data: history, layout: request.layout)
        guard let last = panel.span?.last else { throw RegressionError.noRows(dropped: 0) }
        guard panel.frequency != .year else { throw ForecastError.yearlyPeriods(source: history.source.name) }
        let quarterPeriods = periods(of: request.horizon, frequency: panel.frequency)
        guard let firstInHorizon = quarterPeriods.first, let lastInHorizon = quarterPeriods.last, firstInHorizon > last else {
            throw ForecastError.horizonNotAfterHistory(horizon: request.horizon.description, lastPeriod: last.description)
        }
        let activityColumns = try Self.activityColumns(of: model, in: history, layout: request.layout)
        let missingFromPlan = try Self.checkPlanColumns(request: request, activityColumns: activityColumns)
        let allPeriods = (last.index + 1...lastInHorizon.index).map { Period(frequency: panel.frequency, index: $0) }
        let planPanel = try request.plan.map { try Panel(data: $0, layout: request.layout) }
        let responseColumns = Set((try model.requiredFormula).response?.expression.columns ?? [])
        let builder = FutureRows(history: history, panel: panel, layout: request.layout, activityColumns: activityColumns,
                                 response: responseColumns.count == 1 ? responseColumns.first : nil)
        var built = try builder.build(periods: allPeriods, plan: request.plan, planPanel: planPanel, projection: request.projection)
        if let plan = request.plan, let planPanel {
            built = try Self.addingNewHires(to: built, plan: plan, planPanel: planPanel, history: history, panel: panel,
                                            layout: request.layout, activityColumns: activityColumns, periods: allPeriods)
        }
        if !missingFromPlan.isEmpty {
            built.warnings.append("the plan has no column \(missingFromPlan.map { "'\($0)'" }.joined(separator: ", ")): projected from history (\(request.projection.rawValue)) for every rep, as asked")
        }
        if lastInHorizon.index - last.index > 4 * max(1, quarterPeriods.count) {
            built.warnings.append("the horizon \(request.horizon) is more than a year after the history's last period (\(last)): activities are projected far beyond what the history shows, and their error is measured only from the reps with that many periods after an origin")
        }
        self.built = built
        self.builtPanel = try? model.predictionPanel(of: built.data)
        self.history = history
        self.panel = panel
        self.model = model
        self.request = request
        self.quarterPeriods = quarterPeriods
        self.activityColumns = activityColumns
    }

    /// A frame whose future is exactly `plan` (rows per rep and period): for what-if and goal seeking
    /// with a saved model and no history. Lag terms then need the plan to hold the earlier periods.
    init(plan: Dataset, model: LinearModel, request: ForecastRequest) throws {
        guard request.level > 0, request.level < 1 else { throw RegressionError.invalidLevel(request.level) }
        let planPanel = try Panel(data: plan, layout: request.layout)
        self.quarterPeriods = periods(of: request.horizon, frequency: planPanel.frequency)
        self.history = plan.selectingRows([])
        self.panel = try Panel(data: self.history, layout: request.layout)
        self.model = model
        self.request = request
        self.activityColumns = try Self.activityColumns(of: model, in: plan, layout: request.layout)
        for column in activityColumns where !plan.hasColumn(column) {
            throw ForecastError.planMissingActivity(column, source: plan.source.name)
        }
        var names: [String] = []
        var sources: [String: ActivitySource] = [:]
        for row in 0..<plan.rowCount {
            let code = planPanel.entities[row]
            let name = code >= 0 ? planPanel.entityNames[Int(code)] : ""
            names.append(name)
            sources[name] = .plan
        }
        self.built = FutureRows.Built(data: plan, future: [Bool](repeating: true, count: plan.rowCount), futureEntities: names,
                                      futurePeriods: planPanel.periods, sources: sources, warnings: [])
        self.builtPanel = try? model.predictionPanel(of: plan)
    }

    /// The activity columns a plan lacks: refused by name, unless the request asks to project them.
    static func checkPlanColumns(request: ForecastRequest, activityColumns: [String]) throws -> [String] {
        guard let plan = request.plan else { return [] }
        let missing = activityColumns.filter { !plan.hasColumn($0) }
        if let first = missing.first, !request.projectMissingPlanColumns {
            throw ForecastError.planMissingActivity(first, source: plan.source.name)
        }
        return missing
    }

    /// Predicts `data` (the history followed by future rows) with the model; a category level the model
    /// never saw is reported in the plan's words: its file and line. `rowsAsBuilt` says `data` has the rows,
    /// periods and reps of `built.data` (only activities changed), so ``builtPanel`` serves as its panel.
    func predict(_ data: Dataset, only: [Bool], rowsAsBuilt: Bool) throws -> Prediction {
        try reportingPlanLevels { try model.predict(data, level: request.level, only: only, reusing: panel(rowsAsBuilt)) }
    }

    /// ``builtPanel`` for data with the built rows, else `nil` (the prediction builds its own).
    func panel(_ rowsAsBuilt: Bool) -> Panel? { rowsAsBuilt ? builtPanel : nil }

    /// Runs `body` (a prediction of the future rows), reporting a category level the model never saw in the plan's words.
    func reportingPlanLevels<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch RegressionError.unseenCategory(let term, let level, _, _, let known) {
            let planLine = request.plan.flatMap { plan in
                plan.columns.lazy.compactMap { column -> Int? in
                    guard case .text(let text) = column else { return nil }
                    return (0..<plan.rowCount).first { text[$0] == level }.map { plan.source.line(ofRow: $0) }
                }.first
            }
            guard let plan = request.plan, let planLine else {
                // Not a value of the plan: the forecast periods themselves (a season the fitted rows never had).
                throw ForecastError.unseenLevelInForecast(term: term, level: level, known: known)
            }
            throw ForecastError.unseenLevel(term: term, level: level, source: plan.source.name, line: planLine, known: known)
        }
    }

    /// Reps in the plan with no history at all (new hires): forecast from the pooled effects with the
    /// plan's activities and zero activity before they start (what lags should see), and flagged.
    static func addingNewHires(to built: FutureRows.Built, plan: Dataset, planPanel: Panel, history: Dataset, panel: Panel,
                               layout: PanelLayout, activityColumns: [String], periods: [Period]) throws -> FutureRows.Built
    {
        let known = Set(panel.entityNames)
        var result = built
        var hires: [String] = []
        var teamOf: [String: String] = [:]
        var rowOf: [String: [Int: Int]] = [:]
        let planTeams: TextColumn? = try layout.group.flatMap { group in
            guard plan.hasColumn(group), case .text(let t) = try plan.column(group) else { return nil }
            return t
        }
        for row in 0..<plan.rowCount where planPanel.entities[row] >= 0 {
            let name = planPanel.entityNames[Int(planPanel.entities[row])]
            guard !known.contains(name) else { continue }
            if rowOf[name] == nil { hires.append(name) }
            rowOf[name, default: [:]][planPanel.periods[row].index] = row
            if let team = planTeams?[row] { teamOf[name] = team }
        }
        let sortedPeriods = Array(Set(periods)).sorted()
        // The plan's activities read once, and every hire appended in one pass (each column copied once).
        var values: [String: [Double]] = [:]
        if !hires.isEmpty {
            for column in activityColumns where plan.hasColumn(column) { values[column] = try plan.numbers(column) }
        }
        let newReps = hires.map { name in
            FutureRows.NewRep(name: name, team: teamOf[name]) { column, k in
                guard let row = rowOf[name]?[sortedPeriods[k].index], let v = values[column]?[row] else { return .nan }
                return v
            }
        }
        let (extended, lead, added) = try FutureRows.appendingReps(to: result.data, newReps, layout: layout,
                                                                  activityColumns: activityColumns, futurePeriods: periods)
        result.data = extended
        for name in hires {
            result.future += added.indices.map { $0 >= lead }
            result.futureEntities += [String](repeating: name, count: added.count)
            result.futurePeriods += added
            for column in result.projected.keys { result.projected[column]? += [Bool](repeating: false, count: added.count) }
            result.sources[name] = .newRep
        }
        if !hires.isEmpty {
            // Replace the builder's note on unknown reps: hires are forecast; only reps who left stay unforecast.
            result.warnings = result.warnings.filter { !$0.hasPrefix("the plan names reps with no history") }
            let active = Set(built.futureEntities)
            let left = Set((0..<plan.rowCount).compactMap { row -> String? in
                let code = planPanel.entities[row]
                guard code >= 0 else { return nil }
                let name = planPanel.entityNames[Int(code)]
                return known.contains(name) && !active.contains(name) ? name : nil
            }).sorted()
            if !left.isEmpty {
                result.warnings.append("the plan names reps who left before the last period of history, not forecast: \(left.prefix(5).joined(separator: ", "))")
            }
            result.warnings.append("\(hires.count) new reps in the plan have no history and are forecast from the pooled effects with zero activity before they start: \(hires.prefix(5).joined(separator: ", "))")
        }
        return result
    }

    /// Numeric columns the model reads, other than the period and rep columns: the activities.
    /// Refuses a model that uses the response as a predictor (forecasts need activities only).
    static func activityColumns(of model: LinearModel, in data: Dataset, layout: PanelLayout) throws -> [String] {
        let responseColumns = Set((try model.requiredFormula).response?.expression.columns ?? [])
        // Offsets (a count model's `offset(log(days_worked))`) are read like activities: planned or projected.
        let readColumns = Set(((try model.requiredFormula).terms.flatMap(\.factors) + (try model.requiredFormula).offsets).flatMap(\.expression.columns))
        if let column = readColumns.intersection(responseColumns).first {
            throw ForecastError.responseUsedAsPredictor(column)
        }
        var columns: [String] = []
        for column in readColumns.sorted() where column != layout.period && column != layout.entity {
            if case .numeric = try data.column(column) { columns.append(column) }
        }
        return columns
    }

    /// Each rep's positions in a prediction of the built rows (`rows` index the history followed by
    /// the future rows) that fall in the horizon, and the reps in the order they first appear.
    func repPositions(of rows: [Int]) -> (byRep: [String: [Int]], order: [String]) {
        let offset = history.rowCount
        var byRep: [String: [Int]] = [:]
        var order: [String] = []
        for (position, row) in rows.enumerated() {
            let k = row - offset
            guard k >= 0, inHorizon(k) else { continue }
            let rep = built.futureEntities[k]
            if byRep[rep] == nil { order.append(rep) }
            byRep[rep, default: []].append(position)
        }
        return (byRep, order)
    }

    /// Whether future row `k` (0-based among the future rows) falls in the horizon quarter.
    func inHorizon(_ k: Int) -> Bool { built.futurePeriods[k].quarter == request.horizon }

    /// The team of each rep, from its future rows (carried from its last row of history).
    func teams() throws -> [String: String] {
        var teamOf: [String: String] = [:]
        guard let group = request.layout.group, case .text(let teams) = try built.data.column(group) else { return teamOf }
        let offset = history.rowCount
        for (k, rep) in built.futureEntities.enumerated() where teamOf[rep] == nil {
            if let team = teams[offset + k] { teamOf[rep] = team }
        }
        return teamOf
    }

    /// How activities were obtained, in words.
    var activitiesDescription: String {
        let sourcesUsed = Set(built.sources.values)
        if request.plan != nil {
            return sourcesUsed == [.plan] ? "from the plan"
                : "from the plan, with reps or periods missing from it projected by \(request.projection.description)"
        }
        return "projected from history: \(request.projection.description)"
    }
}

/// Forecasts the quarter `request.horizon` with a fitted model; `history` supplies the reps, their
/// last rows and the past activities that lags reach back to.
package func forecastQuarter(history: Dataset, model: LinearModel, request: ForecastRequest) throws -> QuarterlyForecast {
    if model.generalized != nil { return try forecastCountQuarter(history: history, model: model, request: request) }
    let frame = try PlanningFrame(history: history, model: model, request: request)
    let built = frame.built
    let prediction = try frame.predict(built.data, only: built.future, rowsAsBuilt: true)

    // Positions in the prediction of each rep's horizon periods.
    let (byRep, repOrder) = frame.repPositions(of: prediction.rows)
    let offset = history.rowCount
    var detail: [QuarterlyForecast.PeriodForecast] = []
    var warnings = built.warnings
    let sensitivity = try frame.projectionSensitivity(prediction, notes: &warnings)
    let teamOf = try frame.teams()
    let noiseScales = NoiseScales.measure(model: model, layout: request.layout)
    func noiseScale(_ rep: String) -> Double { noiseScales?.scale(rep: rep, team: teamOf[rep]) ?? 1 }
    for rep in repOrder {
        for position in byRep[rep] ?? [] {
            let k = prediction.rows[position] - offset
            var interval = Interval(lower: prediction.observationLower[position], upper: prediction.observationUpper[position])
            let extra = (sensitivity?.variance([position]) ?? 0) + (noiseScale(rep) - 1) * prediction.rowNoiseVariance(at: position)
            if extra != 0 {
                let (variance, quantile) = prediction.observationVariance(at: position)
                let meanVariance = prediction.meanSE[position] * prediction.meanSE[position]
                interval = Interval(center: prediction.mean[position], halfWidth: quantile * max(meanVariance, variance + extra).squareRoot())
            }
            detail.append(.init(rep: built.futureEntities[k], period: built.futurePeriods[k], mean: prediction.mean[position], interval: interval))
        }
    }
    let expected = frame.quarterPeriods.count
    let incomplete = repOrder.filter { (byRep[$0]?.count ?? 0) < expected }
    if !incomplete.isEmpty {
        warnings.append("\(incomplete.count) reps lack a forecast for some periods (missing activities or lags): \(incomplete.prefix(5).joined(separator: ", "))")
    }
    if let gaps = frame.panel.gapSummary { warnings.append("gaps in the history: \(gaps)") }
    if let mixed = model.mixedEffects {
        let hires = prediction.newLevels
        if !hires.isEmpty {
            warnings.append("\(hires.count) reps the model has not seen are forecast with the population's average productivity, and the spread of reps' productivity in their intervals: \(hires.prefix(5).joined(separator: ", "))")
        }
        if let k = mixed.conditionalModes.indices.first(where: { mixed.terms[$0].grouping == [request.layout.entity ?? ""] }) {
            let forecastReps = Set(repOrder)
            let short = zip(mixed.conditionalModes[k].levelNames, mixed.levelCounts[k]).filter { forecastReps.contains($0.0) && $0.1 < 6 }.map(\.0)
            if !short.isEmpty {
                warnings.append("\(short.count) reps have under 6 periods of history; their own productivity is shrunk toward the population's: \(short.prefix(5).joined(separator: ", "))")
            }
        }
    }
    /// A line over `positions`; `noise` replaces the model's noise part (a rep's: scaled by its own noise;
    /// a team's and the total's: their reps' summed, as noise is independent across reps).
    func line(_ kind: ForecastLine.Kind, _ name: String, _ positions: [Int], group: String? = nil, source: ActivitySource? = nil,
              noise: Double? = nil) -> ForecastLine {
        let modelOnly = prediction.total(positions, label: name)
        var parts = prediction.varianceParts(positions, of: modelOnly)
        let modelNoise = parts.noise
        parts.noise = noise ?? modelNoise * (kind == .rep ? noiseScale(name) : 1)
        let projection = sensitivity?.variance(positions) ?? 0
        let rollUp = modelOnly.adding(variance: projection + parts.noise - modelNoise)
        let quota = request.quotas[name]
        return ForecastLine(kind: kind, name: name, group: group, rollUp: rollUp, quota: quota,
                            quotaProbability: quota.map { rollUp.probability(ofReaching: $0) }, activitySource: source,
                            variance: ForecastVariance(estimates: parts.estimates, repEffect: parts.repEffect, noise: parts.noise,
                                                       projection: projection))
    }
    let reps = repOrder.map { line(.rep, $0, byRep[$0] ?? [], group: teamOf[$0], source: built.sources[$0]) }
    var teams: [ForecastLine] = []
    let repNoise = Dictionary(reps.map { ($0.name, $0.variance.noise) }, uniquingKeysWith: +)
    func summedNoise(_ names: [String]) -> Double? { noiseScales.map { _ in names.reduce(0) { $0 + (repNoise[$1] ?? 0) } } }
    if request.layout.group != nil {
        for team in Set(teamOf.values).sorted() {
            let members = repOrder.filter { teamOf[$0] == team }
            teams.append(line(.team, team, members.flatMap { byRep[$0] ?? [] }, noise: summedNoise(members)))
        }
    }
    let total = line(.total, "Total", repOrder.flatMap { byRep[$0] ?? [] }, noise: summedNoise(repOrder))
    return QuarterlyForecast(horizon: request.horizon, periods: frame.quarterPeriods, response: (try model.requiredFormula).response?.name ?? "y",
                             formula: (try model.requiredFormula).text, activities: frame.activitiesDescription, level: request.level,
                             covarianceType: model.covarianceType, reps: reps, teams: teams, total: total,
                             warnings: warnings, detail: detail, noiseScaleByTeam: noiseScales?.team ?? [:],
                             noiseScaleByRep: noiseScales?.rep ?? [:], noisePriorDegreesOfFreedom: noiseScales?.priorDegreesOfFreedom)
}


/// The periods of a frequency that make up a quarter (ISO weeks by their Thursday).
func periods(of quarter: Period, frequency: PeriodFrequency) -> [Period] {
    switch frequency {
    case .year: return []
    case .quarter: return [quarter]
    case .month:
        let first = Period.floorDivide(quarter.index, 4) * 12 + Period.modulo(quarter.index, 4) * 3
        return (0..<3).map { Period(frequency: .month, index: first + $0) }
    case .week, .day:
        let start = Period(frequency: .day, index: quarter.firstDay)
        let nextQuarter = Period(frequency: .quarter, index: quarter.index + 1).firstDay
        var result: [Period] = []
        if frequency == .day {
            return (start.index..<nextQuarter).map { Period(frequency: .day, index: $0) }
        }
        var week = Period(frequency: .week, index: Period.floorDivide(start.index - Period.epochMonday, 7) - 1)
        while week.firstDay < nextQuarter + 7 {
            if week.quarter == quarter { result.append(week) }
            week = week.advanced(by: 1)
        }
        return result
    }
}
