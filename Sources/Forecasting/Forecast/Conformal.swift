import Foundation

/// How prediction intervals are made.
public enum IntervalMethod: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// From the model: its estimates, rep effects and noise, and the measured error of projected
    /// activities (Student's t). Intervals for any level; quota probabilities from the same distribution.
    case model
    /// Split conformal: the forecast ± the ⌈(n+1)·level⌉-th smallest absolute error of the same kind
    /// of forecast made at earlier origins of the history (rolling origin), per team.
    ///
    /// Guarantees marginal coverage of at least `level`, averaged over the reps and quarters of a team,
    /// if the errors of the forecast and of the origins calibrated on are exchangeable (no assumption
    /// on their distribution). It does not guarantee coverage for each rep (a steady and an erratic rep
    /// get the same width), nor after the errors' scale shifts over time. With fewer than
    /// ⌈1/(1−level)⌉ − 1 errors the interval is unbounded.
    case conformal

    public var description: String {
        switch self {
        case .model: "model-based"
        case .conformal: "split conformal from rolling-origin errors, per team"
        }
    }
}

/// Split-conformal quantiles of absolute forecast errors.
public enum ConformalQuantile {
    /// The ⌈(n+1)·level⌉-th smallest of `scores` (absolute errors), the half-width whose interval covers a new
    /// exchangeable error with probability at least `level`; `.infinity` when that rank exceeds n.
    public static func halfWidth(_ scores: [Double], level: Double) -> Double {
        let sorted = scores.filter { !$0.isNaN }.map(abs).sorted()
        let rank = Int((Double(sorted.count + 1) * level).rounded(.up))
        guard rank >= 1 else { return 0 }
        return rank <= sorted.count ? sorted[rank - 1] : .infinity
    }
}

/// A line's conformal interval and how many errors calibrated it.
public struct ConformalInterval: Sendable, Equatable {
    /// The interval: the forecast ± ``halfWidth`` (unbounded when too few errors).
    public var interval: Interval
    /// The ⌈(n+1)·level⌉-th smallest absolute error.
    public var halfWidth: Double
    /// Errors calibrated on (rep-quarters of the team for a rep, quarters for a team or the total).
    public var count: Int
}

extension BacktestReport {
    /// `forecasts` with each model method's intervals replaced by split-conformal ones, quarter by quarter: a
    /// rep-quarter's interval is calibrated on its team's errors in the quarters before it (rolling origin).
    /// Rep-quarters whose team has too few earlier errors for a bounded interval get none (left out of that
    /// level's coverage); the count of them is returned.
    static func conformalized(_ forecasts: [BacktestForecast], methods: [String]) -> (forecasts: [BacktestForecast], unbounded: Int) {
        var result = forecasts
        var unbounded = 0
        let order = forecasts.indices.sorted { forecasts[$0].quarter < forecasts[$1].quarter }
        for method in methods {
            var errors: [String: [Double]] = [:]
            var pending: [(team: String, error: Double)] = []
            var current: Period?
            for i in order {
                let f = forecasts[i]
                if f.quarter != current {
                    // Errors of a quarter join the calibration set only once the quarter is over.
                    for p in pending { errors[p.team, default: []].append(p.error) }
                    pending = []
                    current = f.quarter
                }
                guard let mean = f.forecasts[method] else { continue }
                let team = f.team ?? ""
                let scores = errors[team] ?? []
                let h80 = ConformalQuantile.halfWidth(scores, level: 0.8), h95 = ConformalQuantile.halfWidth(scores, level: 0.95)
                result[i].intervals80[method] = h80.isFinite ? Interval(center: mean, halfWidth: h80) : nil
                result[i].intervals95[method] = h95.isFinite ? Interval(center: mean, halfWidth: h95) : nil
                if !h80.isFinite || !h95.isFinite { unbounded += 1 }
                pending.append((team, f.actual - mean))
            }
        }
        return (result, unbounded)
    }
}

/// The forecast's lines with split-conformal intervals at its level: each rep from its team's rep-quarter
/// errors of a rolling-origin backtest on `history`, each team and the total from their quarters' errors.
package func conformalIntervals(for forecast: QuarterlyForecast, history: Dataset, formula: String, layout: PanelLayout,
                                options: BacktestOptions) throws -> QuarterlyForecast {
    let report = try backtest(history: history, formula: formula, layout: layout, options: options)
    guard let mode = options.modes.first else { return forecast }
    let method = BacktestReport.modelMethod(mode)
    var repErrors: [String: [Double]] = [:]
    var teamQuarter: [String: [Period: Double]] = [:], totalQuarter: [Period: Double] = [:]
    for f in report.forecasts {
        guard let mean = f.forecasts[method] else { continue }
        let e = f.actual - mean, team = f.team ?? ""
        repErrors[team, default: []].append(e)
        teamQuarter[team, default: [:]][f.quarter, default: 0] += e
        totalQuarter[f.quarter, default: 0] += e
    }
    func conformal(_ line: ForecastLine, _ errors: [Double]) -> ConformalInterval {
        let h = ConformalQuantile.halfWidth(errors, level: forecast.level)
        var interval = h.isFinite ? Interval(center: line.rollUp.mean, halfWidth: h) : Interval(lower: -.infinity, upper: .infinity)
        if line.counts != nil, h.isFinite {
            // Counts: widened outward to whole numbers ≥ 0, which keeps the guarantee.
            interval = Interval(lower: max(0, interval.lower.rounded(.down)), upper: interval.upper.rounded(.up))
        }
        return ConformalInterval(interval: interval, halfWidth: h, count: errors.count)
    }
    var result = forecast
    result.intervalMethod = .conformal
    result.reps = forecast.reps.map { var l = $0; l.conformal = conformal($0, repErrors[$0.group ?? ""] ?? []); return l }
    result.teams = forecast.teams.map { var l = $0; l.conformal = conformal($0, Array((teamQuarter[$0.name] ?? [:]).values)); return l }
    result.total.conformal = conformal(forecast.total, Array(totalQuarter.values))
    let unbounded = result.allLines.filter { !($0.conformal?.halfWidth.isFinite ?? true) }.map(\.name)
    if !unbounded.isEmpty {
        result.warnings.append("conformal intervals: too few rolling-origin errors for a bounded \(TextFormat.percent(forecast.level)) interval (⌈(n+1)·level⌉ > n) for \(unbounded.prefix(5).joined(separator: ", "))\(unbounded.count > 5 ? ", …" : ""): shown as unbounded")
    }
    result.warnings.append("conformal intervals from \(report.forecasts.count) rolling-origin rep-quarter errors (\(report.quarters.count) quarters, \(mode.rawValue) activities); quota probabilities stay model-based")
    return result
}

extension LinearModel {
    /// `forecast` with split-conformal intervals (see ``IntervalMethod/conformal``): the model's formula is
    /// backtested on the history (rolling origin, one quarter ahead, refitted at each origin) and each line's
    /// interval is its forecast ± the conformal quantile of the errors of its kind.
    ///
    /// - Parameters:
    ///   - forecast: A forecast made with this model, at the level the intervals should have.
    ///   - activities: `.projected` for a forecast whose activities were projected (its errors include the
    ///     projection's), `.known` for one made from a plan.
    ///   - projection: How activities are projected in the backtest (as in the forecast).
    ///   - history: The history, for a model read from a file (default: the fitted one).
    /// - Throws: ``ForecastError/historyTooShort(quarters:needed:)`` when the history has no quarter to calibrate on.
    public func conformalIntervals(for forecast: QuarterlyForecast, activities: ActivityMode, projection: ActivityProjection = .runRate,
                                   history: SalesHistory? = nil) throws -> QuarterlyForecast {
        guard let past = history ?? self.history, let layout = past.layout else {
            throw ForecastError.noPeriods(source: trainingData?.source.name ?? "the model")
        }
        var regression = RegressionOptions(covariance: covarianceType)
        regression.family = family  // a count model is backtested as a count model
        var options = BacktestOptions(modes: [activities], projection: projection, regression: regression)
        options.quotaTarget = .none
        return try Forecasting.conformalIntervals(for: forecast, history: past.data, formula: requiredFormula.text, layout: layout, options: options)
    }
}
