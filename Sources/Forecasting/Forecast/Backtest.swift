/// Which activities a backtest feeds the model for the quarter it forecasts.
public enum ActivityMode: String, Sendable, Codable, CaseIterable {
    /// The activities that actually happened: how good the model is.
    case known
    /// Activities projected from history, as a real forecast must: how good the forecast is.
    case projected
}

/// Options of a rolling-origin backtest.
public struct BacktestOptions: Sendable {
    /// Quarters of history before the first cut (default 4: a year, so seasons can be fitted).
    public var minimumTrainingQuarters: Int
    /// Activity modes to evaluate (default both).
    public var modes: [ActivityMode]
    /// How to project activities in the `projected` mode.
    public var projection: ActivityProjection
    /// Fit options (covariance type, weights…); the panel is set from the layout.
    public var regression: RegressionOptions
    /// How the model methods' intervals are made (default: the model's).
    public var intervals: IntervalMethod = .model
    /// What the quota probabilities are scored against (default: each rep's same quarter a year earlier, said in the output).
    public var quotaTarget: BacktestQuotaTarget = .sameQuarterLastYear
    /// Called after each quarter with (quarters done, quarters in all), for progress reports.
    public var progress: (@Sendable (Int, Int) -> Void)?

    /// Creates backtest options.
    public init(minimumTrainingQuarters: Int = 4, modes: [ActivityMode] = ActivityMode.allCases,
                projection: ActivityProjection = .runRate, regression: RegressionOptions = .init())
    {
        self.minimumTrainingQuarters = minimumTrainingQuarters
        self.modes = modes
        self.projection = projection
        self.regression = regression
    }
}

/// Accuracy of one forecasting method over the rep-quarters of a backtest.
public struct ForecastAccuracy: Sendable {
    /// The method: `model (known activities)`, `naive: last period run-rate`, …
    public var method: String
    /// Rep-quarters scored.
    public var count: Int
    /// Mean absolute error.
    public var mae: Double
    /// Root mean squared error.
    public var rmse: Double
    /// Mean absolute percentage error, in percent (over actuals that are not zero).
    public var mape: Double
    /// Weighted absolute percentage error Σ|e| / Σ|actual|, in percent.
    public var wape: Double
    /// Share of actuals inside the 80% prediction interval (`nil` for methods without intervals).
    public var coverage80: Double?
    /// Share of actuals inside the 95% prediction interval.
    public var coverage95: Double?
}

/// One forecast of one rep-quarter in a backtest.
public struct BacktestForecast: Sendable {
    /// The quarter forecast.
    public var quarter: Period
    /// The rep's name.
    public var rep: String
    /// The rep's team, when the layout has one.
    public var team: String?
    /// The rep's actual total of the response for the quarter.
    public var actual: Double
    /// Point forecasts by method name.
    public var forecasts: [String: Double]
    /// 80% and 95% prediction intervals by method name (model methods only).
    public var intervals80: [String: Interval]
    /// 95% prediction intervals by method name (model methods only).
    public var intervals95: [String: Interval]
    /// The target the quota probability is of (see ``BacktestQuotaTarget``), when there is one.
    public var quota: Double? = nil
    /// The probability each model method gave of reaching ``quota``.
    public var quotaProbabilities: [String: Double] = [:]
}

/// A rolling-origin evaluation: fit on the history before each quarter, forecast that quarter per rep,
/// move on; scored against two naive forecasts on the same rep-quarters.
public struct BacktestReport: Sendable {
    /// The model's formula, as written.
    public var formula: String
    /// The covariance behind the intervals.
    public var covarianceType: CovarianceType = .nonrobust
    /// The name of the result being forecast (the model's response, e.g. `revenue`).
    public var response: String
    /// The quarters forecast.
    public var quarters: [Period]
    /// Accuracy per method over all quarters (the model's methods first, then the naive ones).
    public var methods: [ForecastAccuracy]
    /// Every rep-quarter forecast scored.
    public var forecasts: [BacktestForecast]
    /// Per quarter, the WAPE of each method.
    public var wapeByQuarter: [QuarterWAPE]
    /// Interval coverage of each model method per team, to show where intervals are too narrow.
    public var coverageByTeam: [Coverage]
    /// Interval coverage of each model method per rep: rep-quarters scored and the shares of actuals inside the 80% and 95% prediction intervals.
    public var coverageByRep: [Coverage]
    /// Notes on quarters that could not be forecast or scored.
    public var notes: [String]
    /// How the model methods' intervals were made.
    public var intervalMethod: IntervalMethod = .model
    /// What the quota probabilities were scored against.
    public var quotaTarget: BacktestQuotaTarget = .none
    /// Per model method: the Brier score and reliability table of its quota probabilities.
    public var quotaCalibration: [QuotaCalibration] = []
    /// The model's family: with a count family the intervals are whole counts (discrete, so they hold at least their level).
    public var family: ResponseFamily = .gaussian

    /// The WAPE of each method in one quarter.
    public struct QuarterWAPE: Sendable, Equatable {
        /// The quarter forecast.
        public var quarter: Period
        /// Weighted absolute percentage error in percent, by method name.
        public var wape: [String: Double]
    }

    /// How often one model method's prediction intervals held the actual result, for one team or rep.
    public struct Coverage: Sendable, Equatable {
        /// The team's or rep's name.
        public var name: String
        /// The model method, e.g. `model (known activities)`.
        public var method: String
        /// Rep-quarters scored.
        public var count: Int
        /// The share of actuals inside the 80% prediction interval (the share missed is 1 minus this).
        public var coverage80: Double
        /// The share of actuals inside the 95% prediction interval.
        public var coverage95: Double
    }

    static let runRate = "naive: last period × periods in quarter"
    static let lastYear = "naive: same quarter last year"
    static func modelMethod(_ mode: ActivityMode) -> String { "model (\(mode.rawValue) activities)" }
}

/// Runs a rolling-origin backtest of `formula` on `history`.
///
/// For each quarter after the first `minimumTrainingQuarters`, the model is fitted on the rows before
/// it and forecasts it per rep (with the actual activities, and with activities projected from
/// history); each rep-quarter is scored against the actual total and against two naive forecasts: the
/// rep's last period times the periods in a quarter, and the rep's same quarter a year earlier. Only
/// rep-quarters every method can forecast are scored, so the methods are compared on the same ground.
package func backtest(history: Dataset, formula: String, layout: PanelLayout, options: BacktestOptions = .init()) throws -> BacktestReport {
    let parsed = try Formula(formula)
    guard let responseName = parsed.response?.name, let responseColumn = parsed.response?.expression.columns.first,
          parsed.response?.expression == .column(responseColumn) else {
        throw ForecastError.responseNotAColumn(parsed.response?.name ?? "")
    }
    let panel = try Panel(data: history, layout: layout)
    let actualValues = try history.numbers(responseColumn)
    guard let span = panel.span else { throw RegressionError.noRows(dropped: 0) }
    let firstQuarter = span.first.quarter.index, lastQuarter = span.last.quarter.index
    var regression = options.regression
    regression.panel = layout

    // Response totals by (entity, quarter) and each rep's values, for the actuals and the naive forecasts.
    let naive = NaiveForecasts(panel: panel, response: actualValues)

    var forecasts: [BacktestForecast] = []
    var quarters: [Period] = []
    var notes: [String] = []
    let start = firstQuarter + max(1, options.minimumTrainingQuarters)
    guard start <= lastQuarter else {
        throw ForecastError.historyTooShort(quarters: lastQuarter - firstQuarter + 1, needed: options.minimumTrainingQuarters)
    }
    for q in start...lastQuarter {
        options.progress?(q - start, lastQuarter - start + 1)
        let quarter = Period(frequency: .quarter, index: q)
        let trainingRows = (0..<history.rowCount).filter { panel.periods[$0].quarter.index < q }
        let quarterRows = (0..<history.rowCount).filter { panel.periods[$0].quarter.index == q }
        guard !trainingRows.isEmpty, !quarterRows.isEmpty else { continue }
        let training = history.selectingRows(trainingRows)
        let trainingPanel = try Panel(data: training, layout: layout)
        guard let lastTraining = trainingPanel.span?.last else { continue }
        let model: LinearModel
        do {
            model = try fit(parsed, to: training, options: regression)
        } catch {
            notes.append("\(quarter): not forecast, the model could not be fitted on the history before it (\(error))")
            continue
        }
        var runs: [ActivityMode: QuarterlyForecast] = [:]
        do {
            for mode in options.modes {
                var request = ForecastRequest(horizon: quarter, layout: layout, projection: options.projection, level: 0.8)
                if mode == .known { request.plan = history.selectingRows(quarterRows) }
                runs[mode] = try forecastQuarter(history: training, model: model, request: request)
            }
        } catch let error as any ForecastingError {
            // A quarter the model cannot forecast (a season its training rows never had, say) is skipped and said so.
            notes.append("\(quarter): not forecast, the model fitted on the history before it cannot forecast it (\(error))")
            continue
        }
        quarters.append(quarter)
        let perQuarter = Double(naive.periodCount(ofQuarter: q))
        let entities = Set(quarterRows.map { panel.entities[$0] }).filter { $0 >= 0 }.sorted()
        var teamOf: [Int32: String] = [:]
        if let group = layout.group, case .text(let teams) = try history.column(group) {
            for row in quarterRows where panel.entities[row] >= 0 { teamOf[panel.entities[row]] = teams[row] }
        }
        // Each run's rep lines by name, so matching a rep is a lookup, not a scan of every line per rep.
        let linesByName = runs.mapValues { run in Dictionary(run.reps.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }) }
        WorkMeter.record(entities.count + runs.values.reduce(0) { $0 + $1.reps.count }, in: "backtest quarter")
        for e in entities {
            let name = panel.entityNames[Int(e)]
            guard let actual = naive.completeTotal(e, quarter: q), let runRate = naive.runRate(e, lastPeriod: lastTraining, quarter: quarter),
                  let previous = naive.lastYear(e, quarter: quarter) else { continue }
            var entry = BacktestForecast(quarter: quarter, rep: name, team: teamOf[e], actual: actual,
                                         forecasts: [BacktestReport.runRate: runRate, BacktestReport.lastYear: previous],
                                         intervals80: [:], intervals95: [:])
            switch options.quotaTarget {
            case .quotas(let table): entry.quota = table.quota(of: name, in: quarter)
            case .sameQuarterLastYear: entry.quota = previous
            case .none: break
            }
            var allModels = true
            for (mode, lines) in linesByName {
                guard let line = lines[name], line.rollUp.count == Int(perQuarter) else { allModels = false; continue }
                let method = BacktestReport.modelMethod(mode)
                entry.forecasts[method] = line.rollUp.mean
                entry.intervals80[method] = line.predictionInterval(level: 0.8)
                entry.intervals95[method] = line.predictionInterval(level: 0.95)
                if let quota = entry.quota { entry.quotaProbabilities[method] = line.probability(ofReaching: quota) }
            }
            if allModels { forecasts.append(entry) }
        }
    }
    let methods = options.modes.map(BacktestReport.modelMethod) + [BacktestReport.runRate, BacktestReport.lastYear]
    if options.intervals == .conformal {
        let (conformal, unbounded) = BacktestReport.conformalized(forecasts, methods: options.modes.map(BacktestReport.modelMethod))
        forecasts = conformal
        if unbounded > 0 {
            notes.append("conformal intervals: \(unbounded) rep-quarter forecasts (over the model methods) had too few earlier errors in their team for a bounded 80% or 95% interval (⌈(n+1)·level⌉ > n) and are left out of that level's coverage")
        }
    }
    func accuracy(_ method: String, _ items: [BacktestForecast]) -> ForecastAccuracy {
        let errors = items.compactMap { f in f.forecasts[method].map { $0 - f.actual } }
        let n = Double(errors.count)
        let absolute = errors.map(abs)
        let nonzero = items.filter { $0.actual != 0 && $0.forecasts[method] != nil }
        let mape = nonzero.map { abs(($0.forecasts[method] ?? 0) - $0.actual) / abs($0.actual) }.reduce(0, +) / Double(max(1, nonzero.count)) * 100
        let wape = absolute.reduce(0, +) / max(1e-300, items.map { abs($0.actual) }.reduce(0, +)) * 100
        func coverage(_ intervals: KeyPath<BacktestForecast, [String: Interval]>) -> Double? {
            BacktestReport.coverage(items, method: method, intervals: intervals)
        }
        return ForecastAccuracy(method: method, count: errors.count, mae: absolute.reduce(0, +) / n,
                                rmse: (errors.map { $0 * $0 }.reduce(0, +) / n).squareRoot(), mape: mape, wape: wape,
                                coverage80: coverage(\.intervals80), coverage95: coverage(\.intervals95))
    }
    let byQuarter = quarters.map { quarter in
        let items = forecasts.filter { $0.quarter == quarter }
        return BacktestReport.QuarterWAPE(quarter: quarter, wape: Dictionary(uniqueKeysWithValues: methods.map { ($0, accuracy($0, items).wape) }))
    }
    if forecasts.isEmpty { notes.append("no rep-quarter could be scored by every method (each needs a full quarter a year earlier)") }
    options.progress?(lastQuarter - start + 1, lastQuarter - start + 1)
    let modelMethods = options.modes.map(BacktestReport.modelMethod)
    func coverage(by key: (BacktestForecast) -> String?) -> [BacktestReport.Coverage] {
        var result: [BacktestReport.Coverage] = []
        let byKey = Dictionary(grouping: forecasts.filter { key($0) != nil }, by: { key($0) ?? "" })
        for k in byKey.keys.sorted() {
            let items = byKey[k] ?? []
            for method in modelMethods {
                let a = accuracy(method, items)
                result.append(.init(name: k, method: method, count: a.count, coverage80: a.coverage80 ?? .nan, coverage95: a.coverage95 ?? .nan))
            }
        }
        return result
    }
    var report = BacktestReport(formula: formula, covarianceType: options.regression.covariance, response: responseName, quarters: quarters,
                          methods: methods.map { accuracy($0, forecasts) }, forecasts: forecasts,
                          wapeByQuarter: byQuarter,
                          coverageByTeam: coverage { $0.team }, coverageByRep: coverage { $0.rep },
                          notes: notes, intervalMethod: options.intervals, quotaTarget: options.quotaTarget,
                          quotaCalibration: BacktestReport.quotaCalibration(forecasts, methods: modelMethods))
    report.family = options.regression.family
    return report
}
