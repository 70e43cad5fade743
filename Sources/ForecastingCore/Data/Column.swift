/// One column of a ``Dataset``: numbers, or text stored as codes into a list of levels.
///
/// A CSV column is numeric when every non-missing cell is a number; any other column is text.
/// Missing cells are `Double.nan` in a numeric column and code `-1` in a text column
/// (a literal `NaN` in a file is refused when read, so `nan` here always means "missing").
public enum Column: Sendable, Equatable {
    /// Numbers; `Double.nan` marks a missing cell.
    case numeric([Double])
    /// Text cells, dictionary-encoded.
    case text(TextColumn)

    /// The number of cells.
    public var count: Int {
        switch self {
        case .numeric(let values): values.count
        case .text(let text): text.codes.count
        }
    }

    /// Whether the cell at `row` is missing.
    public func isMissing(at row: Int) -> Bool {
        switch self {
        case .numeric(let values): values[row].isNaN
        case .text(let text): text.codes[row] < 0
        }
    }
}

/// Text cells stored as codes into `levels` (in order of first appearance).
public struct TextColumn: Sendable, Equatable {
    /// One code per row: an index into `levels`, or `-1` for a missing cell.
    public var codes: [Int32]
    /// The distinct values, in order of first appearance.
    public var levels: [String]

    /// Creates a text column from codes and levels.
    public init(codes: [Int32], levels: [String]) {
        self.codes = codes
        self.levels = levels
    }

    /// Creates a text column from optional strings (`nil` is a missing cell).
    public init(_ values: [String?]) {
        var index: [String: Int32] = [:]
        var levels: [String] = []
        var codes: [Int32] = []
        codes.reserveCapacity(values.count)
        for value in values {
            guard let value else { codes.append(-1); continue }
            if let code = index[value] {
                codes.append(code)
            } else {
                let code = Int32(levels.count)
                index[value] = code
                levels.append(value)
                codes.append(code)
            }
        }
        self.codes = codes
        self.levels = levels
    }

    /// The value at `row`, or `nil` when the cell is missing.
    public subscript(row: Int) -> String? {
        let code = codes[row]
        return code < 0 ? nil : levels[Int(code)]
    }
}

extension Column {
    /// The text of a number used as a label (a category level, a rep id, a year): integers without
    /// a decimal point, so 2024.0 reads as `2024`.
    package static func label(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }
}
