/// A failure while setting up, fitting or querying a linear mixed model.
public enum MixedModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The response has no observations.
    case noObservations
    /// An array has the wrong length, e.g. a design matrix with `rows × columns ≠ values.count`.
    case dimensionMismatch(what: String, expected: Int, actual: Int)
    /// A design value or response is NaN or infinite.
    case nonFiniteValue(what: String, row: Int)
    /// A level index is outside `0..<levelCount`.
    case levelOutOfRange(group: String, row: Int, level: Int, levelCount: Int)
    /// Two terms share a grouping-factor name but not the same level assignment.
    case inconsistentGroupingFactor(String)
    /// A random-effect term is malformed (no columns, or names and columns disagree).
    case invalidTerm(group: String, reason: String)
    /// The fixed-effects design is rank deficient; `column` is the first dependent column.
    case rankDeficientFixedEffects(column: String)
    /// Too few observations for the number of fixed effects (REML needs n > p).
    case tooFewObservations(observations: Int, fixedEffects: Int)
    /// A θ vector of the wrong length was supplied.
    case invalidTheta(expected: Int, actual: Int)
    /// The optimizer could not find a finite criterion value.
    case optimizationFailed(String)
    /// Two fits cannot be compared by a likelihood-ratio test.
    case incompatibleModels(String)
    /// A prediction row does not match the model.
    case invalidPredictionRow(row: Int, reason: String)
    /// A contrast has the wrong length or is zero.
    case invalidContrast(String)
    /// A LAPACK/BLAS routine failed.
    case linearAlgebra(LinearAlgebraError)

    public var description: String {
        switch self {
        case .noObservations:
            "the response has no observations"
        case let .dimensionMismatch(what, expected, actual):
            "\(what): expected \(expected) values, got \(actual)"
        case let .nonFiniteValue(what, row):
            "\(what), row \(row + 1): the value is NaN or infinite"
        case let .levelOutOfRange(group, row, level, levelCount):
            "group '\(group)', row \(row + 1): level index \(level) is outside 0..<\(levelCount)"
        case let .inconsistentGroupingFactor(name):
            "terms with grouping factor '\(name)' assign rows to different levels"
        case let .invalidTerm(group, reason):
            "random-effect term for '\(group)': \(reason)"
        case let .rankDeficientFixedEffects(column):
            "the fixed-effects design is rank deficient: column '\(column)' is (nearly) a combination of the columns before it"
        case let .tooFewObservations(observations, fixedEffects):
            "\(observations) observations are too few for \(fixedEffects) fixed effects"
        case let .invalidTheta(expected, actual):
            "θ must have \(expected) entries, got \(actual)"
        case let .optimizationFailed(reason):
            "the optimizer failed: \(reason)"
        case let .incompatibleModels(reason):
            "the models cannot be compared: \(reason)"
        case let .invalidPredictionRow(row, reason):
            "prediction row \(row + 1): \(reason)"
        case let .invalidContrast(reason):
            "invalid contrast: \(reason)"
        case let .linearAlgebra(error):
            error.description
        }
    }
}
