import ArgumentParser
import Foundation
import Forecasting

extension SalesForecast {
    /// `salesforecast whatif`: scenarios side by side against a baseline.
    struct WhatIf: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "whatif",
            abstract: "Compare scenarios (more demos, fewer calls, more reps) with the baseline plan.",
            discussion: """
                Example:
                  salesforecast whatif --history examples/data/sales_history.csv \\
                    --formula "revenue ~ lag(demos, 1) + proposals + calls + season(period, 'quarter')" \\
                    --set "demos=+20%" --set "calls[team=SMB-East]=-10%" --add-reps 2 --team SMB-East

                Changes: activity=+20% (percent), activity=-50 (amount per rep and period),
                activity=40 (a level); scope one with [team=Name] or [rep=Name].
                --scenarios FILE runs several named scenarios (JSON, see the README).
                """
        )

        @OptionGroup var planning: PlanningOptions

        @Option(name: .customLong("set"), help: "An activity change, e.g. \"demos=+20%\" (repeatable; one scenario).")
        var changes: [String] = []

        @Option(help: "Add this many new reps (ramping like the history's new hires).")
        var addReps: Int?

        @Option(help: "The team of the added reps.")
        var team: String?

        @Option(help: "Remove a rep by name (repeatable).")
        var removeRep: [String] = []

        @Option(help: "A JSON file of named scenarios.")
        var scenarios: String?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard !changes.isEmpty || addReps != nil || !removeRep.isEmpty || scenarios != nil else {
                throw ValidationError("give at least one --set, --add-reps, --remove-rep or --scenarios")
            }
            if let addReps { guard (1...1000).contains(addReps) else { throw ValidationError("--add-reps must be from 1 to 1000") } }
        }

        func run() throws {
            var list = try scenarios.map { try Scenario.load(path: $0) } ?? []
            if !changes.isEmpty || addReps != nil || !removeRep.isEmpty {
                var scenario = Scenario(name: "Scenario", changes: try changes.map { try ActivityChange(parsing: $0) })
                if let addReps { scenario.headcount.append(.add(count: addReps, team: team)) }
                scenario.headcount += removeRep.map { .remove(rep: $0) }
                list.insert(scenario, at: 0)
            }
            let inputs = try planning.load()
            var report = try inputs.model.whatIf(list, in: inputs.quarter, baseline: inputs.baseline, level: planning.level,
                                                 history: inputs.history)
            report.warnings = inputs.notes + report.warnings
            try output.emit(report.formatted(output.format))
        }
    }

    /// `salesforecast goalseek`: the activity needed for a target.
}
