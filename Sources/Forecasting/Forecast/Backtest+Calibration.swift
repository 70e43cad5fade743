import Foundation

/// What a backtest scores its quota probabilities against: each rep-quarter needs a target.
public enum BacktestQuotaTarget: Sendable, Equatable {
    /// Each rep's quota from a quota file: its quarter's row where the file has a `quarter` column, else the
    /// one quota applied to every quarter backtested.
    case quotas(QuotaTable)
    /// No quota file: each rep's own result in the same quarter a year earlier (the naive last-year
    /// forecast), so the question scored is "will the rep beat last year's quarter?".
    case sameQuarterLastYear
    /// Quota probabilities are not scored.
    case none

    /// The target in words, as the backtest's output states it.
    public var description: String {
        switch self {
        case .quotas(let table) where table.isQuarterly:
            "each rep's quota from \(table.source) for the quarter forecast" + (table.standing.isEmpty ? "" : " (its quotas without a quarter in the others)")
        case .quotas(let table): "each rep's quota from \(table.source), the same quota for every quarter backtested"
        case .sameQuarterLastYear: "no quota file given: each rep's own result in the same quarter a year earlier (will the rep beat last year?)"
        case .none: "not scored"
        }
    }
}

/// How well one method's probabilities of reaching quota matched what happened: the Brier score and a
/// reliability table (predicted probability against the realized frequency, per bin).
public struct QuotaCalibration: Sendable, Equatable {
    /// The model method, e.g. `model (projected activities)`.
    public var method: String
    /// Rep-quarters scored.
    public var count: Int
    /// The mean of (p − outcome)² over them, with outcome 1 when the actual reached the target: 0 is perfect,
    /// 0.25 is what always saying 50% scores.
    public var brier: Double
    /// The share of rep-quarters that reached the target.
    public var baseRate: Double
    /// Predicted-probability bins of equal width, with the rep-quarters that fell in each.
    public var bins: [ReliabilityBin]

    /// One bin of a reliability table.
    public struct ReliabilityBin: Sendable, Equatable {
        /// The bin's lower bound (inclusive).
        public var lower: Double
        /// The bin's upper bound (exclusive, except 1 for the last bin).
        public var upper: Double
        /// Rep-quarters whose predicted probability fell in the bin.
        public var count: Int
        /// Their mean predicted probability (`nan` for an empty bin).
        public var meanPredicted: Double
        /// The share of them that reached the target (`nan` for an empty bin).
        public var realized: Double
    }

    /// Scores `probabilities` against `outcomes` (whether each target was reached).
    /// - Parameters:
    ///   - method: The name the result carries, e.g. `model (projected activities)`.
    ///   - probabilities: The predicted probabilities of reaching the target (non-finite ones are left out).
    ///   - outcomes: Whether each target was reached, in the same order.
    ///   - binCount: Bins of width 1/`binCount` over [0, 1] (default 10); a probability of exactly 1 falls in the last.
    public static func measure(method: String, probabilities: [Double], outcomes: [Bool], binCount: Int = 10) -> QuotaCalibration {
        let pairs = zip(probabilities, outcomes).filter { $0.0.isFinite }
        let n = pairs.count
        var squares = 0.0
        var sums = [Double](repeating: 0, count: binCount), hits = sums, counts = [Int](repeating: 0, count: binCount)
        for (p, reached) in pairs {
            let o = reached ? 1.0 : 0.0
            squares += (p - o) * (p - o)
            let bin = min(binCount - 1, max(0, Int((p * Double(binCount)).rounded(.down))))
            sums[bin] += p
            hits[bin] += o
            counts[bin] += 1
        }
        let bins = (0..<binCount).map { b in
            ReliabilityBin(lower: Double(b) / Double(binCount), upper: Double(b + 1) / Double(binCount), count: counts[b],
                           meanPredicted: counts[b] > 0 ? sums[b] / Double(counts[b]) : .nan,
                           realized: counts[b] > 0 ? hits[b] / Double(counts[b]) : .nan)
        }
        let reached = pairs.filter(\.1).count
        return QuotaCalibration(method: method, count: n, brier: n > 0 ? squares / Double(n) : .nan,
                                baseRate: n > 0 ? Double(reached) / Double(n) : .nan, bins: bins)
    }
}

extension BacktestReport {
    /// The share of `items` whose actual lies inside the method's interval picked by `intervals` (`nil` when none has one).
    static func coverage(_ items: [BacktestForecast], method: String, intervals: KeyPath<BacktestForecast, [String: Interval]>) -> Double? {
        let inside = items.compactMap { f in f[keyPath: intervals][method].map { $0.contains(f.actual) } }
        return inside.isEmpty ? nil : Double(inside.filter { $0 }.count) / Double(inside.count)
    }

    /// The quota calibration of each model method over `forecasts` (those with a target).
    static func quotaCalibration(_ forecasts: [BacktestForecast], methods: [String]) -> [QuotaCalibration] {
        methods.compactMap { method in
            let scored = forecasts.filter { $0.quota != nil && $0.quotaProbabilities[method] != nil }
            guard !scored.isEmpty else { return nil }
            return QuotaCalibration.measure(method: method, probabilities: scored.map { $0.quotaProbabilities[method] ?? .nan },
                                            outcomes: scored.map { $0.actual >= ($0.quota ?? .infinity) })
        }
    }

    /// The reliability tables as text: one per model method, with the Brier score.
    func calibrationText() -> String {
        guard !quotaCalibration.isEmpty else {
            return quotaTarget == .none ? "" : "\nQuota probabilities: no rep-quarter had a target (\(quotaTarget.description)).\n"
        }
        var out = "\nQuota probabilities against outcomes (target: \(quotaTarget.description)):\n"
        for c in quotaCalibration {
            out += String(format: "%@: Brier score %.3f over %d rep-quarters (%.0f%% reached the target; always saying that rate scores %.3f)\n",
                          c.method, c.brier, c.count, c.baseRate * 100, c.baseRate * (1 - c.baseRate))
            out += "  predicted      n   mean predicted   reached\n"
            for b in c.bins where b.count > 0 {
                out += String(format: "  %3.0f–%3.0f%%  %5d   %13.0f%%   %6.0f%%\n", b.lower * 100, b.upper * 100, b.count, b.meanPredicted * 100, b.realized * 100)
            }
        }
        return out
    }

    /// The reliability tables as JSON.
    func calibrationJSON() -> JSONValue {
        .object([
            ("target", .string(quotaTarget.description)),
            ("methods", .array(quotaCalibration.map { c in
                .object([("method", .string(c.method)), ("n", .integer(c.count)), ("brier", .finite(c.brier)), ("base_rate", .finite(c.baseRate)),
                         ("bins", .array(c.bins.map { b in
                             .object([("lower", .number(b.lower)), ("upper", .number(b.upper)), ("n", .integer(b.count)),
                                      ("mean_predicted", .finite(b.meanPredicted)), ("realized", .finite(b.realized))])
                         }))])
            })),
        ])
    }
}
