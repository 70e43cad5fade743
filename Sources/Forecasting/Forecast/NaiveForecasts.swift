/// The two naive forecasts of a rep's quarter that every forecast is measured against: the rep's
/// last period times the periods in the quarter (run-rate), and the rep's same quarter a year
/// earlier. Shared by the backtest and the forecast ledger, so both score against the same baselines.
package struct NaiveForecasts: Sendable {
    /// Response totals by (entity, quarter index) with the number of periods that had a value.
    private var totals: [Int32: [Int: (sum: Double, count: Int)]] = [:]
    /// Each entity's value in each period, for the run-rate.
    private var values: [Int32: [Period: Double]] = [:]
    private let frequency: PeriodFrequency
    private var periodsInQuarter: [Int: Int] = [:]

    /// Builds the totals from the response values of a panel's rows.
    package init(panel: Panel, response: [Double]) {
        frequency = panel.frequency
        for row in 0..<response.count where panel.entities[row] >= 0 && !response[row].isNaN {
            let e = panel.entities[row], q = panel.periods[row].quarter.index
            let entry = totals[e]?[q] ?? (0, 0)
            totals[e, default: [:]][q] = (entry.sum + response[row], entry.count + 1)
            values[e, default: [:]][panel.periods[row]] = response[row]
        }
    }

    /// The number of periods of the panel's frequency in a quarter.
    package func periodCount(ofQuarter q: Int) -> Int {
        periodsInQuarter[q] ?? periods(of: Period(frequency: .quarter, index: q), frequency: frequency).count
    }

    /// The entity's total for a quarter, only when every period of the quarter has a value.
    package func completeTotal(_ entity: Int32, quarter q: Int) -> Double? {
        guard let t = totals[entity]?[q], t.count == periodCount(ofQuarter: q) else { return nil }
        return t.sum
    }

    /// Run-rate: the entity's value in `lastPeriod` (the last period of the history the forecast is made
    /// from) times the periods in `quarter`.
    package func runRate(_ entity: Int32, lastPeriod: Period, quarter: Period) -> Double? {
        guard let last = values[entity]?[lastPeriod], !last.isNaN else { return nil }
        return last * Double(periodCount(ofQuarter: quarter.index))
    }

    /// Same quarter last year: the entity's complete total four quarters before `quarter`.
    package func lastYear(_ entity: Int32, quarter: Period) -> Double? {
        completeTotal(entity, quarter: quarter.index - 4)
    }
}
