import Foundation

/// A distribution on the counts 0, 1, 2, …: probabilities, both tails and integer quantiles.
public protocol CountDistribution: Sendable {
    /// The mean.
    var mean: Double { get }
    /// The variance.
    var variance: Double { get }
    /// P(Y = k).
    func probability(_ k: Int) -> Double
    /// P(Y ≤ k), accurate in the lower tail.
    func cdf(_ k: Int) -> Double
    /// P(Y > k), accurate in the upper tail (not 1 − ``cdf(_:)``).
    func survival(_ k: Int) -> Double
}

extension CountDistribution {
    /// P(Y ≥ q): the chance of reaching `q`, e.g. a quota of deals.
    public func probability(atLeast q: Int) -> Double {
        q <= 0 ? 1 : survival(q - 1)
    }

    /// The smallest count k with P(Y ≤ k) ≥ p (R's `qpois`, `qnbinom`), for 0 < p < 1. Upper quantiles
    /// are found from the survival function, so they keep their accuracy in the far tail.
    public func quantile(_ p: Double) -> Int {
        guard p > 0 else { return 0 }
        guard p < 1 else { return Int.max }
        let upper = p > 0.5
        // P(Y ≤ k) ≥ p, asked on the side that does not cancel.
        func reached(_ k: Int) -> Bool { upper ? survival(k) <= 1 - p : cdf(k) >= p }
        if reached(0) { return 0 }
        // A normal guess, then a doubling bracket and a bisection on whole numbers.
        let sd = variance.squareRoot()
        let z = NormalDistribution.standard.quantile(p)
        let guess = (mean + z * sd).rounded(.up)
        var high = guess.isFinite ? Int(Swift.min(1e15, Swift.max(1, guess))) : 1
        var low = 0
        while !reached(high) {
            low = high
            guard high < Int(1e15) else { return high }
            high = Swift.min(Int(1e15), high * 2)
        }
        // reached(high) holds; find the first k in (low, high] where it does.
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if reached(middle) { high = middle } else { low = middle }
        }
        return high
    }
}

/// The Poisson distribution with mean λ.
public struct PoissonDistribution: CountDistribution {
    /// λ.
    public let mean: Double

    /// A Poisson distribution with mean `mean` (≥ 0).
    public init(mean: Double) { self.mean = mean }

    /// λ.
    public var variance: Double { mean }

    /// P(Y = k) = λᵏe^(−λ)/k!, from the same power term as the incomplete gamma function.
    public func probability(_ k: Int) -> Double {
        guard k >= 0 else { return 0 }
        if mean == 0 { return k == 0 ? 1 : 0 }
        // λᵏe^(−λ)/k! = [λᵏe^(−λ)/Γ(k)]/k, the incomplete gamma's power term, accurate far in the tails.
        return k == 0 ? Foundation.exp(-mean) : SpecialFunctions.gammaPowerTerm(Double(k), mean) / Double(k)
    }

    /// P(Y ≤ k) = Q(k + 1, λ), the regularized upper incomplete gamma function.
    public func cdf(_ k: Int) -> Double {
        guard k >= 0 else { return 0 }
        if mean == 0 { return 1 }
        return SpecialFunctions.incompleteGamma(Double(k) + 1, mean).q
    }

    /// P(Y > k) = P(k + 1, λ), the regularized lower incomplete gamma function.
    public func survival(_ k: Int) -> Double {
        guard k >= 0 else { return 1 }
        if mean == 0 { return 0 }
        return SpecialFunctions.incompleteGamma(Double(k) + 1, mean).p
    }
}

/// The negative binomial distribution NB2 with mean μ and size θ: variance μ + μ²/θ (R's
/// `dnbinom(size = θ, mu = μ)`), a Poisson whose rate varies as a gamma with shape θ.
public struct NegativeBinomialDistribution: CountDistribution {
    /// μ.
    public let mean: Double
    /// θ, the size (shape); large θ approaches the Poisson.
    public let size: Double

    /// A negative binomial with mean `mean` (≥ 0) and size `size` (> 0).
    public init(mean: Double, size: Double) {
        self.mean = mean
        self.size = size
    }

    /// μ + μ²/θ.
    public var variance: Double { mean + mean * mean / size }

    /// P(Y = k) = Γ(k + θ)/(Γ(θ)k!)·pᶿ(1 − p)ᵏ with p = θ/(θ + μ).
    public func probability(_ k: Int) -> Double {
        guard k >= 0 else { return 0 }
        if mean == 0 { return k == 0 ? 1 : 0 }
        return Foundation.exp(CountDistributions.negativeBinomialLogPMF(Double(k), mean: mean, size: size))
    }

    /// P(Y ≤ k) = I_p(θ, k + 1), the regularized incomplete beta function at p = θ/(θ + μ).
    public func cdf(_ k: Int) -> Double {
        guard k >= 0 else { return 0 }
        if mean == 0 { return 1 }
        return SpecialFunctions.incompleteBeta(size, Double(k) + 1, point).p
    }

    /// P(Y > k) = I_{1−p}(k + 1, θ), computed directly.
    public func survival(_ k: Int) -> Double {
        guard k >= 0 else { return 1 }
        if mean == 0 { return 0 }
        return SpecialFunctions.incompleteBeta(size, Double(k) + 1, point).q
    }

    /// p = θ/(θ + μ) given by its odds θ/μ, so 1 − p is never formed by subtraction.
    private var point: SpecialFunctions.BetaPoint {
        SpecialFunctions.BetaPoint(odds: ExtendedDouble.quotient(size, mean), inverseOdds: ExtendedDouble.quotient(mean, size))
    }
}

/// Log-probabilities of one count, shared by the likelihoods and the distributions.
enum CountDistributions {
    /// log P(Y = y) for a Poisson with mean μ: y·log μ − μ − log Γ(y + 1) (R's `dpois(log = TRUE)`;
    /// the direct sum loses at most a few units of 1e-16 of the terms, well inside a likelihood's needs).
    static func poissonLogPMF(_ y: Double, mean mu: Double) -> Double {
        if y == 0 { return -mu }
        if mu == 0 { return -.infinity }
        return y * Foundation.log(mu) - mu - SpecialFunctions.logGamma(y + 1)
    }

    /// log P(Y = y) for NB2 with mean μ and size θ (MASS's `glm.nb` log-likelihood term):
    /// log Γ(θ + y) − log Γ(θ) − log Γ(y + 1) + θ·log(θ/(θ + μ)) + y·log(μ/(θ + μ)).
    static func negativeBinomialLogPMF(_ y: Double, mean mu: Double, size theta: Double) -> Double {
        let logRatio = SpecialFunctions.logGamma(theta + y) - SpecialFunctions.logGamma(theta) - SpecialFunctions.logGamma(y + 1)
        let zeroPart = -theta * Foundation.log1p(mu / theta)
        if y == 0 { return zeroPart }
        return logRatio + zeroPart + y * Foundation.log(mu / (theta + mu))
    }
}
