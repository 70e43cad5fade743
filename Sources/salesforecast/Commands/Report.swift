import ArgumentParser
import Forecasting
import Foundation

extension SalesForecast {
    /// `salesforecast report`: the quarterly run as one self-contained HTML page (or Markdown).
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the quarterly report: forecast, quota chances, drivers, reps, backtest, scenarios.",
            discussion: """
                Example:
                  salesforecast report --history examples/data/sales_history.csv --horizon 2026-Q4 \\
                    --formula "revenue ~ lag(demos, 1) + proposals + calls + season(period, 'quarter')" \\
                    --quota examples/data/quotas.csv --set "demos=+20%" --output report.html

                The HTML has its charts inline (SVG) and needs no network; --markdown writes the
                same report as Markdown.

                --family poisson|negbin reports a count model (e.g. --response deals_won):
                expected counts with whole-number bands in the tables and the chart, the
                backtest of the count model, and rate ratios as the drivers' effects.
                """
        )

        @Option(help: "The history CSV.")
        var history: String

        @OptionGroup var formulaOptions: FormulaOptions

        @Option(help: "The quarter to forecast, e.g. 2026-Q4 (default: the quarter after the history).")
        var horizon: String?

        @Option(help: "Planned activities per rep and period.")
        var plan: String?

        @Option(help: "Quotas: a CSV with a name column (rep, team or Total), a 'quota' column and optionally a 'quarter' column (2026-Q4) for quotas that change by quarter.")
        var quota: String?

        @Option(name: .customLong("set"), help: "A scenario change, e.g. \"demos=+20%\" (repeatable; one scenario).")
        var changes: [String] = []

        @Option(help: "A JSON file of named scenarios.")
        var scenarios: String?

        @Option(help: "Stage columns in funnel order.")
        var funnel: String?

        @Flag(help: "Write Markdown instead of HTML.")
        var markdown = false

        @Option(name: [.short, .long], help: "Write the report to this file (atomically) instead of standard output.")
        var output: String?

        @Option(help: "Add \"How our forecasts have done\" from this forecast ledger's recorded runs and actuals.")
        var ledger: String?

        @OptionGroup var panel: PanelOptions
        @OptionGroup var reading: ReadingOptions
        @OptionGroup var covariance: CovarianceOptions
        @OptionGroup var family: FamilyOptions
        @OptionGroup var recording: RecordOptions

        func validate() throws {
            if let horizon { _ = try Period(quarter: horizon) }
        }

        func run() throws {
            let book = try recording.open()
            let scoreLedger = try ledger.map { try ForecastLedger(path: $0, create: false) }
            let past = try panel.history(at: history, reading: reading)
            var list = try scenarios.map { try Scenario.load(path: $0) } ?? []
            if !changes.isEmpty { list.insert(Scenario(name: "Scenario", changes: try changes.map { try ActivityChange(parsing: $0) }), at: 0) }
            let stages = funnel.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
            var options = covariance.options(missing: reading.missing)
            family.apply(to: &options)
            let (formula, notes) = try formulaOptions.formulaAndNotes(for: past, family: family.family)
            let quarter = try horizon.map { try Period(quarter: $0) } ?? past.nextQuarter()
            var report = try past.report(formula, quarter: quarter, plan: plan.map { try reading.read($0) },
                                         options: options,
                                         quotas: try quota.map { try Quotas.readTable(path: $0).quotasForForecast(of: quarter) } ?? [:],
                                         scenarios: list, funnel: stages)
            report.forecast.warnings = notes + report.forecast.warnings
            if let scoreLedger { report.ledger = try scoreLedger.score() }
            if let book {
                try recording.record(report.forecast, in: book, history: past, choice: formulaOptions.formula != nil ? "formula" : "default",
                                     inputs: [("history", history), ("plan", plan), ("quota", quota)])
            }
            let text = markdown ? report.markdown() : report.html()
            if let output { try AtomicFile.write(text, to: output) } else { print(text, terminator: "") }
        }
    }
}
