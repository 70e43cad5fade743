import ArgumentParser
import Forecasting

extension SalesForecast {
    /// `salesforecast ledger`: the record of past forecast runs, the actuals, and how the runs did.
    struct Ledger: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Browse recorded forecast runs, load actuals, and score the runs against them.",
            discussion: """
                The ledger cycle, every quarter:
                  salesforecast forecast --history sales_history.csv --record forecasts.sqlite
                  salesforecast ledger actuals forecasts.sqlite sales_history.csv   # when results are in
                  salesforecast ledger score forecasts.sqlite
                """,
            subcommands: [List.self, Actuals.self, Score.self, Show.self, Export.self, Check.self]
        )

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the recorded runs.")
            @Argument(help: "The ledger file.") var ledger: String
            @OptionGroup var output: OutputOptions

            func run() throws {
                let runs = try ForecastLedger(path: ledger, create: false).runs()
                try output.emit(LedgerRunList(runs: runs).formatted(output.format))
            }
        }

        struct Actuals: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Load realized results per rep and period (the history's columns).",
                discussion: "Loading the same file twice changes nothing; a changed past value is kept as a revision with its time.")
            @Argument(help: "The ledger file (created when missing).") var ledger: String
            @Argument(help: "A CSV of results per rep and period, with the history's columns.") var history: String
            @Option(help: "The result column.") var response: String = "revenue"
            @OptionGroup var panel: PanelOptions
            @OptionGroup var reading: ReadingOptions

            func run() throws {
                let book = try ForecastLedger(path: ledger)
                let data = try panel.history(at: history, reading: reading)
                let load = try book.loadActuals(data, response: response)
                print("Actuals of \(response) loaded into \(ledger): \(load.added) new, \(load.revised) revised (old values kept), \(load.unchanged) unchanged.")
            }
        }

        struct Score: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Score the recorded runs against the actuals: accuracy, bias, coverage, Brier score, value added.")
            @Argument(help: "The ledger file.") var ledger: String
            @Option(help: "The lines to score: rep, team or total.") var level: ForecastLine.Kind = .rep
            @Option(help: "Only runs for this quarter and later, e.g. 2025-Q1.") var since: String?
            @OptionGroup var output: OutputOptions

            func run() throws {
                let book = try ForecastLedger(path: ledger, create: false)
                let score = try book.score(level: level, since: since.map { try Period(parsing: $0) })
                try output.emit(score.formatted(output.format))
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show one recorded run and its lines.")
            @Argument(help: "The ledger file.") var ledger: String
            @Argument(help: "The run's id (or the start of it, as 'ledger list' shows).") var runID: String
            @OptionGroup var output: OutputOptions

            func run() throws {
                let found = try ForecastLedger(path: ledger, create: false).run(runID)
                try output.emit(LedgerRunLines(runs: [found]).formatted(output.format))
            }
        }

        struct Check: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check the ledger: SQLite's integrity check, and that every run has all its lines (exit 1 if not).")
            @Argument(help: "The ledger file.") var ledger: String

            func run() throws {
                let book = try ForecastLedger(path: ledger, create: false)
                let (integrity, partial) = try book.check()
                let runs = try book.runs().count
                print("integrity: \(integrity)")
                print("runs: \(runs), partial: \(partial.count)")
                if integrity != "ok" || !partial.isEmpty { throw ExitCode.failure }
            }
        }

        struct Export: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Export every recorded line with its run (csv or json).")
            @Argument(help: "The ledger file.") var ledger: String
            @OptionGroup var output: OutputOptions

            func run() throws {
                try output.emit(ForecastLedger(path: ledger, create: false).allRunLines().formatted(output.format))
            }
        }
    }
}

extension ForecastLine.Kind: ExpressibleByArgument {}
