import Foundation

extension BacktestReport {
    /// One rep's signed bias under one method: Σ(forecast − actual) / Σ actual over its rep-quarters.
    public struct RepBias: Sendable, Equatable {
        /// The rep's name.
        public var rep: String
        /// The method, e.g. `model (projected activities)`.
        public var method: String
        /// Rep-quarters scored.
        public var count: Int
        /// The signed bias as a fraction: positive means over-forecast.
        public var bias: Double
    }

    /// Each rep's signed bias under each method, on the rep-quarters every method forecast: a busy
    /// rep whose activity the model turns into revenue the rep never books shows as a large positive bias.
    public var biasByRep: [RepBias] {
        let methods = self.methods.map(\.method)
        var result: [RepBias] = []
        // Each rep's rep-quarters gathered once, not a scan of every forecast per rep.
        let byRep = Dictionary(grouping: forecasts, by: \.rep)
        let reps = byRep.keys.sorted()
        for method in methods {
            for rep in reps {
                let rows = (byRep[rep] ?? []).filter { $0.forecasts[method] != nil }
                let actual = rows.reduce(0) { $0 + $1.actual }
                guard !rows.isEmpty, actual != 0 else { continue }
                let error = rows.reduce(0) { $0 + ($1.forecasts[method] ?? 0) - $1.actual }
                result.append(RepBias(rep: rep, method: method, count: rows.count, bias: error / actual))
            }
        }
        return result
    }

    /// The mean over reps of the absolute per-rep bias, per method (a fraction).
    public var meanAbsoluteRepBias: [String: Double] {
        Dictionary(grouping: biasByRep, by: \.method).mapValues { biases in
            biases.reduce(0) { $0 + abs($1.bias) } / Double(biases.count)
        }
    }
}
