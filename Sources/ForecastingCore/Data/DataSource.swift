/// Where a ``Dataset`` came from, so errors can name the file and line of a row.
public struct DataSource: Sendable, Equatable {
    /// The file path as the user gave it, or a description such as `"<stdin>"` or `"<memory>"`.
    public var name: String
    /// The 1-based line on which each data row starts, when it differs from `row + 2`
    /// (a header on line 1 and one line per row). `nil` when every row is one line.
    public var rowLines: [Int32]?

    /// Creates a source description.
    public init(name: String, rowLines: [Int32]? = nil) {
        self.name = name
        self.rowLines = rowLines
    }

    /// Data built in code rather than read from a file.
    public static let memory = DataSource(name: "<memory>")

    /// The 1-based line in the source on which data row `row` (0-based) starts.
    public func line(ofRow row: Int) -> Int {
        if let rowLines, row < rowLines.count { return Int(rowLines[row]) }
        return row + 2
    }
}
