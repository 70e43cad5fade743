/// The probability functions inference needs, supplied by the host library so that its accurate
/// distributions are used (ForecastingCore's `StudentTDistribution` and `ChiSquaredDistribution`).
///
/// A conformance in the host is three lines:
///
/// ```swift
/// struct HostDistributions: MixedModelDistributions {
///     func studentTTwoSidedPValue(_ t: Double, degreesOfFreedom: Double) -> Double {
///         StudentTDistribution(degreesOfFreedom: degreesOfFreedom).twoSidedPValue(t)
///     }
///     func studentTQuantile(_ probability: Double, degreesOfFreedom: Double) -> Double {
///         StudentTDistribution(degreesOfFreedom: degreesOfFreedom).quantile(probability)
///     }
///     func chiSquaredSurvival(_ x: Double, degreesOfFreedom: Double) -> Double {
///         ChiSquaredDistribution(degreesOfFreedom: degreesOfFreedom).survival(x)
///     }
/// }
/// ```
public protocol MixedModelDistributions: Sendable {
    /// P(|T| ≥ |t|) for Student's t with ν degrees of freedom (ν > 0, possibly non-integer).
    func studentTTwoSidedPValue(_ t: Double, degreesOfFreedom: Double) -> Double
    /// The t with P(T ≤ t) = probability.
    func studentTQuantile(_ probability: Double, degreesOfFreedom: Double) -> Double
    /// P(X > x) for the chi-squared distribution with k degrees of freedom.
    func chiSquaredSurvival(_ x: Double, degreesOfFreedom: Double) -> Double
}
