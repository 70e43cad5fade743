/// A count model that cannot be fitted or used as asked.
public enum GeneralizedModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The response of a Poisson or negative binomial fit is not a whole number ≥ 0 on a row.
    case invalidCount(family: ResponseFamily, response: String, value: Double, source: String, line: Int)
    /// The first IRLS step gave means that are not finite and positive, with nothing to step back to.
    case noValidStart
    /// Halving the step did not bring the deviance back to a finite value.
    case stepCannotBeCorrected
    /// The negative binomial's θ has no finite maximum: the counts vary no more than a Poisson's.
    case thetaNotEstimable
    /// A feature that does not work with a count family (yet).
    case notAvailable(feature: String, family: ResponseFamily, reason: String)
    /// An offset in a Gaussian fit.
    case offsetNeedsCountFamily(String)
    /// A model fitted with a count family given to a command or API that works with linear models only.
    case countModelNotSupported(use: String)
    /// A linear model given to an API for count models.
    case notACountModel(use: String)

    public var description: String {
        switch self {
        case let .invalidCount(family, response, value, source, line):
            "\(source), line \(line): the response '\(response)' is \(Self.number(value)), but a \(family.displayName) model needs whole counts ≥ 0"
        case .noValidStart:
            "IRLS found no valid starting point: the first step's means are not finite and positive (very large counts or activities?)"
        case .stepCannotBeCorrected:
            "IRLS diverged: halving the step did not bring the deviance back to a finite value"
        case .thetaNotEstimable:
            "the negative binomial's θ could not be estimated (it runs to infinity or below zero): the counts vary no more than a Poisson's; fit --family poisson"
        case let .notAvailable(feature, family, reason):
            "\(feature) with --family \(family.rawValue): \(reason)"
        case let .offsetNeedsCountFamily(term):
            "'\(term)': offsets are supported with --family poisson or negbin; for a Gaussian fit subtract it from the response instead, e.g. I(y - x)"
        case let .notACountModel(use):
            "\(use) needs a count model (fitted with --family poisson or negbin); this is a linear model"
        case let .countModelNotSupported(use):
            "\(use): only linear (Gaussian) models so far; this model was fitted with a count family (--family poisson or negbin)"
        }
    }

    private static func number(_ value: Double) -> String {
        value.isNaN ? "not a number" : "\(value)"
    }
}

extension GeneralizedModelError: ForecastingError {}
