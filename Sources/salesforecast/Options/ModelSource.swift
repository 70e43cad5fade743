import ArgumentParser
import Forecasting
import Foundation

/// Where a command's model comes from: a saved file (`--model`) or a formula fitted on the history
/// (`--formula`, with the covariance options).
struct ModelSource: ParsableArguments {
    @OptionGroup var formulaOptions: FormulaOptions

    @Option(help: "A model saved by 'fit --save', instead of --formula.")
    var model: String?

    @OptionGroup var covariance: CovarianceOptions

    var formula: String? { formulaOptions.formula }

    func validate() throws {
        if model != nil, formula != nil || formulaOptions.response != nil || formulaOptions.activities != nil {
            throw ValidationError("--model is a fitted model: it takes no --formula, --response or --activities")
        }
    }

    /// The saved model, or the formula fitted on `history` with the covariance asked for.
    /// - Parameter family: The family to fit with (commands that take `--family`); least squares without.
    func load(fittingOn history: SalesHistory?, missing: MissingValuePolicy = .drop, family: FamilyOptions? = nil) throws -> LinearModel {
        if let model { return try LinearModel(contentsOf: URL(fileURLWithPath: model)) }
        guard let history else { throw ValidationError("a formula (given or chosen) needs --history to fit on") }
        var options = covariance.options(missing: missing)
        family?.apply(to: &options)
        return try history.fit(formulaOptions.formula(for: history), options: options)
    }
}
