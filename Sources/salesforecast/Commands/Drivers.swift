import ArgumentParser
import Forecasting
import Foundation

extension SalesForecast {
    /// `salesforecast drivers`: which activities drive results; which reps are busy but not productive.
    struct Drivers: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rank the activities that drive results and place reps by activity and productivity.",
            discussion: """
                Example:
                  salesforecast drivers --history examples/data/sales_history.csv \\
                    --formula "revenue ~ lag(demos, 1) + lag(meetings, 2) + proposals + calls + emails" \\
                    --funnel meetings,demos,proposals,deals_won

                --family poisson|negbin ranks the activities of a count model (e.g.
                --response deals_won) with rate ratios exp(β) as the effects; rep effects
                for count models are a later step and are left out (said so).
                """
        )

        @Option(help: "The history CSV.")
        var history: String

        @OptionGroup var formulaOptions: FormulaOptions

        @Option(help: "Stage columns in funnel order, for conversion ratios.")
        var funnel: String?

        @Option(help: "Confidence level of the intervals.")
        var level: Double = 0.95

        @OptionGroup var covariance: CovarianceOptions
        @OptionGroup var family: FamilyOptions

        @OptionGroup var panel: PanelOptions
        @OptionGroup var reading: ReadingOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard level > 0, level < 1 else { throw ValidationError("--level must be between 0 and 1") }
        }

        func run() throws {
            let past = try panel.history(at: history, reading: reading)
            let stages = funnel.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
            var options = covariance.options(missing: reading.missing)
            family.apply(to: &options)
            let (formula, notes) = try formulaOptions.formulaAndNotes(for: past, family: family.family)
            let report = try past.drivers(formula, options: options, level: level, funnel: stages)
            try output.emit(report.formatted(output.format))
            notes.forEach { printError("note: \($0)") }
        }
    }
}
