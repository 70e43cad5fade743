import Foundation

/// The count-model part of the model file (`"glm"`, format version 3): what prediction and the
/// reports need of a ``GeneralizedLinearFit`` without the rows.
struct GeneralizedModelFile: Codable, Sendable, Equatable {
    var family: ResponseFamily
    var link: LinkFunction
    var theta: Double?
    var thetaStandardError: Double?
    var thetaWarning: String?
    var deviance: Double
    var nullDeviance: Double
    var dfNull: Double
    var logLikelihood: Double
    var iterations: Int
    var alternations: Int
    var converged: Bool
    var boundary: Bool
    var tolerance: Double
    var maximumIterations: Int

    enum CodingKeys: String, CodingKey {
        case family, link, theta, deviance, iterations, alternations, converged, boundary, tolerance
        case thetaStandardError = "theta_std_error", thetaWarning = "theta_warning", nullDeviance = "null_deviance"
        case dfNull = "df_null", logLikelihood = "log_likelihood", maximumIterations = "maximum_iterations"
    }

    init(_ fit: GeneralizedLinearFit) {
        family = fit.family
        link = fit.link
        theta = fit.theta
        thetaStandardError = fit.thetaStandardError
        thetaWarning = fit.thetaWarning
        deviance = fit.deviance
        nullDeviance = fit.nullDeviance
        dfNull = fit.nullDegreesOfFreedom
        logLikelihood = fit.logLikelihood
        iterations = fit.iterations
        alternations = fit.alternations
        converged = fit.converged
        boundary = fit.boundary
        tolerance = fit.control.tolerance
        maximumIterations = fit.control.maximumIterations
    }

    /// The part as a JSON object (full-precision numbers, stable key order).
    var jsonValue: JSONValue {
        .object([
            ("family", .string(family.rawValue)), ("link", .string(link.rawValue)), ("theta", .finite(theta)),
            ("theta_std_error", .finite(thetaStandardError)), ("theta_warning", thetaWarning.map { .string($0) } ?? .null),
            ("deviance", .finite(deviance)), ("null_deviance", .finite(nullDeviance)), ("df_null", .finite(dfNull)),
            ("log_likelihood", .finite(logLikelihood)), ("iterations", .integer(iterations)), ("alternations", .integer(alternations)),
            ("converged", .bool(converged)), ("boundary", .bool(boundary)), ("tolerance", .number(tolerance)),
            ("maximum_iterations", .integer(maximumIterations)),
        ])
    }

    /// The fit without its rows, checked.
    func fit(path: String) throws(ModelFileError) -> GeneralizedLinearFit {
        guard family.isCount, link == .log else { throw .invalid(path: path, reason: "'glm' must be a poisson or negbin family with a log link") }
        if family == .negativeBinomial {
            guard let theta, theta > 0, theta.isFinite else { throw .invalid(path: path, reason: "a negative binomial model needs a finite θ > 0") }
        }
        return GeneralizedLinearFit(
            family: family, link: link, theta: family == .negativeBinomial ? theta : nil, thetaStandardError: thetaStandardError,
            thetaWarning: thetaWarning, deviance: deviance, nullDeviance: nullDeviance, nullDegreesOfFreedom: dfNull,
            logLikelihood: logLikelihood, iterations: iterations, alternations: alternations, converged: converged, boundary: boundary,
            control: IRLSControl(tolerance: tolerance, maximumIterations: maximumIterations), counts: [], means: [], offsets: [])
    }
}
