import ArgumentParser
import Forecasting

/// `--record LEDGER` (and `--as-of`): keep the run in a forecast ledger.
struct RecordOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Record the run in this forecast ledger (SQLite; created when missing).", valueName: "ledger"))
    var record: String?

    @Option(help: "With --record: the as-of period recorded (default: the history's last period).")
    var asOf: String?

    /// The ledger, opened (and created) before any work, so a bad ledger fails first; `nil` without --record.
    func open() throws -> ForecastLedger? {
        try record.map { try ForecastLedger(path: $0) }
    }

    /// Records the run with the digests of its input files; says where on standard error.
    /// `choice`: `formula` (given), `default` (chosen by the tool) or `model` (a saved model).
    func record(_ run: QuarterlyForecast, in ledger: ForecastLedger, history: SalesHistory, choice: String,
                inputs: [(String, String?)]) throws {
        let asOfPeriod = try asOf.map { try Period(parsing: $0) }
        let id = try ledger.record(run, history: history, inputs: inputs.compactMap { role, path in path.map { LedgerInput(role: role, path: $0) } },
                                   modelChoice: choice, asOf: asOfPeriod)
        printError("salesforecast: recorded run \(id) in \(ledger.path)")
    }
}
