/// Where the width of a forecast line's prediction interval comes from: the parts of the variance of its
/// realized total, which add up to ``total`` (the square of the line's `observationSE`).
///
/// - ``estimates``: the uncertainty of the fitted coefficients.
/// - ``repEffect``: a mixed model's rep effects (the uncertainty of a rep's own productivity, or a new
///   rep's unknown one); zero for a pooled model.
/// - ``noise``: what the model cannot explain, period by period (the residual variance).
/// - ``projection``: activities projected from history rather than planned miss what the reps then do
///   (see ``ActivityProjection``); zero where a plan gives the activities.
public struct ForecastVariance: Sendable, Equatable, Codable {
    /// Variance from the uncertainty of the estimates.
    public var estimates: Double
    /// Variance from the rep effects of a mixed model.
    public var repEffect: Double
    /// Variance from the noise of the new periods.
    public var noise: Double
    /// Variance from the error of projecting activities.
    public var projection: Double

    /// Creates a decomposition from its parts.
    public init(estimates: Double, repEffect: Double, noise: Double, projection: Double) {
        self.estimates = estimates
        self.repEffect = repEffect
        self.noise = noise
        self.projection = projection
    }

    /// The variance of the realized total: the sum of the parts.
    public var total: Double { estimates + repEffect + noise + projection }

    /// Each part's share of ``total`` (0…1), in the order estimates, rep effect, noise, projection.
    public var shares: [Double] {
        let t = total
        return [estimates, repEffect, noise, projection].map { t > 0 ? $0 / t : 0 }
    }

    /// The parts' names, in the order of ``shares``, as the text and JSON outputs show them.
    public static let partNames = ["estimates", "rep_effect", "noise", "projection"]
}
