import Foundation

/// How tightly iteratively reweighted least squares and the θ alternation converge.
public struct IRLSControl: Sendable, Equatable {
    /// Convergence when |D − D_old| / (|D| + 0.1) < `tolerance` for the deviance D (R's
    /// `glm.control(epsilon)`; R's default is 1e-8, ours 1e-14 so that estimates keep their digits).
    public var tolerance: Double
    /// The most IRLS iterations per fit, and the most β–θ alternations for the negative binomial
    /// (R's `glm.control(maxit)`).
    public var maximumIterations: Int

    /// Creates the control; the defaults converge to the last digits the data support.
    public init(tolerance: Double = 1e-14, maximumIterations: Int = 100) {
        self.tolerance = tolerance
        self.maximumIterations = maximumIterations
    }
}

/// One fit by iteratively reweighted least squares at a fixed family: R's `glm.fit`, step for step,
/// with each weighted least-squares step solved by the same refined Householder QR as linear fits.
struct IRLSFit {
    /// β̂.
    var coefficients: [Double]
    /// η = Xβ̂ + offset at β̂.
    var linearPredictor: [Double]
    /// μ̂ = exp(η).
    var means: [Double]
    /// The working weights of the last least-squares step, wᵢ = μ′(ηᵢ)²/V(μᵢ) at the iterate before β̂
    /// (R's `weights(fit, "working")`), with its factorization of √W·X.
    var workingWeights: [Double]
    var factorization: LeastSquaresFactorization
    /// Σ dᵢ at β̂.
    var deviance: Double
    /// Iterations taken (R's `iter`).
    var iterations: Int
    /// Whether the deviance criterion was met within the iteration limit (or stalled at rounding level).
    var converged: Bool
    /// Whether a step had to be halved because the deviance was not finite (R's `boundary`).
    var boundary: Bool
    /// Refinement steps of the last least-squares solve.
    var refinementSteps: Int

    /// Working residuals (yᵢ − μᵢ)/μ′(ηᵢ) at β̂ (R's `residuals(fit, "working")`).
    func workingResiduals(_ y: [Double], link: LinkFunction) -> [Double] {
        (0..<y.count).map { (y[$0] - means[$0]) / link.derivative(linearPredictor[$0]) }
    }

    /// Fits y on the n×p `design` (column-major) with `offset`, starting from `startingPredictor`
    /// (η) or, without one, from the family's starting means. Each step solves
    /// min ‖√W(z − Xβ)‖ with z = η − offset + (y − μ)/μ′(η) and W = μ′(η)²/V(μ).
    ///
    /// - Throws: ``GeneralizedModelError/noValidStart`` when the first step already gives a
    ///   non-finite deviance, and ``RegressionError/numerical(_:)`` when LAPACK fails.
    static func fit(design: Matrix, response y: [Double], offset: [Double]?, family: CountFamily,
                    startingPredictor: [Double]? = nil, control: IRLSControl) throws -> IRLSFit {
        let n = design.rows, p = design.columns
        let link = family.link
        var eta = startingPredictor ?? y.map { link.linear(family.initialMean($0)) }
        var mu = eta.map(link.mean)
        var devianceOld = deviance(y, mu, family)
        var coefficientsOld: [Double]?
        var boundary = false
        var a = [Double](repeating: 0, count: n * p), b = [Double](repeating: 0, count: n)
        var weights = [Double](repeating: 0, count: n)
        var last: IRLSFit?
        var monitor = ConvergenceMonitor(tolerance: control.tolerance)
        for iteration in 1...Swift.max(1, control.maximumIterations) {
            // The working response and weights at the current iterate.
            for i in 0..<n {
                let d = link.derivative(eta[i])
                let z = (eta[i] - (offset?[i] ?? 0)) + (y[i] - mu[i]) / d
                let w = d * d / family.variance(mu[i])
                weights[i] = w
                let root = w.squareRoot()
                b[i] = z * root
                for j in 0..<p { a[i + j * n] = design.values[i + j * n] * root }
            }
            let factorization: LeastSquaresFactorization
            let solution: (coefficients: [Double], residuals: [Double], refinementSteps: Int)
            do {
                factorization = try LeastSquaresFactorization(design: a, rows: n, columns: p)
                solution = try factorization.solve(b)
            } catch {
                throw RegressionError.numerical(error)
            }
            var beta = solution.coefficients
            (eta, mu) = predictor(design, beta, offset, link)
            var dev = deviance(y, mu, family)
            if !dev.isFinite || !mu.allSatisfy({ $0 > 0 && $0.isFinite }) {
                // R's step halving toward the previous estimates.
                guard let old = coefficientsOld else { throw GeneralizedModelError.noValidStart }
                var halvings = 0
                while !dev.isFinite || !mu.allSatisfy({ $0 > 0 && $0.isFinite }) {
                    halvings += 1
                    guard halvings <= control.maximumIterations else { throw GeneralizedModelError.stepCannotBeCorrected }
                    beta = zip(beta, old).map { ($0 + $1) / 2 }
                    (eta, mu) = predictor(design, beta, offset, link)
                    dev = deviance(y, mu, family)
                }
                boundary = true
            }
            let fit = IRLSFit(coefficients: beta, linearPredictor: eta, means: mu, workingWeights: weights,
                              factorization: factorization, deviance: dev, iterations: iteration, converged: false,
                              boundary: boundary, refinementSteps: solution.refinementSteps)
            if monitor.isDone(abs(dev - devianceOld) / (abs(dev) + 0.1)) {
                var converged = fit
                converged.converged = true
                return converged
            }
            devianceOld = dev
            coefficientsOld = beta
            last = fit
        }
        // The iteration limit: the last iterate, marked as not converged.
        guard let last else { throw GeneralizedModelError.noValidStart }
        return last
    }

    /// η = Xβ + offset and μ = g⁻¹(η).
    static func predictor(_ design: Matrix, _ beta: [Double], _ offset: [Double]?, _ link: LinkFunction) -> ([Double], [Double]) {
        let n = design.rows, p = design.columns
        var eta = offset ?? [Double](repeating: 0, count: n)
        design.values.withUnsafeBufferPointer { x in
            for j in 0..<p where beta[j] != 0 {
                let bj = beta[j]
                for i in 0..<n { eta[i] += x[i + j * n] * bj }
            }
        }
        return (eta, eta.map(link.mean))
    }

    /// Σ dᵢ, summed with compensation so the convergence test sees changes far below the deviance's size.
    static func deviance(_ y: [Double], _ mu: [Double], _ family: CountFamily) -> Double {
        var sum = CompensatedSum()
        for i in 0..<y.count { sum.add(family.unitDeviance(y[i], mu[i])) }
        return sum.value
    }
}

/// Decides convergence from a sequence of relative changes: done when a change is below the tolerance
/// (R's rule), or when changes below 1e-9 stop shrinking for three steps in a row. The second case is
/// the floor set by rounding: with thousands of rows the deviance and θ move by 1e-13 from one iteration
/// to the next however exact the arithmetic, so a tolerance of 1e-14 could never be met although the
/// estimates stopped changing (IRLS converges quadratically and the θ alternation linearly, so real
/// progress always shrinks the change).
struct ConvergenceMonitor {
    let tolerance: Double
    private var smallest = Double.infinity
    private var stalled = 0

    init(tolerance: Double) { self.tolerance = tolerance }

    /// Records a change; true when converged.
    mutating func isDone(_ change: Double) -> Bool {
        if change < tolerance { return true }
        if change < 1e-9, change >= smallest { stalled += 1 } else { stalled = 0 }
        smallest = Swift.min(smallest, change)
        return stalled >= 3
    }
}
