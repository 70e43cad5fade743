import ArgumentParser
import Forecasting

extension SalesForecast {
    /// `salesforecast goalseek`: the activity level that reaches a target.
    struct GoalSeek: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "goalseek",
            abstract: "Find the level of an activity (or an even scaling of several) that reaches a target.",
            discussion: """
                Example:
                  salesforecast goalseek --history examples/data/sales_history.csv \\
                    --formula "revenue ~ lag(demos, 1) + proposals + calls + season(period, 'quarter')" \\
                    --scale demos,proposals --target 12000000 --confidence 0.8
                """
        )

        @OptionGroup var planning: PlanningOptions

        @Option(help: "Comma-separated activities to scale evenly, e.g. demos,proposals.")
        var scale: String

        @Option(help: "The target total for the quarter.")
        var target: Double

        @Option(help: "Also find the level that reaches the target with this probability, e.g. 0.8.")
        var confidence: Double?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard target.isFinite else { throw ValidationError("--target must be a number") }
            if let confidence { guard confidence > 0, confidence < 1 else { throw ValidationError("--confidence must be between 0 and 1") } }
        }

        func run() throws {
            let inputs = try planning.load()
            let names = scale.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            var result = try inputs.model.goalSeek(target, with: names, in: inputs.quarter, confidence: confidence,
                                                   baseline: inputs.baseline, level: planning.level, history: inputs.history)
            result.warnings = inputs.notes + result.warnings
            try output.emit(result.formatted(output.format, response: inputs.model.responseName))
        }
    }
}
