/// A CRM export (activities, deals or roster) that cannot be turned into a panel, with the file,
/// line and column where it went wrong.
public enum ExportError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The export has a header but no rows (or no bytes at all).
    case emptyExport(path: String)
    /// The export lacks a column the panel needs.
    case missingColumn(path: String, column: String, available: [String])
    /// A date cell is not an ISO 8601 date or timestamp.
    case unreadableDate(path: String, line: Int, column: String, value: String)
    /// A cell that must be filled (date, rep, type, stage, a won deal's amount) is empty.
    case missingCell(path: String, line: Int, column: String)
    /// An amount is not a number, has more than two decimals, or is too large to sum exactly.
    case invalidAmount(path: String, line: Int, column: String, value: String, reason: String)
    /// A rep in an export is not in the roster that was given.
    case repNotInRoster(path: String, line: Int, column: String, rep: String, roster: String)
    /// A roster row that cannot be an employment (an end before the start, two spells that overlap).
    case invalidRoster(path: String, line: Int, reason: String)
    /// Without a roster, a rep's rows name two teams.
    case conflictingTeam(path: String, line: Int, column: String, rep: String, team: String, earlier: String)
    /// An activity type's column name is taken by another panel column.
    case columnNameTaken(name: String, type: String)
    /// A `--type-map` entry that is not `Type=column`.
    case invalidTypeMap(entry: String)
    /// The time zone is not a known identifier.
    case unknownTimeZone(String)
    /// The panel would exceed a limit of the aggregation (reps, types or periods).
    case tooLarge(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case let .emptyExport(path): "\(path): the export has no rows"
        case let .missingColumn(path, column, available):
            "\(path), line 1: no column named '\(column)' (columns: \(available.prefix(12).map { "'\($0)'" }.joined(separator: ", "))\(available.count > 12 ? ", …" : ""))"
        case let .unreadableDate(path, line, column, value):
            "\(path), line \(line), column '\(column)': '\(value)' is not an ISO 8601 date or timestamp (2026-03-15, 2026-03-15T09:30:00Z, 2026-03-15 09:30:00-05:00)"
        case let .missingCell(path, line, column): "\(path), line \(line), column '\(column)': the cell is empty"
        case let .invalidAmount(path, line, column, value, reason):
            "\(path), line \(line), column '\(column)': '\(value)' \(reason)"
        case let .repNotInRoster(path, line, column, rep, roster):
            "\(path), line \(line), column '\(column)': rep '\(rep)' is not in the roster \(roster)"
        case let .invalidRoster(path, line, reason): "\(path), line \(line): \(reason)"
        case let .conflictingTeam(path, line, column, rep, team, earlier):
            "\(path), line \(line), column '\(column)': rep '\(rep)' is in team '\(team)' here but in '\(earlier)' on an earlier row; give a roster to say when the rep moved"
        case let .columnNameTaken(name, type):
            "activity type '\(type)' would be counted in column '\(name)', which the panel uses for something else; rename it with --type-map"
        case let .invalidTypeMap(entry): "type map entry '\(entry)' is not Type=column"
        case let .unknownTimeZone(zone): "unknown time zone '\(zone)' (use an IANA name such as America/New_York, or UTC)"
        case let .tooLarge(path, line, reason): "\(path), line \(line): \(reason)"
        }
    }
}

extension ExportError: ForecastingError {}
