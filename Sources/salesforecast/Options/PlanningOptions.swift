import ArgumentParser
import Foundation
import Forecasting

/// What a what-if or goal-seek run starts from: a model, history and/or a baseline plan, and a quarter.
struct PlanningOptions: ParsableArguments {
    @Option(help: "A model saved by 'fit --save'.")
    var model: String?

    @Option(help: "The history CSV (reps, their last rows, and the activities lags reach back to).")
    var history: String?

    @Option(name: [.short, .long], help: "A formula to fit on --history instead of --model.")
    var formula: String?

    @Option(help: "The baseline plan: activities per rep and period (default: projected from --history).")
    var baseline: String?

    @Option(help: "The quarter, e.g. 2026-Q4 (default: the quarter after the history, or the plan's quarter).")
    var horizon: String?

    @Option(help: "Confidence level of the intervals.")
    var level: Double = 0.8

    @OptionGroup var panel: PanelOptions
    @OptionGroup var covariance: CovarianceOptions

    func validate() throws {
        guard (model == nil) != (formula == nil) else { throw ValidationError("give either --model or --formula") }
        if formula != nil, history == nil { throw ValidationError("--formula needs --history to fit on") }
        guard history != nil || baseline != nil else { throw ValidationError("give --history, --baseline, or both") }
        guard level > 0, level < 1 else { throw ValidationError("--level must be between 0 and 1") }
        if let horizon { guard Period(horizon)?.frequency == .quarter else { throw ValidationError("--horizon must be a quarter such as 2026-Q4") } }
    }

    /// Loads everything: the model, the history, and the request.
    func load() throws -> (history: Dataset?, model: LinearModel, request: ForecastRequest) {
        let past = try history.map { try CSVReader.read(path: $0) }
        let plan = try baseline.map { try CSVReader.read(path: $0) }
        guard let reference = past ?? plan else { throw ValidationError("give --history or --baseline") }
        let layout = panel.layout(for: reference)
        let linear: LinearModel
        if let model {
            linear = try LinearModel(SavedModel.load(path: model))
        } else {
            linear = try LinearModel(Forecasting.fit(Formula(formula ?? ""), to: reference, options: covariance.options(panel: layout)))
        }
        var quarter = horizon.flatMap { Period($0) }
        if quarter == nil {
            let span = try Panel(data: reference, layout: layout).span
            quarter = past != nil ? span?.last.advanced(by: 1).quarter : span?.first.quarter
        }
        guard let quarter else { throw ValidationError("--horizon is needed") }
        return (past, linear, ForecastRequest(horizon: quarter, layout: layout, plan: plan, level: level))
    }
}
