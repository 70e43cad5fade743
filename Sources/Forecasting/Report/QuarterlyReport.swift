import Foundation

/// Everything sales leadership looks at after a quarterly run: the forecast against history, quota
/// chances, what drives results, who is busy without being productive, how forecasts have done, and
/// the scenarios that were run. ``html()`` writes one self-contained page; ``markdown()`` the same in text.
public struct QuarterlyReport: Sendable {
    /// The quarter's forecast per rep, per team and in total, with prediction intervals.
    public var forecast: QuarterlyForecast
    /// Actual totals per quarter of history, per team and `Total`.
    public var history: [QuarterTotal]
    /// Which activities drive results and which reps are busy without being productive.
    public var drivers: DriversReport
    /// How the model's past forecasts did in a rolling-origin backtest.
    public var backtest: BacktestReport
    /// The what-if scenarios against the baseline plan; `nil` when none were run.
    public var scenarios: WhatIfReport?
    /// How the forecasts recorded in a ledger did against the actuals; `nil` without a ledger.
    public var ledger: LedgerScore? = nil
}

extension QuarterlyReport {
    /// The actual total of one series (a team or `Total`) in one complete quarter of history.
    public struct QuarterTotal: Sendable, Equatable {
        /// The team's name, or `Total`.
        public var series: String
        /// The quarter.
        public var quarter: Period
        /// The sum of the response over the quarter's periods.
        public var total: Double
    }
}

/// Runs the whole quarter: fit, forecast, drivers, backtest and scenarios, for the report.
///
/// ```swift
/// let report = try quarterlyReport(history: data, formula: formula, layout: layout,
///                                  request: ForecastRequest(horizon: Period("2026-Q4")!, layout: layout))
/// try AtomicFile.write(report.html(), to: "report.html")
/// ```
package func quarterlyReport(history: Dataset, formula: String, layout: PanelLayout, options: RegressionOptions = .init(),
                            request: ForecastRequest, scenarios: [Scenario] = [], funnel: [String] = []) throws -> QuarterlyReport
{
    var fitOptions = options
    fitOptions.panel = layout
    let model = try fit(Formula(formula), to: history, options: fitOptions)
    let forecast = try forecastQuarter(history: history, model: model, request: request)
    let drivers = try drivers(history: history, formula: formula, layout: layout, options: options, funnel: funnel)
    let backtest = try backtest(history: history, formula: formula, layout: layout, options: BacktestOptions(regression: options))
    let whatIf = scenarios.isEmpty ? nil : try whatIf(history: history, model: model, request: request, scenarios: scenarios)
    // Actual totals per quarter, per team and in total.
    let panel = try Panel(data: history, layout: layout)
    let response = try history.numbers((try model.requiredFormula).response?.expression.columns.first ?? "")
    var teams: [String?] = [String?](repeating: nil, count: history.rowCount)
    if let group = layout.group, case .text(let t) = try history.column(group) { teams = (0..<history.rowCount).map { t[$0] } }
    var totals: [String: [Int: Double]] = [:]
    for row in 0..<history.rowCount where !response[row].isNaN {
        let q = panel.periods[row].quarter.index
        totals["Total", default: [:]][q, default: 0] += response[row]
        if let team = teams[row] { totals[team, default: [:]][q, default: 0] += response[row] }
    }
    // Only quarters whose every period is in the history (the first and last may be partial).
    let complete = Set(totals["Total"]?.keys.filter { q in
        let expected = Set(periods(of: Period(frequency: .quarter, index: q), frequency: panel.frequency).map(\.index))
        return expected.isSubset(of: Set(panel.periods.filter { $0.quarter.index == q }.map(\.index)))
    } ?? [])
    var series: [QuarterlyReport.QuarterTotal] = []
    for name in totals.keys.sorted() {
        for (q, total) in (totals[name] ?? [:]).sorted(by: { $0.key < $1.key }) where complete.contains(q) {
            series.append(.init(series: name, quarter: Period(frequency: .quarter, index: q), total: total))
        }
    }
    return QuarterlyReport(forecast: forecast, history: series, drivers: drivers, backtest: backtest, scenarios: whatIf)
}
