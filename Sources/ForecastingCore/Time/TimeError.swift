/// A problem with the period or entity columns of a panel.
public enum TimeError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A period cell is not a date, ISO week, month, quarter or year.
    case unreadablePeriod(source: String, line: Int, column: String, value: String)
    /// Periods of different kinds in one column (months and quarters, say).
    case mixedFrequencies(source: String, line: Int, column: String, found: String, expected: String)
    /// Two rows for the same entity and period, at these lines of the source.
    case duplicateRow(source: String, entity: String, period: String, firstLine: Int, secondLine: Int)
    /// A time term (`lag`, `season`, `trend`, `adstock`) without a period column.
    case noPeriodColumn(term: String)
    /// `season()` on daily data.
    case noSeasonForDays(term: String)
    /// Text that should be a quarter (`2026-Q4`) and is not.
    case notAQuarter(String)

    public static func == (a: TimeError, b: TimeError) -> Bool { a.description == b.description }

    public var description: String {
        switch self {
        case let .unreadablePeriod(source, line, column, value):
            return "\(source), line \(line), column '\(column)': '\(value)' is not a period (use 2026-03-15, 2026-W07, 2026-03, 2026-Q1 or 2026)"
        case let .mixedFrequencies(source, line, column, found, expected):
            return "\(source), line \(line), column '\(column)': a \(found) among \(expected)s; one column holds one kind of period"
        case let .duplicateRow(source, entity, period, firstLine, secondLine):
            return "\(source), lines \(firstLine) and \(secondLine): two rows for '\(entity)' in \(period)"
        case let .noPeriodColumn(term):
            return "term '\(term)' needs periods, and the data has no period column: name the period column (and the rep column) of the history"
        case let .notAQuarter(text):
            return "'\(text)' is not a quarter (write it as 2026-Q4)"
        case let .noSeasonForDays(term):
            return "term '\(term)': season() needs weekly, monthly or quarterly periods (not days or years), and a season no finer than the periods (quarters of months, not months of quarters)"
        }
    }
}
