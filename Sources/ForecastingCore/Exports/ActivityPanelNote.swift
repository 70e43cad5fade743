/// What building a panel from exports did: rows read and counted per type, deals per stage, and every
/// row left out, with the reason. Its `description` is the note the `panel` command prints.
public struct ActivityPanelNote: Sendable, Equatable, CustomStringConvertible {
    /// Activities of one type as written in the export.
    public struct TypeCount: Sendable, Equatable {
        /// The type as written.
        public var type: String
        /// The column it was counted in.
        public var column: String
        /// Whether the type map named it (otherwise the naming rule did).
        public var mapped: Bool
        /// Activities counted.
        public var count: Int
    }

    /// Deals of one stage.
    public struct StageCount: Sendable, Equatable {
        /// The stage as written.
        public var stage: String
        /// Whether the stage counts as won.
        public var won: Bool
        /// Deals in the stage.
        public var count: Int
    }

    /// Rows of a rep who is not in the roster, left out.
    public struct SkippedRep: Sendable, Equatable {
        /// The rep.
        public var rep: String
        /// Activity rows left out.
        public var activities: Int
        /// Deal rows left out.
        public var deals: Int
    }

    /// Where the team column came from.
    public enum TeamSource: Sendable, Equatable {
        /// The roster.
        case roster
        /// A column of the exports (no roster was given).
        case exports(column: String)
        /// Nowhere: the panel has no team column.
        case none
    }

    /// The activity export.
    public var activityPath: String
    /// The deal export.
    public var dealPath: String
    /// The roster, if one was given.
    public var rosterPath: String?
    /// Activity rows read.
    public var activityRows = 0
    /// Activities counted in the panel.
    public var activitiesCounted = 0
    /// Activities per type, most first.
    public var types: [TypeCount] = []
    /// Whether a type map was given (so types named by the rule are "not mapped").
    public var hasTypeMap = false
    /// Deal rows read.
    public var dealRows = 0
    /// Deals per stage, most first.
    public var stages: [StageCount] = []
    /// The won-stage rule in words.
    public var wonRule = ""
    /// Won deals counted in the panel.
    public var dealsWonCounted = 0
    /// Reps in the exports but not in the roster whose rows were left out (only when asked to skip them).
    public var skippedReps: [SkippedRep] = []
    /// Roster reps with no activity and no deal.
    public var rosterRepsWithoutRecords: [String] = []
    /// Activities dated outside the rep's employment in the roster, left out.
    public var activitiesOutsideEmployment = 0
    /// Deals closed outside the rep's employment in the roster, left out.
    public var dealsOutsideEmployment = 0
    /// Activity rows whose id had already been seen, left out; `nil` without an id column.
    public var duplicateActivityIDs: Int?
    /// Timestamps with an offset, cut into days in ``ActivityPanelNote/timeZoneName``.
    public var instants = 0
    /// Of those, the ones whose day there differs from the day written.
    public var instantsMovedToAnotherDay = 0
    /// The zone days were cut in (`UTC` when none was given).
    public var timeZoneName = "UTC"
    /// Where teams came from.
    public var teamSource: TeamSource = .none
    /// Rows written, reps and periods.
    public var rowsWritten = 0
    /// Distinct reps in the panel.
    public var reps = 0
    /// The first and last period, as text.
    public var periodRange = ""
    /// Rows of zeros added for periods of employment without any record.
    public var zeroRows = 0

    /// Creates an empty note for the given files.
    public init(activityPath: String, dealPath: String, rosterPath: String?) {
        self.activityPath = activityPath
        self.dealPath = dealPath
        self.rosterPath = rosterPath
    }

    public var description: String {
        var lines: [String] = []
        lines.append("panel: \(rowsWritten) rows (\(reps) reps, \(periodRange): the exports' first to last record), \(zeroRows) of them periods of employment with no activity and no deal (zeros)")
        lines.append("activities: \(activityRows) rows read from \(activityPath), \(activitiesCounted) counted")
        for type in types {
            let how = type.mapped ? "" : (hasTypeMap ? " (not in --type-map: named by the rule)" : " (named by the rule)")
            lines.append("  \(type.type) → \(type.column): \(type.count)\(how)")
        }
        let unmapped = types.filter { !$0.mapped }.map(\.type)
        if hasTypeMap && !unmapped.isEmpty { lines.append("  types not in --type-map: \(unmapped.joined(separator: ", "))") }
        lines.append("deals: \(dealRows) rows read from \(dealPath); won = \(wonRule); \(dealsWonCounted) won deals counted")
        for stage in stages { lines.append("  \(stage.stage): \(stage.count)\(stage.won ? " (won)" : "")") }
        if instants > 0 {
            lines.append("timestamps with an offset: \(instants), cut into days in \(timeZoneName); \(instantsMovedToAnotherDay) fall on another day there than the one written")
        }
        if let duplicateActivityIDs { lines.append("duplicate activity ids: \(duplicateActivityIDs) repeated rows left out (each id counted once)") }
        switch teamSource {
        case .roster: lines.append("teams: from the roster \(rosterPath ?? "")")
        case .exports(let column): lines.append("teams: from the exports' '\(column)' column (no roster)")
        case .none: lines.append("teams: no roster and no team column in the exports, so the panel has no team column")
        }
        if rosterPath != nil {
            lines.append("outside employment (left out): \(activitiesOutsideEmployment) activities, \(dealsOutsideEmployment) deals")
            if !skippedReps.isEmpty {
                lines.append("reps missing from the roster (left out): " + skippedReps.map { "\($0.rep) (\($0.activities) activities, \($0.deals) deals)" }.joined(separator: ", "))
            }
            if !rosterRepsWithoutRecords.isEmpty {
                lines.append("roster reps with no activity and no deal: \(rosterRepsWithoutRecords.joined(separator: ", "))")
            }
        } else {
            lines.append("employment: no roster, so each rep's runs from its first to its last record")
        }
        return lines.joined(separator: "\n")
    }
}
