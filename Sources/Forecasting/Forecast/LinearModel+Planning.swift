import Foundation

/// Forecasts, scenarios and goals asked of a fitted model.
///
/// A model fitted with `SalesHistory.fit(_:covariance:options:)` carries its history, so
/// `model.forecast("2026-Q4")` needs nothing more; a model read from a file is given the history
/// (`history:`) or a plan to work from.
extension LinearModel {
    /// The history the model was fitted on, with its layout (`nil` for a model read from a file).
    public var history: SalesHistory? {
        guard let data = trainingData, let panel = trainingPanel else { return nil }
        return SalesHistory(unchecked: data, layout: panel.layout, panel: panel)
    }

    /// Forecasts a quarter per rep, team and in total, with prediction intervals.
    ///
    /// ```swift
    /// let forecast = try model.forecast("2026-Q4", quotas: ["Total": 4_000_000])
    /// forecast.total.rollUp.interval          // the 80% prediction interval of the quarter
    /// ```
    ///
    /// - Parameters:
    ///   - quarter: The quarter, e.g. `2026-Q4`; it must end after the history's last period.
    ///   - plan: Planned activities per rep and period; without one, each rep's activities are projected.
    ///   - projection: How activities are projected where there is no plan (the output says which).
    ///   - projectMissingPlanColumns: Project activities a plan lacks instead of refusing the plan.
    ///   - level: Confidence level of the intervals (default 0.8).
    ///   - quotas: Quotas by rep, team or `Total`, for the probability of reaching each.
    ///   - history: The history to forecast from, for a model read from a file (default: the fitted one).
    /// - Throws: ``ForecastError`` (a horizon that is not a quarter after the history, a plan missing an
    ///   activity or naming a category the model never saw), and the errors of building rows.
    public func forecast(_ quarter: Period, plan: Dataset? = nil, projection: ActivityProjection = .runRate,
                         projectMissingPlanColumns: Bool = false, level: Double = 0.8, quotas: [String: Double] = [:],
                         history: SalesHistory? = nil) throws -> QuarterlyForecast
    {
        let (past, layout) = try planningHistory(history)
        let request = ForecastRequest(horizon: quarter, layout: layout, plan: plan, projection: projection, level: level,
                                      quotas: quotas, projectMissingPlanColumns: projectMissingPlanColumns)
        return try forecastQuarter(history: past.data, model: self, request: request)
    }

    /// Forecasts a quarter given as text, e.g. `"2026-Q4"`; see ``forecast(_:plan:projection:projectMissingPlanColumns:level:quotas:history:)-(Period,_,_,_,_,_,_)``.
    public func forecast(_ quarter: String, plan: Dataset? = nil, projection: ActivityProjection = .runRate,
                         projectMissingPlanColumns: Bool = false, level: Double = 0.8, quotas: [String: Double] = [:],
                         history: SalesHistory? = nil) throws -> QuarterlyForecast
    {
        try forecast(Period(quarter: quarter), plan: plan, projection: projection, projectMissingPlanColumns: projectMissingPlanColumns,
                     level: level, quotas: quotas, history: history)
    }

    /// Compares scenarios with the baseline for a quarter: the change in results with an interval, per team.
    ///
    /// ```swift
    /// let report = try model.whatIf([Scenario(name: "More demos", changes: [ActivityChange(parsing: "demos=+20%")])], in: quarter)
    /// ```
    ///
    /// - Parameters:
    ///   - scenarios: Activity changes and headcount changes, each compared with the baseline.
    ///   - quarter: The quarter.
    ///   - baseline: A baseline plan; without one, activities are projected from history.
    ///   - level: Confidence level of the intervals (default 0.8).
    ///   - history: The history, for a model read from a file (`nil` with a baseline plans from the plan alone).
    public func whatIf(_ scenarios: [Scenario], in quarter: Period, baseline: Dataset? = nil, level: Double = 0.8,
                       history: SalesHistory? = nil) throws -> WhatIfReport
    {
        let (past, layout) = try planningSource(history, baseline: baseline)
        return try ForecastingPlanning.whatIf(history: past?.data, model: self,
                                              request: ForecastRequest(horizon: quarter, layout: layout, plan: baseline, level: level),
                                              scenarios: scenarios)
    }

    /// One scenario written as changes, e.g. `try model.whatIf(["demos=+20%", "calls=-10%"], in: "2026-Q4")`.
    /// - Returns: The scenario's outcome: the baseline, the scenario and their difference with its interval.
    public func whatIf(_ changes: [String], in quarter: String, level: Double = 0.8) throws -> ScenarioOutcome {
        let scenario = Scenario(name: changes.joined(separator: ", "), changes: try changes.map { try ActivityChange(parsing: $0) })
        let report = try whatIf([scenario], in: Period(quarter: quarter), level: level)
        guard let outcome = report.outcomes.first else { throw ScenarioError.empty }
        return outcome
    }

    /// Finds how much of `activities` (scaled evenly from the baseline) reaches `target` in a quarter: as an
    /// expected value and, with `confidence` (e.g. 0.8), with that probability.
    /// - Throws: ``ScenarioError/unreachable(_:)`` when more of the activities does not raise the result.
    public func goalSeek(_ target: Double, with activities: [String], in quarter: Period, confidence: Double? = nil,
                         baseline: Dataset? = nil, level: Double = 0.8, history: SalesHistory? = nil) throws -> GoalSeekResult
    {
        let (past, layout) = try planningSource(history, baseline: baseline)
        return try ForecastingPlanning.goalSeek(history: past?.data, model: self,
                                                request: ForecastRequest(horizon: quarter, layout: layout, plan: baseline, level: level),
                                                activities: activities, target: target, confidence: confidence)
    }

    /// The quarter after the history's last period (the usual horizon of a quarterly run).
    public func nextQuarter(history: SalesHistory? = nil) throws -> Period {
        let (past, _) = try planningHistory(history)
        guard let last = past.panel?.span?.last else { throw RegressionError.noRows(dropped: 0) }
        return Period(frequency: .quarter, index: last.quarter.index + 1)  // the first quarter wholly after the history
    }

    /// The history to plan from: the one given, or the fitted one; it must have periods.
    private func planningHistory(_ given: SalesHistory?) throws -> (SalesHistory, PanelLayout) {
        guard let history = given ?? self.history else { throw ForecastError.noPeriods(source: trainingData?.source.name ?? "the model") }
        guard let layout = history.layout else { throw ForecastError.noPeriods(source: history.sourceName) }
        return (history, layout)
    }

    /// History and layout for scenarios, which may also start from a baseline plan alone.
    private func planningSource(_ given: SalesHistory?, baseline: Dataset?) throws -> (SalesHistory?, PanelLayout) {
        if let history = given ?? self.history { return try (history, planningHistory(history).1) }
        guard let baseline else { throw ForecastError.nothingToPlanFrom }
        guard let layout = panel ?? SalesHistory.detectedLayout(of: baseline) else { throw ForecastError.noPeriods(source: baseline.source.name) }
        return (nil, layout)
    }
}

/// The free functions behind the methods, named apart from them.
enum ForecastingPlanning {
    static func whatIf(history: Dataset?, model: LinearModel, request: ForecastRequest, scenarios: [Scenario]) throws -> WhatIfReport {
        try Forecasting.whatIf(history: history, model: model, request: request, scenarios: scenarios)
    }
    static func goalSeek(history: Dataset?, model: LinearModel, request: ForecastRequest, activities: [String],
                         target: Double, confidence: Double?) throws -> GoalSeekResult {
        try Forecasting.goalSeek(history: history, model: model, request: request, activities: activities, target: target, confidence: confidence)
    }
}

extension SalesHistory {
    /// Which activities drive results: ranked effects with intervals, the reps' activity against
    /// productivity, and funnel conversion (see ``DriversReport``).
    /// - Parameters:
    ///   - formula: The model, e.g. `revenue ~ lag(demos, 1) + proposals + calls + emails + season(period, 'quarter')`.
    ///   - covariance: The covariance behind the intervals.
    ///   - options: Weights, missing values and cluster corrections.
    ///   - level: Confidence level (default 0.95).
    ///   - funnel: Stage columns in order, e.g. `["meetings", "demos", "proposals", "deals_won"]`.
    public func drivers(_ formula: String, covariance: CovarianceType? = nil, options: RegressionOptions = .init(),
                        level: Double = 0.95, funnel: [String] = []) throws -> DriversReport {
        var options = options
        if let covariance { options.covariance = covariance }
        return try Forecasting.drivers(history: data, formula: formula, layout: requiredLayout(), options: options, level: level, funnel: funnel)
    }

    /// Rolling-origin backtest of `formula`: each quarter after the first year forecast from the history
    /// before it, scored against the actuals and two naive forecasts (see ``BacktestReport``).
    public func backtest(_ formula: String, options: BacktestOptions = .init()) throws -> BacktestReport {
        try Forecasting.backtest(history: data, formula: formula, layout: requiredLayout(), options: options)
    }

    /// At which lag (0…`maximumLag`) each activity explains `response` best, on a common sample.
    /// - Parameters:
    ///   - response: The result column, e.g. `revenue`.
    ///   - activities: The activity columns to scan.
    ///   - maximumLag: The largest lag tried, in periods (0 to 60).
    ///   - controls: Extra terms in every regression, e.g. `season(period, 'quarter')`.
    public func leadingIndicators(of response: String, activities: [String], maximumLag: Int = 3,
                                  controls: String? = nil) throws -> LeadingIndicatorScan {
        try scanLeadingIndicators(history: data, response: response, activities: activities, maximumLag: maximumLag,
                                  layout: requiredLayout(), controls: controls)
    }

    /// The quarter after the history's last period: the usual horizon of a quarterly run.
    /// - Throws: ``ForecastError/noPeriods(source:)`` without a period column; `RegressionError` without rows.
    public func nextQuarter() throws -> Period {
        _ = try requiredLayout()
        guard let last = panel?.span?.last else { throw RegressionError.noRows(dropped: 0) }
        return Period(frequency: .quarter, index: last.quarter.index + 1)
    }

    /// The quarterly report: forecast, drivers, backtest and scenarios on one page (see ``QuarterlyReport``).
    public func report(_ formula: String, quarter: Period? = nil, plan: Dataset? = nil, covariance: CovarianceType? = nil,
                       options: RegressionOptions = .init(), level: Double = 0.8, quotas: [String: Double] = [:], scenarios: [Scenario] = [],
                       funnel: [String] = []) throws -> QuarterlyReport {
        var options = options
        if let covariance { options.covariance = covariance }
        let layout = try requiredLayout()
        let horizon = try quarter ?? nextQuarter()
        return try quarterlyReport(history: data, formula: formula, layout: layout, options: options,
                                   request: ForecastRequest(horizon: horizon, layout: layout, plan: plan, level: level, quotas: quotas),
                                   scenarios: scenarios, funnel: funnel)
    }

    func requiredLayout() throws -> PanelLayout {
        guard let layout else { throw ForecastError.noPeriods(source: sourceName) }
        return layout
    }
}
