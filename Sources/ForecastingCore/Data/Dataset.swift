/// A table of named columns: what a CSV file holds once read, and what formulas are evaluated on.
///
/// ```swift
/// let data = try CSVReader.read(path: "history.csv")
/// let demos = try data.numbers("demos")
/// ```
public struct Dataset: Sendable {
    /// Where the rows came from; used to point errors at a file and line.
    public var source: DataSource
    /// Column names, in file order.
    public private(set) var columnNames: [String]
    /// Columns, parallel to ``columnNames``.
    public private(set) var columns: [Column]
    /// The number of data rows.
    public let rowCount: Int
    private var indexByName: [String: Int]

    /// Creates a dataset from named columns of equal length.
    ///
    /// - Parameters:
    ///   - columns: Name and column pairs, in order.
    ///   - source: Where the data came from (default ``DataSource/memory``).
    /// - Throws: ``DataError/duplicateColumn(_:)`` or ``DataError/lengthMismatch(column:expected:found:)``.
    public init(_ columns: [(name: String, column: Column)], source: DataSource = .memory) throws(DataError) {
        var index: [String: Int] = [:]
        for (position, entry) in columns.enumerated() {
            guard index[entry.name] == nil else { throw .duplicateColumn(entry.name) }
            index[entry.name] = position
        }
        let rows = columns.first?.column.count ?? 0
        for entry in columns where entry.column.count != rows {
            throw .lengthMismatch(column: entry.name, expected: rows, found: entry.column.count)
        }
        self.source = source
        self.columnNames = columns.map(\.name)
        self.columns = columns.map(\.column)
        self.rowCount = rows
        self.indexByName = index
    }

    /// Creates a dataset of numeric columns, a convenience for code and tests.
    public init(numeric columns: [(String, [Double])]) throws(DataError) {
        try self.init(columns.map { (name: $0.0, column: Column.numeric($0.1)) })
    }

    /// Whether a column of this name exists.
    public func hasColumn(_ name: String) -> Bool { indexByName[name] != nil }

    /// The column named `name`.
    /// - Throws: ``DataError/missingColumn(_:available:source:)`` naming the columns there are.
    public func column(_ name: String) throws(DataError) -> Column {
        guard let position = indexByName[name] else {
            throw .missingColumn(name, available: columnNames, source: source.name)
        }
        return columns[position]
    }

    /// The column named `name` as numbers (`nan` for missing cells).
    ///
    /// - Throws: ``DataError/notANumber(source:line:column:value:)`` pointing at the first cell
    ///   of a text column that is not a number, or ``DataError/missingColumn(_:available:source:)``.
    public func numbers(_ name: String) throws(DataError) -> [Double] {
        switch try column(name) {
        case .numeric(let values):
            return values
        case .text(let text):
            let parsed = text.levels.map { NumberParser.parse($0) }
            for (row, code) in text.codes.enumerated() where code >= 0 && parsed[Int(code)] == nil {
                throw .notANumber(source: source.name, line: source.line(ofRow: row), column: name,
                                  value: text.levels[Int(code)])
            }
            return text.codes.map { $0 < 0 ? .nan : parsed[Int($0)] ?? .nan }
        }
    }

    /// A copy with the column `name` replaced (same length), or appended when there is none.
    public func replacingColumn(_ name: String, with column: Column) throws(DataError) -> Dataset {
        guard column.count == rowCount else { throw .lengthMismatch(column: name, expected: rowCount, found: column.count) }
        var copy = self
        if let position = indexByName[name] {
            copy.columns[position] = column
        } else {
            copy.indexByName[name] = columns.count
            copy.columnNames.append(name)
            copy.columns.append(column)
        }
        return copy
    }

    /// A dataset holding only the rows at `rows`, in that order.
    public func selectingRows(_ rows: [Int]) -> Dataset {
        var copy = self
        copy.columns = columns.map { column in
            switch column {
            case .numeric(let values): .numeric(rows.map { values[$0] })
            case .text(let text): .text(TextColumn(codes: rows.map { text.codes[$0] }, levels: text.levels))
            }
        }
        copy.source.rowLines = rows.map { Int32(clamping: source.line(ofRow: $0)) }
        return Dataset(copy, rowCount: rows.count)
    }

    private init(_ other: Dataset, rowCount: Int) {
        self.source = other.source
        self.columnNames = other.columnNames
        self.columns = other.columns
        self.indexByName = other.indexByName
        self.rowCount = rowCount
    }
}
