/// A problem with the columns or cells of a ``Dataset``.
public enum DataError: Error, CustomStringConvertible, Equatable, Sendable {
    /// No column has this name.
    case missingColumn(String, available: [String], source: String)
    /// A cell that had to be a number is not one.
    case notANumber(source: String, line: Int, column: String, value: String)
    /// A cell is missing and the missing-value policy is to refuse (``MissingValuePolicy/error``).
    case missingValue(source: String, line: Int, column: String)
    /// Two columns share a name.
    case duplicateColumn(String)
    /// A column's length differs from the first column's.
    case lengthMismatch(column: String, expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .missingColumn(name, available, source):
            let shown = available.prefix(12).map { "'\($0)'" }.joined(separator: ", ")
            let more = available.count > 12 ? ", …" : ""
            return "\(source): no column named '\(name)' (columns: \(shown)\(more))"
        case let .notANumber(source, line, column, value):
            let hint = LenientNumber.looksFormatted(value)
                ? " (currency symbols and thousands separators are read only when asked: --lenient-numbers)" : ""
            return "\(source), line \(line), column '\(column)': '\(value)' is not a number\(hint)"
        case let .missingValue(source, line, column):
            return "\(source), line \(line), column '\(column)': the value is missing (the missing-value policy is 'error')"
        case let .duplicateColumn(name):
            return "two columns are named '\(name)'"
        case let .lengthMismatch(column, expected, found):
            return "column '\(column)' has \(found) rows, expected \(expected)"
        }
    }
}
