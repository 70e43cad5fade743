import Foundation

/// The columns of an activity export: one row per logged activity (a task, call, email or event).
public struct ActivityExportColumns: Sendable, Equatable {
    /// The activity's date or timestamp (default `date`).
    public var date: String
    /// The rep who owns the activity (default `rep`).
    public var rep: String
    /// The activity type, e.g. `Call` (default `type`).
    public var type: String
    /// An activity id; when given, repeated ids are counted once and reported.
    public var id: String?
    /// A team column, read when no roster is given (default: `team` when the export has one).
    public var team: String?

    /// Creates the column names of an activity export.
    /// - Parameters:
    ///   - date: The date or timestamp column (default `date`).
    ///   - rep: The owner column (default `rep`).
    ///   - type: The activity type column (default `type`).
    ///   - id: An id column for finding duplicates (default none).
    ///   - team: A team column used without a roster (default `team` when present).
    public init(date: String = "date", rep: String = "rep", type: String = "type", id: String? = nil, team: String? = nil) {
        self.date = date
        self.rep = rep
        self.type = type
        self.id = id
        self.team = team
    }
}

/// The columns of a deal (opportunity) export: one row per deal.
public struct DealExportColumns: Sendable, Equatable {
    /// The close date (default `close_date`).
    public var closeDate: String
    /// The deal's owner (default `rep`).
    public var rep: String
    /// The amount (default `amount`).
    public var amount: String
    /// The stage, e.g. `Closed Won` (default `stage`).
    public var stage: String
    /// A team column, read when no roster is given (default: `team` when the export has one).
    public var team: String?

    /// Creates the column names of a deal export.
    /// - Parameters:
    ///   - closeDate: The close date column (default `close_date`).
    ///   - rep: The owner column (default `rep`).
    ///   - amount: The amount column (default `amount`).
    ///   - stage: The stage column (default `stage`).
    ///   - team: A team column used without a roster (default `team` when present).
    public init(closeDate: String = "close_date", rep: String = "rep", amount: String = "amount", stage: String = "stage",
                team: String? = nil) {
        self.closeDate = closeDate
        self.rep = rep
        self.amount = amount
        self.stage = stage
        self.team = team
    }
}

/// How CRM exports become a panel: the period, the columns, which stages are won, the time zone in
/// which days are cut, and how activity types are named.
///
/// ```swift
/// var options = ExportPanelOptions(frequency: .week)
/// options.timeZone = TimeZone(identifier: "America/New_York")
/// options.typeMap = try ActivityTypeMap(parsing: "Call=calls,Inbound Call=calls")
/// ```
public struct ExportPanelOptions: Sendable {
    /// The panel's period: `.month` (default), `.week` (ISO weeks) or `.quarter`; `.day` and `.year` work too.
    public var frequency: PeriodFrequency
    /// The activity export's columns.
    public var activityColumns: ActivityExportColumns
    /// The deal export's columns.
    public var dealColumns: DealExportColumns
    /// The stages that count as won, compared case-insensitively; empty (the default) means stages
    /// named like `Closed Won` or `Won` (``WonStages``).
    public var wonStages: [String]
    /// The zone in which timestamps that carry an offset (`Z`, `-05:00`) are cut into days; `nil`
    /// cuts them in UTC. Dates and timestamps without an offset are taken as written.
    public var timeZone: TimeZone?
    /// Renames and merges of activity types; types not in it are named by ``ActivityTypeMap/columnName(for:)``.
    public var typeMap: ActivityTypeMap
    /// Drop the rows of reps who are not in the roster (and list them) instead of refusing the exports.
    public var skipRepsNotInRoster: Bool
    /// Delimiter, missing-value spellings and number leniency for all three files.
    public var reading: CSVReadOptions
    /// About how many bytes of an export are read at a time (default 8 MB).
    public var blockBytes: Int

    /// Creates options; every argument has the default described on its property.
    /// - Parameters:
    ///   - frequency: The panel's period (default month).
    ///   - activityColumns: The activity export's columns.
    ///   - dealColumns: The deal export's columns.
    ///   - wonStages: The won stages (default: named like `Closed Won` or `Won`).
    ///   - timeZone: The zone days are cut in (default UTC for timestamps with an offset).
    ///   - typeMap: Renames and merges of types (default none).
    public init(frequency: PeriodFrequency = .month, activityColumns: ActivityExportColumns = .init(),
                dealColumns: DealExportColumns = .init(), wonStages: [String] = [], timeZone: TimeZone? = nil,
                typeMap: ActivityTypeMap = .init()) {
        self.frequency = frequency
        self.activityColumns = activityColumns
        self.dealColumns = dealColumns
        self.wonStages = wonStages
        self.timeZone = timeZone
        self.typeMap = typeMap
        self.skipRepsNotInRoster = false
        self.reading = CSVReadOptions()
        self.blockBytes = 8 << 20
    }
}

/// Which deal stages count as won.
public struct WonStages: Sendable, Equatable {
    /// The stages as given; empty means the default rule.
    public let names: [String]
    private let normalized: Set<String>

    /// Creates the rule: `names` compared case-insensitively and ignoring surrounding spaces, or,
    /// when `names` is empty, stages that read `closed won` or `won` once case, spaces, `_` and `-`
    /// are ignored (`Closed Won`, `closedwon`, `CLOSED_WON`, `Won`).
    public init(_ names: [String] = []) {
        self.names = names
        self.normalized = Set(names.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
    }

    /// Whether deals in `stage` are won.
    public func contains(_ stage: String) -> Bool {
        if names.isEmpty {
            let squeezed = String(stage.lowercased().unicodeScalars.filter { !" _-\t".unicodeScalars.contains($0) })
            return squeezed == "closedwon" || squeezed == "won"
        }
        return normalized.contains(stage.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// The rule in words, for the note.
    public var summary: String {
        names.isEmpty ? "stages named like 'Closed Won' or 'Won'" : names.map { "'\($0)'" }.joined(separator: ", ")
    }
}
