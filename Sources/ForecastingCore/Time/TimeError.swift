/// A problem with the period or entity columns of a panel.
public enum TimeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A period cell is not a date, ISO week, month or quarter.
    case unreadablePeriod(source: String, line: Int, column: String, value: String)
    /// Periods of different kinds in one column (months and quarters, say).
    case mixedFrequencies(source: String, line: Int, column: String, found: String, expected: String)
    /// Two rows for the same entity and period.
    case duplicateRow(source: String, entity: String, period: String, lines: (Int, Int))
    /// A time term (`lag`, `season`, `trend`, `adstock`) without a period column.
    case noPeriodColumn(term: String)
    /// `season()` on daily data.
    case noSeasonForDays(term: String)
    /// A horizon that is not a period, or that does not follow the history.
    case invalidHorizon(String, reason: String)

    public static func == (a: TimeError, b: TimeError) -> Bool { a.description == b.description }

    public var description: String {
        switch self {
        case let .unreadablePeriod(source, line, column, value):
            return "\(source), line \(line), column '\(column)': '\(value)' is not a period (use 2026-03-15, 2026-W07, 2026-03 or 2026-Q1)"
        case let .mixedFrequencies(source, line, column, found, expected):
            return "\(source), line \(line), column '\(column)': a \(found) among \(expected)s; one column holds one kind of period"
        case let .duplicateRow(source, entity, period, lines):
            return "\(source), lines \(lines.0) and \(lines.1): two rows for '\(entity)' in \(period)"
        case let .noPeriodColumn(term):
            return "term '\(term)' needs the period column: name it with --period (and the rep column with --entity)"
        case let .noSeasonForDays(term):
            return "term '\(term)': season() needs weekly, monthly or quarterly periods, and a season no finer than the periods (quarters of months, not months of quarters)"
        case let .invalidHorizon(text, reason):
            return "horizon '\(text)': \(reason)"
        }
    }
}
