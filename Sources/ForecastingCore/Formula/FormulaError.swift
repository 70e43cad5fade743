/// A formula that cannot be parsed or evaluated, with the character position it refers to.
public enum FormulaError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The formula text is not well formed; `position` is the 1-based character where it went wrong.
    case syntax(String, position: Int, formula: String)
    /// A function the formula language does not have.
    case unknownFunction(String, position: Int, formula: String)
    /// A function was called with the wrong arguments.
    case invalidArguments(function: String, reason: String, position: Int, formula: String)
    /// A term produced a value that is not a finite number on a row where its inputs are present
    /// (for example `log(x)` where x is 0).
    case nonFiniteValue(term: String, value: Double, source: String, line: Int)
    /// A term that must be numeric refers to text, e.g. the response or an argument of `log`.
    case notNumeric(term: String, column: String)
    /// A categorical term has fewer than two distinct values among the rows used.
    case singleLevel(term: String, level: String)
    /// A reference level named in `C(x, Treatment(...))` does not occur in the data.
    case unknownLevel(term: String, level: String, levels: [String])

    public var description: String {
        switch self {
        case let .syntax(message, position, formula):
            return "formula, character \(position): \(message): \(Self.pointing(formula, at: position))"
        case let .unknownFunction(name, position, formula):
            return "formula, character \(position): unknown function '\(name)' (known: \(FunctionName.known)): \(Self.pointing(formula, at: position))"
        case let .invalidArguments(function, reason, position, formula):
            return "formula, character \(position): \(function)(): \(reason): \(Self.pointing(formula, at: position))"
        case let .nonFiniteValue(term, value, source, line):
            let what = value.isNaN ? "not a number" : (value > 0 ? "+infinity" : "-infinity")
            return "\(source), line \(line): term '\(term)' is \(what) on this row"
        case let .notNumeric(term, column):
            return "term '\(term)': column '\(column)' is text, but a number is needed here (wrap it in C(\(column)) to use it as categories)"
        case let .singleLevel(term, level):
            return "term '\(term)' has only one value ('\(level)') in the rows used, so it cannot be estimated"
        case let .unknownLevel(term, level, levels):
            return "term '\(term)': reference level '\(level)' does not occur (levels: \(levels.prefix(12).joined(separator: ", ")))"
        }
    }

    /// The formula with a marker before the character at `position`, kept on one line.
    private static func pointing(_ formula: String, at position: Int) -> String {
        let characters = Array(formula)
        let index = max(0, min(characters.count, position - 1))
        return "'" + String(characters[..<index]) + "▶" + String(characters[index...]) + "'"
    }
}
