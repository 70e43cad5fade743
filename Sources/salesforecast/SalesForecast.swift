import ArgumentParser
import Forecasting
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `salesforecast` command: configuration only; each subcommand lives in `Commands/`.
@main
struct SalesForecast: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "salesforecast",
        abstract: "Turn a sales team's activity history into forecasts people can act on.",
        discussion: """
            Exit codes: 0 success, 1 bad input or a model that cannot be fitted, 2 usage error.
            """,
        version: ForecastingVersion.current,
        subcommands: [Panel.self, Fit.self, Merge.self, Forecast.self, Predict.self, Backtest.self, Leads.self, WhatIf.self, GoalSeek.self, Drivers.self, Report.self, Ledger.self]
    )

    /// Runs the command. Library errors print as one line naming what and where, with exit code 1;
    /// usage errors print with the usage text and exit code 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success { exit(withError: error) }
            if let error = error as? any ForecastingError {
                printError("salesforecast: error: \(error)" + (hint(for: error).map { " (\($0))" } ?? ""))
                systemExit(1)
            }
            if code == .validationFailure {
                printError(fullMessage(for: error))
                systemExit(2)
            }
            exit(withError: error)
        }
    }

    /// The flags that fix an error, where the library's words name a thing the command line sets.
    static func hint(for error: any ForecastingError) -> String? {
        switch error {
        case TimeError.noPeriodColumn, ForecastError.noPeriods: "name the columns with --period and --entity"
        case ForecastError.planMissingActivity: "--project-missing projects it"
        case RegressionError.covarianceNeedsData: "fit with --formula on the data instead of a saved model"
        case RegressionError.notAvailableInBlocks: "fit without --stream, or with --in-memory"
        default: nil
        }
    }
}

func printError(_ message: String, newline: Bool = true) {
    var line = message
    if newline && !line.hasSuffix("\n") { line += "\n" }
    // Write(2) to descriptor 2: the C `stderr` global is not concurrency-safe to touch from Swift 6.
    let bytes = Array(line.utf8)
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}

func systemExit(_ code: Int32) -> Never {
    #if canImport(Glibc)
    Glibc.exit(code)
    #else
    Darwin.exit(code)
    #endif
}
