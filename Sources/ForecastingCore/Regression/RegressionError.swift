/// A model that cannot be fitted as asked, with the columns or rows responsible.
public enum RegressionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Fewer usable rows than model columns.
    case tooFewRows(rows: Int, parameters: Int, dropped: Int)
    /// Every row was dropped for missing values.
    case noRows(dropped: Int)
    /// The formula produces no columns at all (`y ~ 0`).
    case emptyModel
    /// A column is zero on every row used.
    case zeroColumn(String)
    /// Columns are linear combinations of earlier ones. Each entry names a column and the earlier
    /// columns it is (up to rounding) a combination of.
    case collinear([Collinearity])
    /// A weight is zero, negative or missing.
    case invalidWeight(column: String, value: Double, source: String, line: Int)
    /// The response is text, or otherwise not numeric.
    case nonNumericResponse(String)
    /// A confidence level outside (0, 1).
    case invalidLevel(Double)
    /// A ridge penalty that is negative or not finite.
    case invalidPenalty(Double)
    /// New data has a category the model never saw.
    case unseenCategory(term: String, level: String, source: String, line: Int, known: [String])
    /// New data lacks a column the model needs.
    case missingColumn(String)
    /// Columns built from new data do not match the model's (a different formula or data layout).
    case columnsDoNotMatch(expected: [String], found: [String])
    /// The design matrix would be too large to hold (many categorical levels or interactions).
    case designTooLarge(rows: Int, columns: Int)
    /// The response is so large or so small that its sums of squares leave double precision.
    case responseOutOfRange(Double)
    /// A term named in a test is not a column of the model.
    case unknownTerm(String, known: [String])
    /// A clustered or HAC covariance was asked of a fit made without a dataset.
    case covarianceNeedsData(String)
    /// A numerical routine failed.
    case numerical(LinearAlgebraError)
    /// A fit made a block of rows at a time cannot do what was asked (time terms, ridge, HAC).
    case notAvailableInBlocks(feature: String, reason: String)
    /// A block of a file read in blocks builds other model columns than the blocks before it
    /// (a column that is numbers in one part of the file and text in another).
    case blockColumnsDiffer(source: String, line: Int, expected: [String], found: [String])
    /// The model was fitted on a design matrix, not a formula, so it cannot build new rows from data.
    case noFormula
    /// The response appears among the predictors (`revenue ~ revenue + demos`).
    case responseOnBothSides(String)
    /// An option that a linear mixed model does not take (weights, ridge, robust covariances, blocks).
    case notAvailableForMixedModels(String)

    /// One column that depends on others.
    public struct Collinearity: Equatable, Sendable {
        /// One earlier column of a combination, with its coefficient.
        public struct Term: Equatable, Sendable {
            /// The column's name.
            public var name: String
            /// Its coefficient in the combination.
            public var coefficient: Double

            /// A term of a combination.
            public init(name: String, coefficient: Double) {
                self.name = name
                self.coefficient = coefficient
            }
        }

        /// The dependent column.
        public var column: String
        /// The earlier columns it is a combination of, with coefficients.
        public var combination: [Term]

        /// A dependent column and the combination of earlier columns it equals.
        public init(column: String, combination: [Term]) {
            self.column = column
            self.combination = combination
        }
    }

    public var description: String {
        switch self {
        case let .tooFewRows(rows, parameters, dropped):
            let note = dropped > 0 ? " after dropping \(dropped) with missing values" : ""
            return "only \(rows) usable rows\(note) for \(parameters) model columns: need at least as many rows as columns"
        case let .noRows(dropped):
            return "no usable rows: all \(dropped) rows have a missing value in a column the model uses"
        case .emptyModel:
            return "the model has no columns (no terms and no intercept)"
        case let .zeroColumn(name):
            return "column '\(name)' is zero on every row used, so its effect cannot be estimated; drop it from the formula"
        case let .collinear(items):
            let parts = items.map { item -> String in
                if item.combination.isEmpty { return "'\(item.column)' is zero on every row used" }
                if item.combination.count == 1, item.combination[0].name == "Intercept" {
                    return "'\(item.column)' is constant (it adds nothing to the intercept)"
                }
                let terms = item.combination.map { term -> String in
                    let c = term.coefficient
                    let rounded = (c * 1e6).rounded() / 1e6
                    return rounded == 1 ? "'\(term.name)'" : "\(formatCoefficient(rounded))·'\(term.name)'"
                }
                return "'\(item.column)' = \(terms.joined(separator: " + "))"
            }
            return "collinear columns: \(parts.joined(separator: "; ")); drop one of each, or fit with a ridge penalty"
        case let .invalidWeight(column, value, source, line):
            let what = value.isNaN ? "missing" : "\(value)"
            return "\(source), line \(line), column '\(column)': weight \(what) is not positive"
        case let .nonNumericResponse(name):
            return "the response '\(name)' is text; it must be a number"
        case let .invalidLevel(level):
            return "confidence level \(level) must be between 0 and 1 (e.g. 0.95)"
        case let .invalidPenalty(value):
            return "ridge penalty \(value) must be a finite number ≥ 0"
        case let .unseenCategory(term, level, source, line, known):
            return "\(source), line \(line): '\(level)' is a new level of '\(term)' that the model has not seen (known: \(known.prefix(12).joined(separator: ", ")))"
        case let .missingColumn(name):
            return "the data has no column '\(name)', which the model needs"
        case let .columnsDoNotMatch(expected, found):
            return "the model's columns (\(expected.joined(separator: ", "))) differ from those built from the data (\(found.joined(separator: ", ")))"
        case let .designTooLarge(rows, columns):
            return "the model has \(columns) columns for \(rows) rows, too large to hold: a categorical with many levels (or an interaction of several) makes a column per level; group the rare levels or drop the term"
        case let .responseOutOfRange(largest):
            return String(format: "the response reaches %.3g; its sums of squares would leave double precision (about 1e±308): rescale it (e.g. revenue in thousands)", largest)
        case let .unknownTerm(term, known):
            return "the model has no term '\(term)' (its columns: \(known.prefix(12).joined(separator: ", ")))"
        case let .covarianceNeedsData(type):
            return "the \(type) covariance needs the rows and columns of the data, which this model does not keep (a model read from a file, fitted from a matrix or a block of rows at a time)"
        case let .numerical(error):
            return error.description
        case let .notAvailableInBlocks(feature, reason):
            return "\(feature) is not available when fitting a block of rows at a time: \(reason)"
        case .noFormula:
            return "the model was fitted on a design matrix, not a formula: it cannot build rows from data to predict"
        case let .notAvailableForMixedModels(feature):
            return "\(feature) is not available for a model with random effects"
        case let .responseOnBothSides(name):
            return "'\(name)' is both the response and a predictor: a model cannot explain a column by itself"
        case let .blockColumnsDiffer(source, line, expected, found):
            let missing = expected.filter { !found.contains($0) }, extra = found.filter { !expected.contains($0) }
            let detail = (missing.map { "no '\($0)'" } + extra.map { "a new column '\($0)'" }).prefix(4).joined(separator: ", ")
            return "\(source), line \(line): the rows from here build other model columns than the rows before (\(detail.isEmpty ? "a different order" : detail)); a column must hold numbers throughout or text throughout (wrap it in C() to make it categorical)"
        }
    }

    private func formatCoefficient(_ c: Double) -> String {
        c == c.rounded() && abs(c) < 1e9 ? String(Int(c)) : String(format: "%.6g", c)
    }
}

import Foundation
