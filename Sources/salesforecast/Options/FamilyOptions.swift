import ArgumentParser
import Forecasting

/// The response's family: least squares (default) or a count model fitted by IRLS. An option group so
/// that other commands can take `--family` when they learn to plan with count models.
struct FamilyOptions: ParsableArguments {
    @Option(help: "The response's distribution: gaussian (least squares, the default), poisson or negbin (counts such as deals won: log link, IRLS; negbin estimates the overdispersion θ).")
    var family: ResponseFamily = .gaussian

    @Option(help: "With --family poisson|negbin: IRLS stops when the deviance changes by less than this, relative.")
    var glmTolerance: Double = 1e-14

    @Option(help: "With --family poisson|negbin: the most IRLS iterations (and β–θ alternations).")
    var glmMaxIterations: Int = 100

    func validate() throws {
        guard glmTolerance > 0, glmTolerance < 1 else { throw ValidationError("--glm-tolerance must be between 0 and 1, e.g. 1e-10") }
        guard (1...10_000).contains(glmMaxIterations) else { throw ValidationError("--glm-max-iterations must be between 1 and 10000") }
    }

    /// Whether a count family was asked for.
    var isCount: Bool { family.isCount }

    /// Sets the family and the IRLS control on fit options.
    func apply(to options: inout RegressionOptions) {
        options.family = family
        options.irls = IRLSControl(tolerance: glmTolerance, maximumIterations: glmMaxIterations)
    }
}

extension ResponseFamily: ExpressibleByArgument {}
