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
                """
        )

        @Option(help: "The history CSV: one row per rep and period, activities and results.")
        var history: String

        @Option(name: [.short, .long], help: "The model to fit on the history (or use --model).")
        var formula: String?

        @Option(help: "A model saved by 'fit --save' instead of --formula.")
        var model: String?

        @Option(help: "The quarter to forecast, e.g. 2026-Q4.")
        var horizon: String

        @Option(help: "Planned activities per rep and period (CSV with the period and rep columns).")
        var plan: String?

        @Option(help: "Quotas: a CSV with a name column (rep, team or Total) and a 'quota' column.")
        var quota: String?

        @Option(help: "How to project activities without a plan: run-rate or last-year.")
        var projection: ActivityProjection = .runRate

        @Option(help: "Confidence level of the prediction intervals.")
        var level: Double = 0.8

        @OptionGroup var covariance: CovarianceOptions

        @OptionGroup var panel: PanelOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (formula == nil) != (model == nil) else { throw ValidationError("give either --formula or --model") }
            guard level > 0, level < 1 else { throw ValidationError("--level must be between 0 and 1, e.g. 0.8") }
            guard let period = Period(horizon), period.frequency == .quarter else {
                throw ValidationError("--horizon must be a quarter such as 2026-Q4, not '\(horizon)'")
            }
            _ = period
        }

        func run() throws {
            let data = try CSVReader.read(path: history)
            let layout = panel.layout(for: data)
            var request = ForecastRequest(horizon: Period(horizon) ?? Period(frequency: .quarter, index: 0), layout: layout,
                                          plan: try plan.map { try CSVReader.read(path: $0) }, projection: projection, level: level)
            if let quota { request.quotas = try Quotas.read(path: quota) }
            let run: QuarterlyForecast
            if let model {
                run = try forecastQuarter(history: data, model: LinearModel(SavedModel.load(path: model)), request: request)
            } else {
                run = try forecastQuarter(history: data, formula: formula ?? "",
                                          options: covariance.options(), request: request)
            }
            try output.emit(run.formatted(output.format))
        }
    }
}

extension ActivityProjection: ExpressibleByArgument {}
