import ArgumentParser
import Forecasting
import Foundation

extension SalesForecast {
    /// `salesforecast report`: the quarterly run as one self-contained HTML page (or Markdown).
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the quarterly report: forecast, quota chances, drivers, reps, backtest, scenarios.",
            discussion: """
                Example:
                  salesforecast report --history examples/data/sales_history.csv --horizon 2026-Q4 \\
                    --formula "revenue ~ lag(demos, 1) + proposals + calls + season(period, 'quarter')" \\
                    --quota examples/data/quotas.csv --set "demos=+20%" --output report.html

                The HTML has its charts inline (SVG) and needs no network; --markdown writes the
                same report as Markdown.
                """
        )

        @Option(help: "The history CSV.")
        var history: String

        @Option(name: [.short, .long], help: "The model.")
        var formula: String

        @Option(help: "The quarter to forecast, e.g. 2026-Q4 (default: the quarter after the history).")
        var horizon: String?

        @Option(help: "Planned activities per rep and period.")
        var plan: String?

        @Option(help: "Quotas: a CSV with a name column (rep, team or Total) and a 'quota' column.")
        var quota: String?

        @Option(name: .customLong("set"), help: "A scenario change, e.g. \"demos=+20%\" (repeatable; one scenario).")
        var changes: [String] = []

        @Option(help: "A JSON file of named scenarios.")
        var scenarios: String?

        @Option(help: "Stage columns in funnel order.")
        var funnel: String?

        @Flag(help: "Write Markdown instead of HTML.")
        var markdown = false

        @Option(name: [.short, .long], help: "Write the report to this file (atomically) instead of standard output.")
        var output: String?

        @OptionGroup var panel: PanelOptions
        @OptionGroup var covariance: CovarianceOptions

        func validate() throws {
            if let horizon { guard Period(horizon)?.frequency == .quarter else { throw ValidationError("--horizon must be a quarter such as 2026-Q4") } }
        }

        func run() throws {
            let data = try CSVReader.read(path: history)
            let layout = panel.layout(for: data)
            let quarter = try horizon.flatMap { Period($0) } ?? (Panel(data: data, layout: layout).span?.last.advanced(by: 1).quarter)
            guard let quarter else { throw ValidationError("--horizon is needed") }
            var request = ForecastRequest(horizon: quarter, layout: layout, plan: try plan.map { try CSVReader.read(path: $0) })
            if let quota { request.quotas = try Quotas.read(path: quota) }
            var list = try scenarios.map { try Scenario.load(path: $0) } ?? []
            if !changes.isEmpty { list.insert(Scenario(name: "Scenario", changes: try changes.map { try ActivityChange(parsing: $0) }), at: 0) }
            let stages = funnel.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
            let report = try quarterlyReport(history: data, formula: formula, layout: layout, options: covariance.options(),
                                             request: request, scenarios: list, funnel: stages)
            let text = markdown ? report.markdown() : report.html()
            if let output { try AtomicFile.write(text, to: output) } else { print(text, terminator: "") }
        }
    }
}
