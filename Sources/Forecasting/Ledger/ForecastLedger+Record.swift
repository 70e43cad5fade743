import Foundation
import GRDB

extension ForecastLedger {
    /// Records a forecast run in one transaction: the run, its input files, and one line per rep, team
    /// and total with the model's forecast and the two naive forecasts from `history`.
    ///
    /// - Parameters:
    ///   - run: The forecast.
    ///   - history: The history the forecast was made from (for the as-of period and the naive forecasts).
    ///   - inputs: The input files, with their digests.
    ///   - modelChoice: `formula` (given), `default` (chosen by the tool) or `model` (a saved model).
    ///   - asOf: The as-of period (default: the history's last period).
    ///   - ranAt: When the run was made (default now).
    /// - Returns: The run's id.
    @discardableResult
    public func record(_ run: QuarterlyForecast, history: SalesHistory, inputs: [LedgerInput] = [], modelChoice: String = "formula",
                       asOf: Period? = nil, ranAt: Date = Date()) throws -> String
    {
        guard let panel = history.panel, let last = panel.span?.last else { throw ForecastError.noPeriods(source: history.sourceName) }
        let lines = try Self.ledgerLines(run, history: history, panel: panel, lastPeriod: last)
        guard !lines.isEmpty else { throw LedgerError.emptyRun }
        let asOfPeriod = asOf ?? last
        let lead = run.periods.last.map { $0.frequency == asOfPeriod.frequency ? $0.index - asOfPeriod.index : 0 } ?? 0
        let id = UUID().uuidString.lowercased()
        try write { db in
            try db.execute(sql: """
                INSERT INTO runs (id, ran_at, as_of, horizon, horizon_index, lead_periods, response, formula, model_choice,
                                  covariance, level, periods, tool_version, line_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, Self.timestamp(ranAt), asOfPeriod.description, run.horizon.description, run.horizon.index, lead,
                                 run.response, run.formula, modelChoice, run.covarianceType.description, run.level, run.periods.count,
                                 ForecastingVersion.current, lines.count])
            for input in inputs {
                try db.execute(sql: "INSERT INTO run_inputs (run_id, role, path, sha256) VALUES (?, ?, ?, ?)",
                               arguments: [id, input.role, input.path, input.sha256])
            }
            for (position, line) in lines.enumerated() {
                try db.execute(sql: """
                    INSERT INTO lines (run_id, position, kind, name, team, mean, se, lower, upper, quota, p_quota,
                                       naive_run_rate, naive_last_year, periods)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, position, line.kind.rawValue, line.name, line.team, line.mean, line.standardError, line.lower,
                                     line.upper, line.quota, line.quotaProbability, line.naiveRunRate, line.naiveLastYear, line.periodsForecast])
            }
        }
        return id
    }

    /// The lines of a run with their naive forecasts: a rep's own; for teams and the total, the team's
    /// (or everyone's) last period × periods in the quarter, and the team's same quarter last year.
    static func ledgerLines(_ run: QuarterlyForecast, history: SalesHistory, panel: Panel, lastPeriod: Period) throws -> [LedgerLine] {
        let naive = NaiveForecasts(panel: panel, response: try history.data.numbers(run.response))
        var entityOf: [String: Int32] = [:]
        for (i, name) in panel.entityNames.enumerated() { entityOf[name] = Int32(i) }
        func line(_ f: ForecastLine, runRate: Double?, lastYear: Double?, periods: Int) -> LedgerLine {
            let interval = f.predictionInterval(level: run.level)
            return LedgerLine(kind: f.kind, name: f.name, team: f.group, mean: f.rollUp.mean, standardError: f.rollUp.observationSE,
                              lower: interval.lower, upper: interval.upper, quota: f.quota, quotaProbability: f.quotaProbability,
                              naiveRunRate: runRate, naiveLastYear: lastYear, periodsForecast: periods)
        }
        let reps = run.reps.map { f -> LedgerLine in
            let e = entityOf[f.name]
            return line(f, runRate: e.flatMap { naive.runRate($0, lastPeriod: lastPeriod, quarter: run.horizon) },
                        lastYear: e.flatMap { naive.lastYear($0, quarter: run.horizon) }, periods: f.rollUp.count)
        }
        // Teams and the total: the naive forecasts of the whole team (every rep of the history, by the team of
        // its latest row, departed and new reps included), summed over the reps that have one.
        var teamOf: [Int32: String] = [:]
        if let group = history.layout?.group, case .text(let names) = try history.data.column(group) {
            for row in 0..<history.data.rowCount where panel.entities[row] >= 0 { teamOf[panel.entities[row]] = names[row] }
        }
        let entities = (0..<Int32(panel.entityNames.count))
        func summed(_ members: [Int32]) -> (Double?, Double?) {
            let runRates = members.compactMap { naive.runRate($0, lastPeriod: lastPeriod, quarter: run.horizon) }
            let lastYears = members.compactMap { naive.lastYear($0, quarter: run.horizon) }
            return (runRates.isEmpty ? nil : runRates.reduce(0, +), lastYears.isEmpty ? nil : lastYears.reduce(0, +))
        }
        let teams = run.teams.map { f -> LedgerLine in
            let (runRate, lastYear) = summed(entities.filter { teamOf[$0] == f.name })
            return line(f, runRate: runRate, lastYear: lastYear, periods: f.rollUp.count)
        }
        let (runRate, lastYear) = summed(Array(entities))
        let total = line(run.total, runRate: runRate, lastYear: lastYear, periods: run.total.rollUp.count)
        return reps + teams + [total]
    }
}
