import Foundation

/// θ of the negative binomial by maximum likelihood, and the alternation with β that MASS's
/// `glm.nb` performs (Venables and Ripley, Modern Applied Statistics with S, §7.4).
enum NegativeBinomialTheta {
    /// The result of MASS's `theta.ml` at fixed means.
    struct Estimate {
        /// θ̂.
        var theta: Double
        /// 1/√I(θ) at the last Newton step (MASS's `attr(theta, "SE")`).
        var standardError: Double
        /// Newton steps taken.
        var iterations: Int
        /// Why the estimate is not an interior maximum, as MASS warns; `nil` when it is.
        var warning: ThetaWarning?
    }

    /// Why θ̂ is not an interior maximum.
    enum ThetaWarning: String, Sendable, Codable {
        /// Newton's method reached its step limit (θ → ∞ when the counts are not overdispersed).
        case iterationLimit = "iteration limit reached"
        /// θ̂ went below zero and was set to 0.
        case truncatedAtZero = "estimate truncated at zero"
    }

    /// MASS's `theta.ml(y, mu, n, weights, limit)`: Newton's method on the profile score in θ from the
    /// moment estimate n/Σ(y/μ − 1)². MASS stops when a step is below ε^¼ ≈ 1.2e-4; we stop below
    /// 1e-10·max(1, θ), so that (convergence being quadratic) θ̂ is exact to the last digits.
    static func maximumLikelihood(_ y: [Double], means mu: [Double], limit: Int) -> Estimate {
        let n = Double(y.count)
        var squares = CompensatedSum()
        for i in 0..<y.count { let r = y[i] / mu[i] - 1; squares.add(r * r) }
        var t0 = n / squares.value
        var iterations = 0, step = 1.0, information = Double.nan
        while iterations + 1 < Swift.max(2, limit), abs(step) > 1e-10 * Swift.max(1, abs(t0)) {
            iterations += 1
            t0 = abs(t0)
            information = self.information(t0, y, mu)
            step = score(t0, y, mu) / information
            t0 += step
        }
        var warning: ThetaWarning?
        if t0 < 0 { t0 = 0; warning = .truncatedAtZero }
        if iterations + 1 == Swift.max(2, limit), abs(step) > 1e-10 * Swift.max(1, abs(t0)) { warning = .iterationLimit }
        return Estimate(theta: t0, standardError: (1 / information).squareRoot(), iterations: iterations, warning: warning)
    }

    /// ∂ℓ/∂θ = Σ ψ(θ + y) − ψ(θ) + log θ + 1 − log(θ + μ) − (y + θ)/(μ + θ).
    static func score(_ theta: Double, _ y: [Double], _ mu: [Double]) -> Double {
        var sum = CompensatedSum()
        let psiTheta = SpecialFunctions.digamma(theta), logTheta = Foundation.log(theta)
        for i in 0..<y.count {
            sum.add(SpecialFunctions.digamma(theta + y[i]) - psiTheta + logTheta + 1 - Foundation.log(theta + mu[i])
                    - (y[i] + theta) / (mu[i] + theta))
        }
        return sum.value
    }

    /// −∂²ℓ/∂θ² = Σ −ψ′(θ + y) + ψ′(θ) − 1/θ + 2/(μ + θ) − (y + θ)/(μ + θ)².
    static func information(_ theta: Double, _ y: [Double], _ mu: [Double]) -> Double {
        var sum = CompensatedSum()
        let trigammaTheta = SpecialFunctions.trigamma(theta)
        for i in 0..<y.count {
            let s = mu[i] + theta
            sum.add(-SpecialFunctions.trigamma(theta + y[i]) + trigammaTheta - 1 / theta + 2 / s - (y[i] + theta) / (s * s))
        }
        return sum.value
    }

    /// The NB2 log-likelihood Σ log f(yᵢ; μᵢ, θ) (MASS's `loglik` inside `glm.nb`).
    static func logLikelihood(_ theta: Double, _ y: [Double], _ mu: [Double]) -> Double {
        var sum = CompensatedSum()
        for i in 0..<y.count { sum.add(CountDistributions.negativeBinomialLogPMF(y[i], mean: mu[i], size: theta)) }
        return sum.value
    }

    /// The result of `glm.nb`'s alternation.
    struct Alternation {
        /// The last IRLS fit (at the θ before the last θ update, as in `glm.nb`).
        var fit: IRLSFit
        /// The final θ̂ and its standard error.
        var theta: Estimate
        /// The θ the last IRLS fit used (its family, for the null deviance).
        var fittedTheta: Double
        /// β–θ alternations made.
        var alternations: Int
        /// Whether the alternation converged within the limit.
        var converged: Bool
        /// The log-likelihood at (μ̂, θ̂).
        var logLikelihood: Double
        /// IRLS iterations summed over every fit.
        var totalIterations: Int
    }

    /// `glm.nb`: a Poisson fit, θ from its means, then IRLS for β at θ and θ at the means in turn until
    /// |Δℓ|/√(2·max(1, df)) + |Δθ|/max(1, θ) < tolerance (MASS divides Δθ by 1; the relative form lets a
    /// large θ converge to its own precision), or until the criterion stalls at rounding level
    /// (see ``ConvergenceMonitor``).
    static func fit(design: Matrix, response y: [Double], offset: [Double]?, control: IRLSControl) throws -> Alternation {
        var fit = try IRLSFit.fit(design: design, response: y, offset: offset, family: CountFamily(family: .poisson, theta: .nan),
                                  control: control)
        var total = fit.iterations
        var mu = fit.means
        var theta = maximumLikelihood(y, means: mu, limit: control.maximumIterations)
        let d1 = (2 * Swift.max(1, Double(design.rows - design.columns))).squareRoot()
        var change = 1.0
        var logLik = logLikelihood(theta.theta, y, mu)
        var previousLogLik = logLik + 2 * d1
        var alternations = 0
        var fittedTheta = theta.theta
        var monitor = ConvergenceMonitor(tolerance: control.tolerance)
        while alternations < control.maximumIterations,
              !monitor.isDone(abs(previousLogLik - logLik) / d1 + abs(change) / Swift.max(1, theta.theta)) {
            alternations += 1
            guard theta.theta > 0, theta.theta.isFinite else { break }
            fittedTheta = theta.theta
            fit = try IRLSFit.fit(design: design, response: y, offset: offset, family: CountFamily(family: .negativeBinomial, theta: fittedTheta),
                                  startingPredictor: mu.map { Foundation.log($0) }, control: control)
            total += fit.iterations
            let previous = theta.theta
            // As glm.nb: θ from the means before this fit, then the means updated.
            theta = maximumLikelihood(y, means: mu, limit: control.maximumIterations)
            mu = fit.means
            change = previous - theta.theta
            previousLogLik = logLik
            logLik = logLikelihood(theta.theta, y, mu)
        }
        // θ → ∞ (no overdispersion) or ≤ 0: MASS fails or warns here; say what it means instead.
        guard theta.theta > 0, theta.theta.isFinite, fittedTheta > 0, fittedTheta.isFinite else {
            throw GeneralizedModelError.thetaNotEstimable
        }
        let converged = monitor.isDone(abs(previousLogLik - logLik) / d1 + abs(change) / Swift.max(1, theta.theta))
        return Alternation(fit: fit, theta: theta, fittedTheta: fittedTheta, alternations: alternations, converged: converged,
                           logLikelihood: logLik, totalIterations: total)
    }
}
