import ArgumentParser
import Forecasting

extension SalesForecast {
    /// `salesforecast predict`: predictions with intervals for new rows.
    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Predict results for new rows, with confidence and prediction intervals.",
            discussion: """
                Example:
                  salesforecast predict plan.csv --model model.json --format csv

                Columns are named as statsmodels' summary_frame(): mean, mean_se,
                mean_ci_lower, mean_ci_upper, obs_ci_lower, obs_ci_upper.
                For a count model (fit --family poisson|negbin) the mean is the
                expected count and obs_ci_lower/upper are whole counts from the
                predictive distribution (the count's own randomness and the
                estimates' uncertainty); --at-least q adds P(count ≥ q).
                """
        )

        @Argument(help: "The rows to predict (CSV). With lag terms, include the earlier rows they reach back to.")
        var data: String

        @OptionGroup var source: ModelSource

        @Option(help: "History to fit --formula on, instead of --model.")
        var history: String?

        @Option(help: "Confidence level of the intervals.")
        var level: Double = 0.95

        @Option(help: "A column with the weight each new row would have (its noise variance is σ²/w).")
        var predictWeights: String?

        @Option(help: "For a count model: add a column with the probability that each row's count reaches this number.")
        var atLeast: Int?

        @OptionGroup var family: FamilyOptions
        @OptionGroup var panel: PanelOptions
        @OptionGroup var reading: ReadingOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if source.model == nil, history == nil { throw ValidationError("give --model, or --history to fit a model on (--formula, or one chosen from the history)") }
            guard level > 0, level < 1 else { throw ValidationError("--level must be between 0 and 1") }
            if source.model != nil, family.isCount { throw ValidationError("--family is for fitting with --history; a saved model keeps its own family") }
            if let atLeast, atLeast < 0 { throw ValidationError("--at-least takes a count ≥ 0") }
        }

        func run() throws {
            let rows = try reading.read(data)
            let model = try source.load(fittingOn: history.map { try panel.history(at: $0, reading: reading) }, missing: reading.missing,
                                        family: family)
            if model.generalized != nil {
                if predictWeights != nil { throw ValidationError("--predict-weights applies to linear models only") }
                let prediction = try model.predictCounts(rows, level: level)
                try output.emit(prediction.formatted(output.format, source: rows.source, atLeast: atLeast))
                return
            }
            if atLeast != nil { throw ValidationError("--at-least needs a count model (fit --family poisson or negbin)") }
            let weights = try predictWeights.map { try rows.numbers($0) }
            let prediction = try model.predict(rows, level: level, weights: weights)
            try output.emit(prediction.formatted(output.format, source: rows.source))
        }
    }
}
