import Foundation

/// How the recorded forecasts did against the actuals: per quarter and over all, for the model and the
/// two naive methods, on the same lines (only lines every method forecast and whose quarter is complete).
public struct LedgerScore: Sendable {
    /// The methods scored, in order.
    public static let methods = ["model", "naive-run-rate", "naive-last-year"]

    /// The lines scored: rep, team or total.
    public var level: ForecastLine.Kind
    /// Only runs for quarters from this one on, when given.
    public var since: Period?
    /// Per quarter (`horizon` a quarter) and over all (`horizon` `all`), for each method.
    public var scores: [MethodScore]
    /// By lead time: periods between the run's as-of period and the quarter's end.
    public var byLead: [MethodScore]
    /// Reliability of the model's P(quota): predicted probability against the share that reached quota.
    public var reliability: [ReliabilityBin]
    /// Runs recorded, and runs with at least one line scored.
    public var runsRecorded: Int, runsScored: Int
    /// What could not be scored and why.
    public var notes: [String]

    /// The accuracy of one method over a set of recorded lines.
    public struct MethodScore: Sendable, Equatable {
        /// `model`, `naive-run-rate` or `naive-last-year`.
        public var method: String
        /// A quarter (`2026-Q3`) or `all`.
        public var horizon: String
        /// The lead time in periods, for the lead-time rows.
        public var leadPeriods: Int?
        /// Lines scored.
        public var n: Int
        /// Mean absolute error.
        public var mae: Double
        /// Σ|forecast − actual| / Σ|actual| (a fraction).
        public var wape: Double
        /// Σ(forecast − actual) / Σ actual: positive when the forecasts were too high.
        public var bias: Double
        /// Student's t of the mean error, and its two-sided p-value (n − 1 degrees of freedom).
        public var biasT: Double, biasP: Double
        /// The share of actuals inside the recorded interval (the model only).
        public var coverage: Double?
        /// The intervals' confidence level (the model only).
        public var intervalLevel: Double?
        /// Brier score of P(quota) (the model, lines with a quota).
        public var brier: Double?
        /// Forecast value added: the run-rate naive's WAPE minus this method's (positive is better).
        public var fva: Double
    }

    /// One bin of the reliability table.
    public struct ReliabilityBin: Sendable, Equatable {
        /// The probability range of the bin.
        public var lower: Double, upper: Double
        /// Lines in the bin.
        public var n: Int
        /// The mean predicted probability of reaching quota.
        public var meanProbability: Double
        /// The share of lines that reached quota.
        public var observedRate: Double
    }

    /// One scored line.
    struct Item {
        var horizon: Period
        var lead: Int
        var actual: Double
        var forecasts: [Double]   // model, run-rate, last-year
        var lower: Double, upper: Double, level: Double
        var quota: Double?, pQuota: Double?
    }

    static func score(_ items: [Item], method: Int, horizon: String, lead: Int?) -> MethodScore {
        let errors = items.map { $0.forecasts[method] - $0.actual }
        let n = Double(errors.count)
        let sumActual = items.map(\.actual).reduce(0, +)
        let sumAbsActual = max(1e-300, items.map { abs($0.actual) }.reduce(0, +))
        func wape(_ m: Int) -> Double { items.map { abs($0.forecasts[m] - $0.actual) }.reduce(0, +) / sumAbsActual }
        let meanError = errors.reduce(0, +) / max(1, n)
        let sd = n > 1 ? (errors.map { ($0 - meanError) * ($0 - meanError) }.reduce(0, +) / (n - 1)).squareRoot() : .nan
        let t = n > 1 && sd > 0 ? meanError / (sd / n.squareRoot()) : .nan
        let p = t.isNaN ? Double.nan : StudentTDistribution(degreesOfFreedom: n - 1).twoSidedPValue(t)
        var coverage: Double?, level: Double?, brier: Double?
        if method == 0 && !items.isEmpty {
            coverage = Double(items.filter { $0.lower <= $0.actual && $0.actual <= $0.upper }.count) / n
            level = items[0].level
            let withQuota = items.compactMap { i in i.pQuota.flatMap { p in i.quota.map { (p, i.actual >= $0 ? 1.0 : 0.0) } } }
            if !withQuota.isEmpty { brier = withQuota.map { ($0.0 - $0.1) * ($0.0 - $0.1) }.reduce(0, +) / Double(withQuota.count) }
        }
        return MethodScore(method: methods[method], horizon: horizon, leadPeriods: lead, n: errors.count,
                           mae: errors.map(abs).reduce(0, +) / max(1, n), wape: wape(method),
                           bias: errors.reduce(0, +) / (sumActual == 0 ? 1e-300 : sumActual), biasT: t, biasP: p,
                           coverage: coverage, intervalLevel: level, brier: brier, fva: wape(1) - wape(method))
    }
}

extension ForecastLedger {
    /// Scores the recorded runs against the actuals loaded.
    ///
    /// - Parameters:
    ///   - level: Score rep, team or total lines.
    ///   - since: Only runs for this quarter and later.
    public func score(level: ForecastLine.Kind = .rep, since: Period? = nil) throws -> LedgerScore {
        let allRuns = try runs()
        let runs = allRuns.filter { run in
            guard let since, let quarter = try? Period(quarter: run.horizon) else { return true }
            return quarter >= since.quarter
        }
        let lines = try linesByRun()
        var totalsByResponse: [String: [Int: [String: (sum: Double, count: Int, team: String?)]]] = [:]
        var items: [LedgerScore.Item] = []
        var notes: [String] = []
        var scoredRuns = 0
        for run in runs {
            guard let horizon = try? Period(quarter: run.horizon) else { continue }
            if totalsByResponse[run.response] == nil { totalsByResponse[run.response] = try actualTotals(response: run.response) }
            let totals = totalsByResponse[run.response]?[horizon.index] ?? [:]
            let runLines = lines[run.id] ?? []
            let reps = runLines.filter { $0.kind == ForecastLine.Kind.rep }
            func actual(ofRep name: String) -> Double? {
                guard let t = totals[name], t.count == run.periods else { return nil }
                return t.sum
            }
            var scored = 0
            for line in runLines where line.kind == level {
                let members: [LedgerLine] = switch level {
                case .rep: [line]
                case .team: reps.filter { $0.team == line.name }
                case .total: reps
                }
                let memberActuals = members.map { actual(ofRep: $0.name) }
                guard !members.isEmpty, !memberActuals.contains(where: { $0 == nil }),
                      line.periodsForecast == members.count * run.periods,
                      let runRate = line.naiveRunRate, let lastYear = line.naiveLastYear else { continue }
                items.append(.init(horizon: horizon, lead: run.leadPeriods, actual: memberActuals.compactMap { $0 }.reduce(0, +),
                                   forecasts: [line.mean, runRate, lastYear], lower: line.lower, upper: line.upper, level: run.level,
                                   quota: line.quota, pQuota: line.quotaProbability))
                scored += 1
            }
            if scored > 0 { scoredRuns += 1 } else { notes.append("run \(run.id.prefix(8)) (\(run.horizon)): no line scored yet (actuals incomplete, or no naive forecast)") }
        }
        var scores: [LedgerScore.MethodScore] = []
        var byLead: [LedgerScore.MethodScore] = []
        let horizons = Set(items.map(\.horizon)).sorted()
        for h in horizons {
            let subset = items.filter { $0.horizon == h }
            for m in 0..<3 { scores.append(LedgerScore.score(subset, method: m, horizon: h.description, lead: nil)) }
        }
        if !items.isEmpty { for m in 0..<3 { scores.append(LedgerScore.score(items, method: m, horizon: "all", lead: nil)) } }
        for lead in Set(items.map(\.lead)).sorted() {
            let subset = items.filter { $0.lead == lead }
            for m in 0..<3 { byLead.append(LedgerScore.score(subset, method: m, horizon: "all", lead: lead)) }
        }
        var reliability: [LedgerScore.ReliabilityBin] = []
        let withQuota = items.compactMap { i in i.pQuota.flatMap { p in i.quota.map { (p, i.actual >= $0 ? 1.0 : 0.0) } } }
        for b in 0..<10 {
            let lower = Double(b) / 10, upper = Double(b + 1) / 10
            let bin = withQuota.filter { $0.0 >= lower && ($0.0 < upper || (b == 9 && $0.0 <= 1)) }
            guard !bin.isEmpty else { continue }
            reliability.append(.init(lower: lower, upper: upper, n: bin.count, meanProbability: bin.map(\.0).reduce(0, +) / Double(bin.count),
                                     observedRate: bin.map(\.1).reduce(0, +) / Double(bin.count)))
        }
        return LedgerScore(level: level, since: since, scores: scores, byLead: byLead, reliability: reliability,
                           runsRecorded: runs.count, runsScored: scoredRuns, notes: notes)
    }
}
