import Foundation
import ArgumentParser
import Forecasting

extension SalesForecast {
    /// `salesforecast fit`: fit a regression of results on activities and print its inference.
    struct Fit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit a regression of results on activities, with full statistical inference.",
            discussion: """
                Example:
                  salesforecast fit history.csv --robust HC1 \\
                    --formula "revenue ~ proposals + demos + calls + C(team)"

                Formulas follow R and patsy: '+' adds terms, ':' and '*' interact,
                '- 1' drops the intercept, I(x^2) does arithmetic, log(x) and
                C(x) (categories; text columns are categorical anyway).
                """
        )

        @OptionGroup var input: InputOptions

        @Option(name: [.short, .long], help: "The model, e.g. \"revenue ~ demos + proposals + C(team)\".")
        var formula: String

        @Option(help: "A column of positive weights (weighted least squares).")
        var weights: String?

        @Option(help: "Confidence level of the intervals, between 0 and 1.")
        var level: Double = 0.95

        @OptionGroup var covariance: CovarianceOptions

        @Option(help: "Fit one model per value of this column (e.g. rep), on all cores, with a pooled summary.")
        var by: String?

        @Option(help: "A joint Wald test that these terms are all zero, e.g. \"emails, lag(emails, 1)\" (repeatable).")
        var test: [String] = []

        @Option(help: "Ridge penalty λ ≥ 0 for collinear activities (on standardized columns; intercept not penalized).")
        var ridge: Double?

        @OptionGroup var panel: PanelOptions
        @OptionGroup var output: OutputOptions

        @Option(help: "Save the fitted model to this JSON file (atomically), for predict, forecast and what-if.")
        var save: String?

        func validate() throws {
            guard level > 0, level < 1 else { throw ValidationError("--level must be between 0 and 1, e.g. 0.95 (got \(level))") }
            if let ridge, !(ridge >= 0) || !ridge.isFinite { throw ValidationError("--ridge must be a number ≥ 0") }
        }

        func run() throws {
            let data = try input.read()
            let parsed = try Formula(formula)
            // Periods matter to time terms and to HAC on a panel; a plain regression needs none.
            let layout = parsed.usesTime || (covariance.hac != nil && data.hasColumn(panel.period)) ? panel.layout(for: data) : nil
            let options = covariance.options(weights: weights, ridge: ridge, missing: input.missing, panel: layout)
            if let by {
                let fits = try output.timed("batch fit") { try Forecasting.fit(parsed, to: data, by: by, options: options) }
                try output.emit(BatchFitReport(formula: formula, by: by, fits: fits, level: level).formatted(output.format))
                return
            }
            let results = try Forecasting.fit(parsed, to: data, options: options)
            var text = try results.formatted(output.format, level: level)
            if !test.isEmpty {
                let tests = try test.map { try results.waldTest(terms: CovarianceOptions.list($0)) }
                text = try results.formatted(output.format, level: level, tests: tests)
            }
            try output.emit(text)
            if let save { try results.savedModel().write(to: save) }
        }
    }
}

