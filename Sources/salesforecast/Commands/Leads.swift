import ArgumentParser
import Foundation
import Forecasting

extension SalesForecast {
    /// `salesforecast leads`: the leading-indicator scan.
    struct Leads: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find the lag at which each activity best explains results.",
            discussion: """
                Example:
                  salesforecast leads --history examples/data/sales_history.csv --response revenue \\
                    --activities calls,emails,meetings,demos,proposals --max-lag 3
                """
        )

        @Option(help: "The history CSV.")
        var history: String

        @Option(help: "The result column, e.g. revenue.")
        var response: String

        @Option(help: "Comma-separated activity columns.")
        var activities: String

        @Option(help: "The largest lag to try, in periods.")
        var maxLag: Int = 3

        @Option(help: "Terms added to every regression, e.g. \"season(period, 'quarter')\".")
        var controls: String?

        @OptionGroup var panel: PanelOptions
        @OptionGroup var reading: ReadingOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (0...60).contains(maxLag) else { throw ValidationError("--max-lag must be from 0 to 60") }
            guard !activityList.isEmpty else { throw ValidationError("--activities needs at least one column") }
        }

        var activityList: [String] {
            activities.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        func run() throws {
            let scan = try panel.history(at: history, reading: reading)
                .leadingIndicators(of: response, activities: activityList, maximumLag: maxLag, controls: controls)
            try output.emit(scan.formatted(output.format))
        }
    }
}
