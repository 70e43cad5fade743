import ArgumentParser
import Foundation
import Forecasting

extension SalesForecast {
    /// `salesforecast panel`: CRM exports (activities, deals, roster) to the panel every other command reads.
    struct Panel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn CRM exports (one row per activity, one per deal) into the rep × period panel.",
            discussion: """
                Writes period, rep, team, a count column per activity type, deals_won
                and revenue (and tenure_months when the roster has start dates).
                Count columns are named from the type (lower case, spaces as
                underscores, a trailing 's': Call → calls) unless --type-map names
                them. Only won deals count (--won-stage; default: stages named like
                'Closed Won' or 'Won'); revenue is summed exactly, to the cent.
                With a roster (rep, team, start_date[, end_date]) a period of
                employment with no activity is a row of zeros, and records outside
                employment are left out; without one, a rep's employment runs from
                its first to its last record and teams come from a 'team' column of
                the exports if there is one. A note on standard error says what was
                counted and left out.

                Example:
                  salesforecast panel --activities examples/data/crm/activities.csv \\
                    --results examples/data/crm/deals.csv \\
                    --roster examples/data/crm/roster.csv \\
                    --timezone America/New_York --output panel.csv
                """
        )

        @Option(help: "The activity export: one row per activity.")
        var activities: String

        @Option(help: "The deal export: one row per deal.")
        var results: String

        @Option(help: "The roster: rep, team, start_date[, end_date] (one row per employment spell).")
        var roster: String?

        @Option(help: "The period: month, week (ISO weeks) or quarter.")
        var by: PanelPeriod = .month

        @Option(name: .customLong("won-stage"), help: "A stage that counts as won (repeatable; default: stages named like 'Closed Won' or 'Won').")
        var wonStages: [String] = []

        @Option(help: "The time zone days are cut in, for timestamps with an offset (e.g. America/New_York; default UTC).")
        var timezone: String?

        @Option(help: "Renames and merges of activity types: \"Call=calls,Inbound Call=calls\".")
        var typeMap: String?

        @Option(help: "The activity export's date or timestamp column.")
        var activityDate = "date"
        @Option(help: "The activity export's rep (owner) column.")
        var activityRep = "rep"
        @Option(help: "The activity export's type column.")
        var activityType = "type"
        @Option(help: "An activity id column: repeated ids are counted once and reported.")
        var activityId: String?

        @Option(help: "The deal export's close date column.")
        var dealDate = "close_date"
        @Option(help: "The deal export's rep (owner) column.")
        var dealRep = "rep"
        @Option(help: "The deal export's amount column.")
        var dealAmount = "amount"
        @Option(help: "The deal export's stage column.")
        var dealStage = "stage"

        @Option(help: "Without a roster: the exports' team column (used when present).")
        var teamColumn = "team"

        @Flag(help: "Leave out (and list) the rows of reps missing from the roster instead of refusing the exports.")
        var skipUnrostered = false

        @Option(help: "The field delimiter of the three files: one character, or 'tab'.")
        var delimiter: String = ","

        @Option(name: [.short, .long], help: "Write the panel to this file (atomically) instead of standard output.")
        var output: String?

        @Flag(name: .shortAndLong, help: "No note on standard error.")
        var quiet = false

        enum PanelPeriod: String, ExpressibleByArgument, CaseIterable {
            case month, week, quarter
            var frequency: PeriodFrequency {
                switch self {
                case .month: .month
                case .week: .week
                case .quarter: .quarter
                }
            }
        }

        func validate() throws {
            guard delimiterByte != nil else { throw ValidationError("--delimiter must be one ASCII character (or 'tab'), not '\(delimiter)'") }
            if let timezone, TimeZone(identifier: timezone) == nil {
                throw ValidationError(ExportError.unknownTimeZone(timezone).description)
            }
            if let typeMap {
                do { _ = try ActivityTypeMap(parsing: typeMap) } catch { throw ValidationError("--type-map: \(error)") }
            }
        }

        var delimiterByte: UInt8? {
            if delimiter == "tab" || delimiter == "\\t" { return UInt8(ascii: "\t") }
            guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte < 128, byte != UInt8(ascii: "\"") else { return nil }
            return byte
        }

        func run() throws {
            var options = ExportPanelOptions(
                frequency: by.frequency,
                activityColumns: ActivityExportColumns(date: activityDate, rep: activityRep, type: activityType, id: activityId, team: teamColumn),
                dealColumns: DealExportColumns(closeDate: dealDate, rep: dealRep, amount: dealAmount, stage: dealStage, team: teamColumn),
                wonStages: wonStages,
                timeZone: timezone.flatMap { TimeZone(identifier: $0) },
                typeMap: try typeMap.map { try ActivityTypeMap(parsing: $0) } ?? ActivityTypeMap())
            options.skipRepsNotInRoster = skipUnrostered
            options.reading = CSVReadOptions(delimiter: delimiterByte ?? UInt8(ascii: ","))
            let panel = try ActivityPanel(activities: activities, deals: results, roster: roster, options: options)
            let text = panel.csv()
            if let output {
                try AtomicFile.write(text, to: output)
            } else {
                print(text, terminator: "")
            }
            if !quiet { printError(panel.note.description) }
        }
    }
}
