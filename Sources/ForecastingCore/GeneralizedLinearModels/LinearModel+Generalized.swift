import Foundation

extension LinearModel {
    /// The generalized part, for a model fitted with a count family (`--family poisson|negbin`); `nil` for least squares.
    public var generalized: GeneralizedLinearFit? { provenance.generalized }

    /// The response's family: ``ResponseFamily/gaussian`` for least squares and linear mixed models.
    public var family: ResponseFamily { generalized?.family ?? .gaussian }

    /// Rate ratios exp(β̂ⱼ) with their intervals exp(β̂ⱼ ± z·se) at `level`, for a log-link count model:
    /// how many times the expected count multiplies per unit of each activity.
    /// - Throws: ``RegressionError/invalidLevel(_:)`` unless 0 < level < 1.
    public func rateRatios(level: Double = 0.95) throws(RegressionError) -> [RateRatio] {
        let intervals = try confidenceIntervals(level: level)
        return coefficients.indices.map {
            RateRatio(term: columnNames[$0], ratio: Foundation.exp(coefficients[$0]),
                      lower: Foundation.exp(intervals[$0].lower), upper: Foundation.exp(intervals[$0].upper))
        }
    }
}

/// A rate ratio exp(β) of a log-link count model with its confidence interval.
public struct RateRatio: Sendable, Equatable {
    /// The coefficient's name.
    public var term: String
    /// exp(β̂).
    public var ratio: Double
    /// exp of the interval's lower bound.
    public var lower: Double
    /// exp of the interval's upper bound.
    public var upper: Double
}
