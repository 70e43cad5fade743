import Foundation

/// The generalized part of a ``LinearModel`` fitted with a count family (`fit --family poisson|negbin`):
/// the family, the dispersion θ, deviances, likelihood and how IRLS converged.
///
/// A count model is still one ``LinearModel``: ``LinearModel/coefficients`` are on the log scale,
/// ``LinearModel/covariance`` (model-based, robust or clustered) is their covariance, tests are z tests.
/// The per-row arrays of the linear model hold the last IRLS step's working quantities:
/// ``LinearModel/response`` the working response z, ``LinearModel/weights`` the working weights and
/// ``LinearModel/residuals`` the working residuals (R's `residuals(fit, "working")`); the counts and
/// fitted means are ``counts`` and ``means`` here.
public struct GeneralizedLinearFit: Sendable {
    /// Poisson or negative binomial.
    public let family: ResponseFamily
    /// The link (log).
    public let link: LinkFunction
    /// θ̂ of the negative binomial (variance μ + μ²/θ); `nil` for Poisson.
    public let theta: Double?
    /// The standard error of θ̂ from its observed information (MASS's `SE.theta`).
    public let thetaStandardError: Double?
    /// Why θ̂ is not an interior maximum (`"iteration limit reached"`, `"estimate truncated at zero"`), as MASS warns.
    public let thetaWarning: String?
    /// The residual deviance Σdᵢ.
    public let deviance: Double
    /// The deviance of the model with the intercept (and offsets) only, or of the offsets alone without an intercept.
    public let nullDeviance: Double
    /// n − 1 with an intercept, n without.
    public let nullDegreesOfFreedom: Double
    /// The log-likelihood at the estimates (with θ̂ for the negative binomial).
    public let logLikelihood: Double
    /// IRLS iterations of the last fit (R's `iter`).
    public let iterations: Int
    /// β–θ alternations (negative binomial; 0 for Poisson).
    public let alternations: Int
    /// Whether IRLS (and the θ alternation) met the convergence criterion.
    public let converged: Bool
    /// Whether a step had to be halved to keep the deviance finite (R's `boundary`).
    public let boundary: Bool
    /// The convergence criterion used.
    public let control: IRLSControl
    /// The counts fitted (empty for a model read from a file).
    public let counts: [Double]
    /// The fitted means μ̂ᵢ = exp(xᵢβ̂ + offsetᵢ) (empty for a model read from a file).
    public let means: [Double]
    /// The offsets of the rows fitted (empty without offsets or for a model read from a file).
    public let offsets: [Double]

    /// The number of estimated parameters: the coefficients, and θ for the negative binomial.
    func parameterCount(coefficients p: Int) -> Double { Double(p) + (family == .negativeBinomial ? 1 : 0) }

    /// The dispersion φ: 1 for Poisson and the negative binomial at θ̂ (as R's summary for both).
    public var dispersion: Double { 1 }

    /// The count distribution of one observation with mean `mean`: Poisson, or NB2 with size θ̂.
    public func distribution(mean: Double) -> any CountDistribution {
        if family == .negativeBinomial, let theta { return NegativeBinomialDistribution(mean: mean, size: theta) }
        return PoissonDistribution(mean: mean)
    }

    /// Deviance residuals sign(y − μ)·√dᵢ (R's `residuals(fit, "deviance")`).
    public var devianceResiduals: [Double] {
        let unit = CountFamily(family: family, theta: theta ?? .nan)
        return zip(counts, means).map { y, mu in (y >= mu ? 1 : -1) * unit.unitDeviance(y, mu).squareRoot() }
    }

    /// Pearson residuals (y − μ)/√V(μ).
    public var pearsonResiduals: [Double] {
        let unit = CountFamily(family: family, theta: theta ?? .nan)
        return zip(counts, means).map { y, mu in (y - mu) / unit.variance(mu).squareRoot() }
    }

    /// Rows whose fitted mean is below 1e-8 with a count of 0: the sign that a category (or a
    /// combination of activities) has only zero counts and its coefficient runs off to −∞
    /// (separation); their positions in the fitted rows.
    public var rowsAtZeroBoundary: [Int] {
        counts.indices.filter { counts[$0] == 0 && means[$0] < 1e-8 }
    }
}
