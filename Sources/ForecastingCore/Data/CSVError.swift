/// A CSV file that cannot be read, with the file, line and column where it went wrong.
public enum CSVError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The path does not exist.
    case fileNotFound(path: String)
    /// The path is a directory.
    case isDirectory(path: String)
    /// The file exists but cannot be opened or read (permissions, I/O error).
    case unreadable(path: String, reason: String)
    /// The file holds no bytes (or only a byte-order mark and blank lines).
    case empty(path: String)
    /// The file has a header but no data rows.
    case noDataRows(path: String)
    /// The file has a NUL byte: it is not a text file.
    case binary(path: String, line: Int)
    /// A header cell is empty.
    case emptyColumnName(path: String, position: Int)
    /// Two header cells have the same name.
    case duplicateColumnName(path: String, name: String)
    /// A row has more or fewer cells than the header.
    case raggedRow(path: String, line: Int, expected: Int, found: Int)
    /// A quoted field is not closed before the end of the file.
    case unterminatedQuote(path: String, line: Int)
    /// A quote appears inside an unquoted field, or text follows a closing quote.
    case misplacedQuote(path: String, line: Int, column: String)
    /// A cell is not valid UTF-8.
    case invalidUTF8(path: String, line: Int, column: String)
    /// A cell holds `NaN` or an infinity, which no count or amount can be.
    case nonFiniteNumber(path: String, line: Int, column: String, value: String)

    public var description: String {
        switch self {
        case let .fileNotFound(path): "\(path): no such file"
        case let .isDirectory(path): "\(path): is a directory, not a CSV file"
        case let .unreadable(path, reason): "\(path): cannot be read (\(reason))"
        case let .empty(path): "\(path): the file is empty"
        case let .noDataRows(path): "\(path): the file has a header but no data rows"
        case let .binary(path, line): "\(path), line \(line): not a text file (found a NUL byte)"
        case let .emptyColumnName(path, position): "\(path), line 1: header cell \(position) is empty"
        case let .duplicateColumnName(path, name): "\(path), line 1: two columns are named '\(name)'"
        case let .raggedRow(path, line, expected, found):
            "\(path), line \(line): \(found) cells, but the header has \(expected)"
        case let .unterminatedQuote(path, line): "\(path), line \(line): a quoted field is never closed"
        case let .misplacedQuote(path, line, column):
            "\(path), line \(line), column '\(column)': a quote inside a field that is not quoted as a whole"
        case let .invalidUTF8(path, line, column): "\(path), line \(line), column '\(column)': not valid UTF-8 text"
        case let .nonFiniteNumber(path, line, column, value):
            "\(path), line \(line), column '\(column)': '\(value)' is not a finite number"
        }
    }
}
