import Foundation

/// The predictive distribution of a new count: the Poisson or negative binomial at μ = exp(η),
/// averaged over the estimates' uncertainty η ~ N(η̂, se(η̂)²),
/// P(Y = k) = ∫ f(k; e^η) φ(η; η̂, se²) dη, by 40-point Gauss–Hermite quadrature (deterministic).
///
/// Its intervals include both the count's own randomness and the uncertainty of the coefficients,
/// as a prediction interval of a linear model includes σ² and the mean's standard error.
public struct PredictiveCountDistribution: CountDistribution {
    /// The family's distribution at each quadrature point with its weight (weights sum to 1).
    let components: [(distribution: any CountDistribution, weight: Double)]
    /// E[Y] = E[e^η] over the quadrature.
    public let mean: Double
    /// Var[Y] = E[Var(Y | η)] + Var(e^η) over the quadrature.
    public let variance: Double

    /// The predictive distribution for a linear predictor η̂ with standard error `standardError` under `fit`'s family.
    /// - Parameters:
    ///   - linearPredictor: η̂ = xβ̂ + offset.
    ///   - standardError: se(η̂) = √(xVxᵀ); 0 gives the plain Poisson or negative binomial at e^η̂.
    ///   - fit: The count model's family and θ.
    public init(linearPredictor: Double, standardError: Double, fit: GeneralizedLinearFit) {
        let points = standardError > 0 && standardError.isFinite
            ? GaussHermite.standard.normalPoints(mean: linearPredictor, sd: standardError)
            : [(point: linearPredictor, weight: 1.0)]
        components = points.map { (fit.distribution(mean: Foundation.exp($0.point)), $0.weight) }
        var first = CompensatedSum(), second = CompensatedSum(), conditional = CompensatedSum()
        for (distribution, weight) in components {
            first.add(weight * distribution.mean)
            second.add(weight * distribution.mean * distribution.mean)
            conditional.add(weight * distribution.variance)
        }
        mean = first.value
        variance = conditional.value + Swift.max(0, second.value - first.value * first.value)
    }

    /// P(Y = k), the quadrature of the family's probability.
    public func probability(_ k: Int) -> Double { components.reduce(0) { $0 + $1.weight * $1.distribution.probability(k) } }
    /// P(Y ≤ k), each component accurate in its lower tail.
    public func cdf(_ k: Int) -> Double { Swift.min(1, components.reduce(0) { $0 + $1.weight * $1.distribution.cdf(k) }) }
    /// P(Y > k), each component accurate in its upper tail.
    public func survival(_ k: Int) -> Double { Swift.min(1, components.reduce(0) { $0 + $1.weight * $1.distribution.survival(k) }) }
}
