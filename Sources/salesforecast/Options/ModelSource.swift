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
        try loadNoting(fittingOn: history, missing: missing, family: family).model
    }

    /// ``load(fittingOn:missing:family:)`` with what the run's output must say about the model chosen
    /// (the default model's rep term left out of a count model).
    func loadNoting(fittingOn history: SalesHistory?, missing: MissingValuePolicy = .drop, family: FamilyOptions? = nil) throws
        -> (model: LinearModel, notes: [String])
    {
        if let model {
            if family?.isCount ?? false { throw ValidationError("--family is for fitting a formula; a saved model (--model) keeps its own family") }
            return (try LinearModel(contentsOf: URL(fileURLWithPath: model)), [])
        }
        guard let history else { throw ValidationError("a formula (given or chosen) needs --history to fit on") }
        var options = covariance.options(missing: missing)
        family?.apply(to: &options)
        let (formula, notes) = try formulaOptions.formulaAndNotes(for: history, family: family?.family ?? .gaussian)
        return (try history.fit(formula, options: options), notes)
    }
}
