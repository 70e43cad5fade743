import ArgumentParser
import Forecasting

/// The model's formula, or what to build a default one from.
struct FormulaOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "The model, e.g. \"revenue ~ lag(demos, 1) + proposals + (1 | rep)\" (default: chosen from the history; see --response).")
    var formula: String?

    @Option(help: "Without --formula: the result to model (default: revenue).")
    var response: String?

    @Option(help: "Without --formula: comma-separated activity columns (default: every numeric column that is not a result, a tenure or an id).")
    var activities: String?

    func validate() throws {
        if formula != nil, response != nil || activities != nil {
            throw ValidationError("--response and --activities build a default model; they do not combine with --formula")
        }
    }

    /// The formula given, or the default model of `history`, whose choice is reported on standard error.
    func formula(for history: SalesHistory) throws -> String {
        try formulaAndNotes(for: history).formula
    }

    /// The formula given, or the default model of `history` for `family` (reported on standard error), with
    /// what the run's output must say about the choice (a part of the default model left out).
    func formulaAndNotes(for history: SalesHistory, family: ResponseFamily = .gaussian) throws -> (formula: String, notes: [String]) {
        if let formula { return (formula, []) }
        let choice = try history.defaultModel(
            response: response,
            activities: activities.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } },
            family: family)
        printError(choice.description)
        return (choice.formula, choice.notes)
    }
}
