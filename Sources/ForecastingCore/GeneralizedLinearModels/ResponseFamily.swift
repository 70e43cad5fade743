import Foundation

/// The distribution of the response given the activities: what `fit --family` chooses.
///
/// - `gaussian`: least squares, as every fit before families existed (the default).
/// - `poisson`: counts with variance equal to the mean, log link (R's `glm(family = poisson)`).
/// - `negativeBinomial`: counts with variance μ + μ²/θ (NB2), log link, θ estimated by maximum
///   likelihood as R's `MASS::glm.nb` does; for deals won, whose spread exceeds a Poisson's.
public enum ResponseFamily: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Normal errors, identity link: least squares.
    case gaussian
    /// Poisson counts, log link.
    case poisson
    /// Negative binomial (NB2) counts, log link, dispersion θ by maximum likelihood.
    case negativeBinomial = "negbin"

    /// The name used on the command line and in files: `gaussian`, `poisson` or `negbin`.
    public var description: String { rawValue }

    /// Whether the family models counts (a log link and a whole, non-negative response).
    public var isCount: Bool { self != .gaussian }

    /// The name in reports, as statsmodels and R print it.
    public var displayName: String {
        switch self {
        case .gaussian: "Gaussian"
        case .poisson: "Poisson"
        case .negativeBinomial: "Negative Binomial"
        }
    }
}

/// How the mean relates to the linear predictor η = xβ + offset.
public enum LinkFunction: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// μ = η.
    case identity
    /// μ = exp(η): effects multiply the rate; exp(β) is a rate ratio.
    case log

    /// The link's name: `identity` or `log`.
    public var description: String { rawValue }

    /// μ from η.
    func mean(_ eta: Double) -> Double {
        switch self {
        case .identity: eta
        case .log: Foundation.exp(eta)
        }
    }

    /// η from μ.
    func linear(_ mu: Double) -> Double {
        switch self {
        case .identity: mu
        case .log: Foundation.log(mu)
        }
    }

    /// dμ/dη at η.
    func derivative(_ eta: Double) -> Double {
        switch self {
        case .identity: 1
        // R's poisson()$mu.eta: pmax(exp(eta), .Machine$double.eps).
        case .log: Swift.max(Foundation.exp(eta), .ulpOfOne)
        }
    }
}

/// The variance, deviance and likelihood of one family at a fixed dispersion θ: the pieces of
/// R's `family` objects (`poisson()`, `MASS::negative.binomial(theta)`) that IRLS and the reports use.
struct CountFamily: Sendable {
    /// Poisson or negative binomial.
    let family: ResponseFamily
    /// θ for the negative binomial (ignored for Poisson).
    let theta: Double

    let link = LinkFunction.log

    /// V(μ): μ, or μ + μ²/θ.
    func variance(_ mu: Double) -> Double {
        family == .negativeBinomial ? mu + mu * mu / theta : mu
    }

    /// The unit deviance dᵢ (R's `dev.resids` with weight 1).
    func unitDeviance(_ y: Double, _ mu: Double) -> Double {
        switch family {
        case .negativeBinomial:
            // 2·[y·log(y/μ) − (y + θ)·log((y + θ)/(μ + θ))], written with log1p so that small
            // differences between y and μ keep their digits.
            let first = y > 0 ? y * Foundation.log(y / mu) : 0
            let second = (y + theta) * Foundation.log1p((y - mu) / (mu + theta))
            return Swift.max(0, 2 * (first - second))
        default:
            // 2·[y·log(y/μ) − (y − μ)].
            let first = y > 0 ? y * Foundation.log(y / mu) : 0
            return Swift.max(0, 2 * (first - (y - mu)))
        }
    }

    /// log f(y; μ) of one observation.
    func logDensity(_ y: Double, _ mu: Double) -> Double {
        switch family {
        case .negativeBinomial:
            CountDistributions.negativeBinomialLogPMF(y, mean: mu, size: theta)
        default:
            CountDistributions.poissonLogPMF(y, mean: mu)
        }
    }

    /// The starting means: R's `poisson()$initialize` (y + 0.1) and `negative.binomial()$initialize`
    /// (y + 1/6 where y = 0).
    func initialMean(_ y: Double) -> Double {
        family == .negativeBinomial ? y + (y == 0 ? 1.0 / 6 : 0) : y + 0.1
    }
}
