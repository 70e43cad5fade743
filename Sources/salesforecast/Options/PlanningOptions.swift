import ArgumentParser
import Foundation
import Forecasting

/// What a what-if or goal-seek run starts from: a model, history and/or a baseline plan, and a quarter.
struct PlanningOptions: ParsableArguments {
    @Option(help: "The history CSV (reps, their last rows, and the activities lags reach back to).")
    var history: String?

    @OptionGroup var source: ModelSource

    @Option(help: "The baseline plan: activities per rep and period (default: projected from --history).")
    var baseline: String?

    @Option(help: "The quarter, e.g. 2026-Q4 (default: the quarter after the history, or the plan's quarter).")
    var horizon: String?

    @Option(help: "Confidence level of the intervals.")
    var level: Double = 0.8

    @OptionGroup var family: FamilyOptions
    @OptionGroup var panel: PanelOptions
    @OptionGroup var reading: ReadingOptions

    func validate() throws {
        if source.model == nil, history == nil { throw ValidationError("give --model, or --history to fit a model on (--formula, or one chosen from the history)") }
        guard history != nil || baseline != nil else { throw ValidationError("give --history, --baseline, or both") }
        guard level > 0, level < 1 else { throw ValidationError("--level must be between 0 and 1") }
        if let horizon { _ = try Period(quarter: horizon) }
    }

    /// The history, model, baseline plan and quarter.
    struct Inputs {
        var history: SalesHistory?
        var model: LinearModel
        var baseline: Dataset?
        var quarter: Period
        /// What the output must say about the model chosen (the default model's rep term left out of a count model).
        var notes: [String] = []
    }

    func load() throws -> Inputs {
        let past = try history.map { try panel.history(at: $0, reading: reading) }
        let plan = try baseline.map { try reading.read($0) }
        let (model, notes) = try source.loadNoting(fittingOn: past, missing: reading.missing, family: family)
        let quarter: Period
        if let horizon {
            quarter = try Period(quarter: horizon)
        } else if let past {
            quarter = try model.nextQuarter(history: past)
        } else if let plan, let first = try panel.history(plan).panel?.span?.first {
            quarter = first.quarter
        } else {
            throw ValidationError("--horizon is needed")
        }
        return Inputs(history: past, model: model, baseline: plan, quarter: quarter, notes: notes)
    }
}
