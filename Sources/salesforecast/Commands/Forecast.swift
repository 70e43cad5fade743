import ArgumentParser
import Forecasting

extension SalesForecast {
    /// `salesforecast forecast`: the quarterly run.
    struct Forecast: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forecast a quarter per rep, team and in total, with prediction intervals.",
            discussion: """
                Example:
                  salesforecast forecast --history examples/data/sales_history.csv \\
                    --formula "revenue ~ lag(demos, 1) + lag(meetings, 2) + proposals + calls + season(period)" \\
                    --horizon 2026-Q4 --quota examples/data/quotas.csv

                Without --plan, each rep's activities are projected from its history (recent
                run-rate, or --projection last-year); the output says which.
                Without --formula, a model is chosen from the history: each activity
                at its best lag, a quarterly season when it helps, and (1 | rep) for
                each rep's own productivity. The formula and the reasons are printed
                on standard error.

                Intervals are model-based by default: estimates, rep effects, noise
                (per team) and, for projected activities, the error projecting each
                past period the same way made. --intervals conformal gives split-
                conformal intervals instead: forecast ± the ⌈(n+1)·level⌉-th smallest
                of n rolling-origin errors of the team (a backtest of the model on
                the history). They guarantee marginal coverage (on average over a
                team's reps and quarters) if errors are exchangeable across origins;
                not coverage for each rep, nor after a shift in the errors' scale.

                --family poisson|negbin fits a count model (e.g. --response deals_won):
                expected counts with whole-number bands from the count's predictive
                distribution (the estimates' uncertainty, the counts' own randomness
                and projected activities' error, on the log scale), and P(count ≥
                quota) from it. The default model's (1 | rep) is left out (random
                intercepts for counts are a later step; the output says so). A model
                saved by 'fit --family … --save' works with --model.
                """
        )

        @Option(help: "The history CSV: one row per rep and period, activities and results.")
        var history: String

        @OptionGroup var source: ModelSource

        @Option(help: "The quarter to forecast, e.g. 2026-Q4 (default: the quarter after the history).")
        var horizon: String?

        @Option(help: "Planned activities per rep and period (CSV with the period and rep columns).")
        var plan: String?

        @Option(help: "Quotas: a CSV with a name column (rep, team or Total), a 'quota' column and optionally a 'quarter' column (2026-Q4) for quotas that change by quarter.")
        var quota: String?

        @Option(help: "How to project activities without a plan: run-rate or last-year.")
        var projection: ActivityProjection = .runRate

        @Flag(help: "Project activity columns the plan lacks from history (said in the output) instead of refusing the plan.")
        var projectMissing = false

        @Option(help: "Confidence level of the prediction intervals.")
        var level: Double = 0.8

        @Option(help: "How intervals are made: model (default) or conformal (split conformal from rolling-origin errors, per team).")
        var intervals: IntervalMethod = .model

        @OptionGroup var family: FamilyOptions
        @OptionGroup var panel: PanelOptions
        @OptionGroup var reading: ReadingOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var recording: RecordOptions

        func validate() throws {
            guard level > 0, level < 1 else { throw ValidationError("--level must be between 0 and 1, e.g. 0.8") }
        }

        func run() throws {
            let ledger = try recording.open()
            let past = try panel.history(at: history, reading: reading)
            let (model, notes) = try source.loadNoting(fittingOn: past, missing: reading.missing, family: family)
            let quarter = try horizon.map { try Period(quarter: $0) } ?? model.nextQuarter(history: past)
            var run = try model.forecast(quarter, plan: plan.map { try reading.read($0) }, projection: projection,
                                         projectMissingPlanColumns: projectMissing, level: level,
                                         quotas: try quota.map { try Quotas.readTable(path: $0).quotasForForecast(of: quarter) } ?? [:], history: past)
            run.warnings = notes + run.warnings
            if intervals == .conformal {
                run = try output.timed("conformal calibration") {
                    try model.conformalIntervals(for: run, activities: plan == nil ? .projected : .known, projection: projection, history: past)
                }
            }
            if let ledger {
                try recording.record(run, in: ledger, history: past,
                                     choice: source.model != nil ? "model" : source.formula != nil ? "formula" : "default",
                                     inputs: [("history", history), ("plan", plan), ("quota", quota), ("model", source.model)])
            }
            try output.emit(run.formatted(output.format))
        }
    }
}

extension ActivityProjection: ExpressibleByArgument {}
extension IntervalMethod: ExpressibleByArgument {}
