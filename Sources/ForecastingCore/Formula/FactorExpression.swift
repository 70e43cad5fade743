/// The functions a formula may call.
///
/// Names follow patsy and R: `np.log` and `numpy.log` are accepted for `log`, `scale` for `standardize`.
package enum FunctionName: String, Sendable, Equatable, CaseIterable {
    /// Arithmetic as written: `I(x^2)`, `I(calls + emails)`.
    case identity = "I"
    /// Categorical with treatment coding: `C(x)`, `C(x, Treatment('b'))`.
    case categorical = "C"
    /// A column whose name is not a bare identifier: `Q("Deal Size")`.
    case quote = "Q"
    case treatment = "Treatment"
    case log, log10, log2, log1p, exp, sqrt, abs
    /// Subtract the mean of the fitted rows (remembered for prediction).
    case center
    /// Subtract the mean and divide by the standard deviation of the fitted rows.
    case standardize
    /// The value k periods earlier for the same entity: `lag(demos, 1)`.
    case lag
    /// Quarter, month or week-of-year effects as a categorical: `season(period)`.
    case season
    /// The period number, counting from the first fitted period: `trend()`.
    case trend
    /// Carryover: aₜ = xₜ + rate·aₜ₋₁ within each entity: `adstock(demos, 0.5)`.
    case adstock
    /// A known term with coefficient 1 in the linear predictor, e.g. `offset(log(days_worked))` (no coefficient).
    case offset

    init?(spelling: String) {
        var name = spelling
        for prefix in ["np.", "numpy."] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
        if name == "scale" { name = "standardize" }
        self.init(rawValue: name)
    }

    static let known = "I, C, Q, log, log10, log2, log1p, exp, sqrt, abs, center, standardize, lag, season, trend, adstock, offset"
}

/// An argument of a function call, optionally named (`Treatment(reference='b')`).
package struct FactorArgument: Sendable, Equatable {
    var label: String?
    var value: FactorExpression
}

/// The expression behind one factor of a formula: a column, a constant, arithmetic or a call.
package indirect enum FactorExpression: Sendable, Equatable {
    case column(String)
    case number(Double)
    case string(String)
    case negate(FactorExpression)
    /// `+ - * / ^` (`**` is read as `^`).
    case binary(Character, FactorExpression, FactorExpression)
    /// A call, with the 0-based offset of its name for error messages.
    case call(FunctionName, [FactorArgument], offset: Int)

    /// Whether the expression uses the panel's periods (`lag`, `adstock`, `season`, `trend`).
    package var usesTime: Bool {
        switch self {
        case .column, .number, .string: false
        case .negate(let inner): inner.usesTime
        case let .binary(_, left, right): left.usesTime || right.usesTime
        case let .call(function, arguments, _):
            [.lag, .season, .trend, .adstock].contains(function) || arguments.contains { $0.value.usesTime }
        }
    }

    /// Whether the expression needs statistics of the whole column (`center`, `standardize`).
    var usesDataStatistics: Bool {
        switch self {
        case .column, .number, .string: false
        case .negate(let inner): inner.usesDataStatistics
        case let .binary(_, left, right): left.usesDataStatistics || right.usesDataStatistics
        case let .call(function, arguments, _):
            [.center, .standardize].contains(function) || arguments.contains { $0.value.usesDataStatistics }
        }
    }

    /// The columns the expression reads.
    package var columns: [String] {
        switch self {
        case .column(let name): [name]
        case .number, .string: []
        case .negate(let inner): inner.columns
        case let .binary(_, left, right): left.columns + right.columns
        case let .call(_, arguments, _): arguments.flatMap(\.value.columns)
        }
    }
}

/// One factor of a term: an expression with the name it has in coefficient names
/// (the source text with spaces removed, as in `I(x^2)` or `log(emails+1)`).
public struct Factor: Hashable, Sendable, CustomStringConvertible {
    /// The name used in coefficient names.
    public let name: String
    package let expression: FactorExpression
    /// 0-based character offset in the formula, for error messages.
    let offset: Int

    public var description: String { name }
    public static func == (lhs: Factor, rhs: Factor) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

/// A term of a model: one factor, or an interaction of several (`a:b`).
public struct Term: Hashable, Sendable, CustomStringConvertible {
    /// The factors in the order they were written; a term is the same term in any order.
    public let factors: [Factor]

    /// The term's name, factors joined by `:`.
    public var description: String { factors.map(\.name).joined(separator: ":") }

    public static func == (lhs: Term, rhs: Term) -> Bool { Set(lhs.factors) == Set(rhs.factors) }
    public func hash(into hasher: inout Hasher) { hasher.combine(Set(factors)) }
}
