import ArgumentParser
import Forecasting

extension SalesForecast {
    /// `salesforecast backtest`: rolling-origin evaluation against naive forecasts.
    struct Backtest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show how the model's quarterly forecasts would have done, against naive forecasts.",
            discussion: """
                Example:
                  salesforecast backtest --history examples/data/sales_history.csv \\
                    --formula "revenue ~ lag(demos, 1) + proposals + season(period, 'quarter')"

                Fits on the history before each quarter, forecasts that quarter per rep, and
                scores MAE, RMSE, MAPE, WAPE and interval coverage next to two naive
                forecasts: last period's run-rate and the same quarter last year.

                Coverage is the share of actuals inside the 80% and 95% prediction
                intervals, overall and per team; with projected activities the
                intervals include the measured error of the projection. Quota
                probabilities are scored by the Brier score and a reliability table
                against --quota (each rep's quota for the quarter when the file has a
                quarter column, else the same for every quarter), or,
                without it, against each rep's own result a year earlier (said so).
                --intervals conformal scores split-conformal intervals instead: each
                rep-quarter's from its team's errors in earlier quarters (marginal
                coverage if errors are exchangeable across origins; not per rep).

                --family poisson|negbin backtests a count model (e.g. --response deals_won):
                WAPE of the expected count, and coverage of whole-number intervals, which
                for a discrete distribution hold at least their level (coverage above
                nominal is expected). The default model's (1 | rep) is left out (said so).
                """
        )

        @Option(help: "The history CSV.")
        var history: String

        @OptionGroup var formulaOptions: FormulaOptions

        @Option(help: "Activities for the forecast quarter: known (what happened), projected, or both.")
        var activityMode: ActivityChoice = .both

        @Option(help: "Quarters of history before the first forecast.")
        var minimumQuarters: Int = 4

        @Option(help: "How to project activities: run-rate or last-year.")
        var projection: ActivityProjection = .runRate

        @Option(help: "How the model's intervals are made: model (default) or conformal (split conformal from earlier quarters' errors, per team).")
        var intervals: IntervalMethod = .model

        @Option(help: "Quotas (a name column, 'quota', optionally 'quarter') to score the quota probabilities against; default: each rep's same quarter a year earlier.")
        var quota: String?

        @OptionGroup var covariance: CovarianceOptions
        @OptionGroup var family: FamilyOptions

        @OptionGroup var panel: PanelOptions
        @OptionGroup var reading: ReadingOptions
        @OptionGroup var output: OutputOptions

        enum ActivityChoice: String, ExpressibleByArgument { case known, projected, both }

        func validate() throws {
            guard minimumQuarters >= 1 else { throw ValidationError("--minimum-quarters must be at least 1") }
        }

        func run() throws {
            let past = try panel.history(at: history, reading: reading)
            let modes: [ActivityMode] = switch activityMode {
            case .both: [.known, .projected]
            case .known: [.known]
            case .projected: [.projected]
            }
            var options = BacktestOptions(minimumTrainingQuarters: minimumQuarters, modes: modes, projection: projection,
                                          regression: covariance.options(missing: reading.missing))
            family.apply(to: &options.regression)
            options.progress = output.progress("backtest: quarters")
            options.intervals = intervals
            if let quota { options.quotaTarget = .quotas(try Quotas.readTable(path: quota)) }
            let (formula, notes) = try formulaOptions.formulaAndNotes(for: past, family: family.family)
            var report = try output.timed("backtest") {
                try past.backtest(formula, options: options)
            }
            report.notes = notes + report.notes
            try output.emit(report.formatted(output.format))
        }
    }
}
