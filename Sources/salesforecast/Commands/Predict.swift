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
                """
        )

        @Argument(help: "The rows to predict (CSV). With lag terms, include the earlier rows they reach back to.")
        var data: String

        @Option(help: "A model saved by 'fit --save'.")
        var model: String?

        @Option(help: "History to fit --formula on, instead of --model.")
        var history: String?

        @Option(name: [.short, .long], help: "The formula to fit on --history.")
        var formula: String?

        @Option(help: "Confidence level of the intervals.")
        var level: Double = 0.95

        @Option(help: "A column with the weight each new row would have (its noise variance is σ²/w).")
        var predictWeights: String?

        @OptionGroup var panel: PanelOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (model != nil) != (history != nil && formula != nil) else {
                throw ValidationError("give --model, or --history with --formula")
            }
            guard level > 0, level < 1 else { throw ValidationError("--level must be between 0 and 1") }
        }

        func run() throws {
            let rows = try CSVReader.read(path: data)
            let linear: LinearModel
            if let model {
                linear = try LinearModel(SavedModel.load(path: model))
            } else {
                let past = try CSVReader.read(path: history ?? "")
                let parsed = try Formula(formula ?? "")
                linear = try LinearModel(Forecasting.fit(parsed, to: past,
                                                         options: RegressionOptions(panel: parsed.usesTime ? panel.layout(for: past) : nil)))
            }
            let weights = try predictWeights.map { try rows.numbers($0) }
            let prediction = try linear.predict(rows, level: level, weights: weights)
            try output.emit(prediction.formatted(output.format, source: rows.source))
        }
    }
}
