/// What a quarterly forecast run needs besides the history.
public struct ForecastRequest: Sendable {
    /// The quarter to forecast, e.g. `2026-Q4`; it must end after the history's last period.
    public var horizon: Period
    /// Period, rep and (optionally) team columns.
    public var layout: PanelLayout
    /// Planned activities per rep and period; `nil` projects them from history.
    public var plan: Dataset?
    /// How activities are projected where there is no plan.
    public var projection: ActivityProjection
    /// Confidence level of the intervals.
    public var level: Double
    /// Quotas by rep, team or `Total`, for the probability of reaching them.
    public var quotas: [String: Double]

    /// Creates a request.
    public init(horizon: Period, layout: PanelLayout, plan: Dataset? = nil, projection: ActivityProjection = .runRate,
                level: Double = 0.8, quotas: [String: Double] = [:])
    {
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
    /// `rep`, `team` or `total`.
    public var kind: String
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
    /// Where this rep's activities came from: `plan`, `run-rate`, `last-year`, …
    public var activitySource: String?
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
    public var detail: [(rep: String, period: Period, mean: Double, lower: Double, upper: Double)]
}

/// Forecasts the quarter `request.horizon` from `history`, fitting `formula` on the history.
///
/// ```swift
/// let run = try forecastQuarter(history: data, formula: "revenue ~ lag(demos, 1) + proposals + season(period)",
///                               request: ForecastRequest(horizon: Period("2026-Q4")!, layout: .init(period: "period", entity: "rep", group: "team")))
/// run.total.rollUp.mean; run.total.rollUp.interval
/// ```
public func forecastQuarter(history: Dataset, formula: String, options: RegressionOptions = .init(),
                            request: ForecastRequest) throws -> QuarterlyForecast
{
    var options = options
    options.panel = request.layout
    let results = try fit(Formula(formula), to: history, options: options)
    return try forecastQuarter(history: history, model: LinearModel(results), request: request)
}

/// Forecasts the quarter `request.horizon` with a fitted model; `history` supplies the reps, their
/// last rows and the past activities that lags reach back to.
public func forecastQuarter(history: Dataset, model: LinearModel, request: ForecastRequest) throws -> QuarterlyForecast {
    guard request.level > 0, request.level < 1 else { throw RegressionError.invalidLevel(request.level) }
    guard request.horizon.frequency == .quarter else {
        throw TimeError.invalidHorizon(request.horizon.description, reason: "the horizon is a quarter, e.g. 2026-Q4")
    }
    let panel = try Panel(data: history, layout: request.layout)
    guard let last = panel.span?.last else { throw RegressionError.noRows(dropped: 0) }
    let quarterPeriods = periods(of: request.horizon, frequency: panel.frequency)
    guard let firstInHorizon = quarterPeriods.first, firstInHorizon > last else {
        throw TimeError.invalidHorizon(request.horizon.description,
                                       reason: "the history runs to \(last); forecast a quarter after it, e.g. \(last.advanced(by: 1).quarter)")
    }
    let response = model.formula.response?.name
    let responseColumns = Set(model.formula.response?.expression.columns ?? [])
    let readColumns = Set(model.formula.terms.flatMap(\.factors).flatMap(\.expression.columns))
    if let column = readColumns.intersection(responseColumns).first {
        throw TimeError.invalidHorizon(request.horizon.description,
                                       reason: "the model uses the response '\(column)' as a predictor; forecasts need activities only")
    }
    var activityColumns: [String] = []
    for column in readColumns.sorted() where column != request.layout.period && column != request.layout.entity {
        if case .numeric = try history.column(column) { activityColumns.append(column) }
    }
    let allPeriods = (last.index + 1...quarterPeriods.last!.index).map { Period(frequency: panel.frequency, index: $0) }
    let planPanel = try request.plan.map { try Panel(data: $0, layout: request.layout) }
    let builder = FutureRows(history: history, panel: panel, layout: request.layout, activityColumns: activityColumns,
                             response: responseColumns.count == 1 ? responseColumns.first : nil)
    let built = try builder.build(periods: allPeriods, plan: request.plan, planPanel: planPanel, projection: request.projection)
    let prediction = try model.predict(built.data, level: request.level, only: built.future)

    // Positions in the prediction of each rep's horizon periods.
    let horizonSet = Set(quarterPeriods.map(\.index))
    let offset = history.rowCount
    var byRep: [String: [Int]] = [:]
    var repOrder: [String] = []
    var detail: [(String, Period, Double, Double, Double)] = []
    for (position, row) in prediction.rows.enumerated() {
        let k = row - offset
        guard k >= 0, horizonSet.contains(built.futurePeriods[k].index) else { continue }
        let rep = built.futureEntities[k]
        if byRep[rep] == nil { repOrder.append(rep) }
        byRep[rep, default: []].append(position)
        detail.append((rep, built.futurePeriods[k], prediction.mean[position], prediction.observationLower[position],
                       prediction.observationUpper[position]))
    }
    var warnings = built.warnings
    let expected = quarterPeriods.count
    let incomplete = repOrder.filter { (byRep[$0]?.count ?? 0) < expected }
    if !incomplete.isEmpty {
        warnings.append("\(incomplete.count) reps lack a forecast for some periods (missing activities or lags): \(incomplete.prefix(5).joined(separator: ", "))")
    }
    if let gaps = panel.gapSummary { warnings.append("gaps in the history: \(gaps)") }

    // Team of each rep, from its last history row.
    var teamOf: [String: String] = [:]
    if let group = request.layout.group, case .text(let teams) = try history.column(group) {
        for row in 0..<history.rowCount where panel.entities[row] >= 0 && panel.periods[row] == last {
            teamOf[panel.entityNames[Int(panel.entities[row])]] = teams[row]
        }
    }
    func line(_ kind: String, _ name: String, _ positions: [Int], group: String? = nil, source: String? = nil) -> ForecastLine {
        let rollUp = prediction.total(positions, label: name)
        let quota = request.quotas[name]
        return ForecastLine(kind: kind, name: name, group: group, rollUp: rollUp, quota: quota,
                            quotaProbability: quota.map { rollUp.probability(ofReaching: $0) }, activitySource: source)
    }
    let reps = repOrder.map { line("rep", $0, byRep[$0] ?? [], group: teamOf[$0], source: built.sources[$0]) }
    var teams: [ForecastLine] = []
    if request.layout.group != nil {
        for team in Set(teamOf.values).sorted() {
            teams.append(line("team", team, repOrder.filter { teamOf[$0] == team }.flatMap { byRep[$0] ?? [] }))
        }
    }
    let total = line("total", "Total", repOrder.flatMap { byRep[$0] ?? [] })
    let sourcesUsed = Set(built.sources.values)
    let activities: String
    if request.plan != nil {
        activities = sourcesUsed == ["plan"] ? "from the plan" : "from the plan, with reps or periods missing from it projected by \(request.projection.description)"
    } else {
        activities = "projected from history: \(request.projection.description)"
    }
    return QuarterlyForecast(horizon: request.horizon, periods: quarterPeriods, response: response ?? "y",
                             formula: model.formula.text, activities: activities, level: request.level,
                             covarianceType: model.covarianceType, reps: reps, teams: teams, total: total,
                             warnings: warnings, detail: detail)
}

/// The periods of a frequency that make up a quarter (ISO weeks by their Thursday).
func periods(of quarter: Period, frequency: PeriodFrequency) -> [Period] {
    switch frequency {
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
