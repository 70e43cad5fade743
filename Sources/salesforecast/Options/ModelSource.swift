import ArgumentParser
import Forecasting
import Foundation

/// Where a command's model comes from: a saved file (`--model`) or a formula fitted on the history
/// (`--formula`, with the covariance options).
struct ModelSource: ParsableArguments {
    @Option(name: [.short, .long], help: "The model to fit on the history, e.g. \"revenue ~ lag(demos, 1) + proposals\".")
    var formula: String?

    @Option(help: "A model saved by 'fit --save', instead of --formula.")
    var model: String?

    @OptionGroup var covariance: CovarianceOptions

    func validate() throws {
        guard (formula == nil) != (model == nil) else { throw ValidationError("give either --formula or --model") }
    }

    /// The saved model, or the formula fitted on `history` with the covariance asked for.
    func load(fittingOn history: SalesHistory?, missing: MissingValuePolicy = .drop) throws -> LinearModel {
        if let model { return try LinearModel(contentsOf: URL(fileURLWithPath: model)) }
        guard let history else { throw ValidationError("--formula needs --history to fit on") }
        return try history.fit(formula ?? "", options: covariance.options(missing: missing))
    }
}
