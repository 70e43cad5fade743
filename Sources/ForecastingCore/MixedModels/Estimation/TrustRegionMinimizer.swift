import Foundation

/// A trust-region Newton minimizer with finite-difference derivatives, for the small, smooth,
/// unconstrained problems of θ (usually 1–10 variables).
///
/// lme4 minimizes over θ with the diagonal of each Λ_k bounded below by 0 (Bates et al. 2015,
/// §3.6). The criterion depends on θ only through ΛΛᵀ, which is unchanged when a column of Λ_k
/// changes sign, so the bounded problem is the unconstrained one up to that symmetry: we minimize
/// without bounds and flip columns afterwards (``ModelStructure/canonicalized(_:)``). A
/// boundary optimum (a variance of 0) is then an ordinary stationary point, reached by Newton's
/// method at its usual quadratic rate.
///
/// Each iteration takes central-difference derivatives (2k² evaluations), solves the trust-region
/// subproblem exactly through an eigen-decomposition of the Hessian (Moré & Sorensen 1983,
/// including the "hard case" so that saddle points are left along negative curvature), and
/// accepts the step when the actual reduction is a fair fraction of the predicted one. The last
/// iterations use Richardson-extrapolated derivatives so that the optimum is located to about
/// 1e-9 in θ.
struct TrustRegionMinimizer {
    /// Limits and tolerances.
    struct Settings {
        var maxIterations = 200
        var maxEvaluations = 100_000
        /// Convergence: relative criterion decrease per iteration below this…
        var relativeTolerance = 1e-14
        /// …and a step (in scaled coordinates) below this.
        var stepTolerance = 1e-9
    }

    /// Outcome of a minimization.
    struct Outcome {
        var x: [Double]
        var value: Double
        var iterations: Int
        var converged: Bool
    }

    var settings = Settings()
    private(set) var evaluations = 0

    /// Minimizes `objective` (which returns +∞ where it cannot be evaluated) from `start`.
    ///
    /// Two phases: *coarse* (plain central differences, step 1e-4 on the scaled coordinates,
    /// steps accepted when the actual reduction is at least 10% of the predicted one) until the
    /// quadratic model predicts no decrease beyond round-off; then *polish* (Richardson-extrapolated
    /// derivatives, steps accepted unless they raise the criterion beyond round-off), until the
    /// predicted decrease is below round-off and the step below `stepTolerance`.
    mutating func minimize(from start: [Double], _ objective: ([Double]) -> Double) -> Outcome {
        let k = start.count
        var x = start
        var value = objective(x); evaluations += 1
        guard k > 0, value.isFinite else { return Outcome(x: x, value: value, iterations: 0, converged: value.isFinite) }
        var radius = 1.0
        var polishing = false
        var polishHessian: [Double]? = nil
        var quietPolishes = 0
        // Coarse phase: the Hessian is updated by BFGS from the gradients (2k evaluations an iteration)
        // and recomputed by differences (2k²) only at the start, after a rejected or poorly predicted
        // step, or when the update would lose positive definiteness.
        var coarseHessian: [Double]? = nil
        var previous: (gradient: [Double], step: [Double])? = nil
        for iteration in 1...settings.maxIterations {
            if evaluations > settings.maxEvaluations {
                return Outcome(x: x, value: value, iterations: iteration, converged: false)
            }
            let steps = x.map { (polishing ? 1e-3 : 1e-4) * max(1, abs($0)) }
            var count = 0
            // While polishing, the Hessian of the first polishing step is kept: Newton's method
            // with a nearly exact, fixed Hessian still converges in one or two steps from there,
            // and the gradient alone costs 2k evaluations per level instead of 2k².
            let reuse = polishing ? polishHessian : coarseHessian
            let derivatives = NumericalDerivatives.evaluate(
                at: x, steps: steps, levels: polishing ? 3 : 1, secondDerivatives: reuse == nil
            ) { (point: [Double]) -> [Double] in
                count += 1
                return [objective(point)]
            }
            evaluations += count
            let gradient = derivatives.jacobian
            var hessian = reuse ?? derivatives.hessian
            if !polishing, reuse != nil, let previous {
                // BFGS: H + yyᵀ/(yᵀs) − Hs(Hs)ᵀ/(sᵀHs), with s the last step and y the change of gradient.
                let y = zip(gradient, previous.gradient).map { $0 - $1 }, s = previous.step
                let hs = (0..<k).map { i in (0..<k).reduce(0.0) { $0 + hessian[i + $1 * k] * s[$1] } }
                let ys = zip(y, s).reduce(0.0) { $0 + $1.0 * $1.1 }, shs = zip(s, hs).reduce(0.0) { $0 + $1.0 * $1.1 }
                if ys > 1e-12 * max(1e-300, shs), shs > 0 {
                    for j in 0..<k { for i in 0..<k { hessian[i + j * k] += y[i] * y[j] / ys - hs[i] * hs[j] / shs } }
                } else {
                    count = 0
                    hessian = NumericalDerivatives.evaluate(at: x, steps: steps, levels: 1, secondDerivatives: true) { (point: [Double]) -> [Double] in
                        count += 1
                        return [objective(point)]
                    }.hessian
                    evaluations += count
                }
            }
            if !polishing { coarseHessian = hessian }
            if polishing && polishHessian == nil { polishHessian = hessian }
            guard gradient.allSatisfy(\.isFinite), hessian.allSatisfy(\.isFinite),
                  let step = Self.trustRegionStep(gradient: gradient, hessian: hessian, radius: radius)
            else {
                // A neighbour could not be evaluated: shrink the region and retry.
                radius *= 0.25
                if radius < 1e-12 { return Outcome(x: x, value: value, iterations: iteration, converged: false) }
                continue
            }
            let stepLength = step.step.map(abs).max() ?? 0
            let trial = zip(x, step.step).map { $0 + $1 }
            let trialValue = objective(trial); evaluations += 1
            let actual = value - trialValue
            let noise = settings.relativeTolerance * max(1, abs(value))
            let ratio = step.predictedReduction > 0 ? actual / step.predictedReduction : 0
            let accepted = trialValue.isFinite
                && (polishing ? actual >= -noise : (ratio > 0.1 || (step.predictedReduction <= noise && actual >= 0)))
            if accepted {
                x = trial
                value = trialValue
            }
            if !polishing {
                // Keep the updated Hessian only while its model predicts well.
                if accepted && ratio > 0.25 { previous = (gradient, step.step) } else { coarseHessian = nil; previous = nil }
            }
            if ratio < 0.25 && step.predictedReduction > noise {
                radius = 0.25 * max(stepLength, 1e-3 * radius)
            } else if ratio > 0.75 && stepLength > 0.99 * radius {
                radius = min(4 * radius, 1e4)
            }
            guard step.predictedReduction <= noise else {
                quietPolishes = 0
                continue
            }
            if !polishing {
                polishing = true
                radius = max(radius, 1e-2)
                continue
            }
            quietPolishes += 1
            let scale = max(1, x.map(abs).max() ?? 1)
            if (accepted && stepLength <= settings.stepTolerance * scale) || quietPolishes >= 3 {
                return Outcome(x: x, value: value, iterations: iteration, converged: true)
            }
        }
        return Outcome(x: x, value: value, iterations: settings.maxIterations, converged: false)
    }

    /// The minimizer of gᵀd + ½dᵀHd over ‖d‖ ≤ radius (Moré & Sorensen), via H = VΛVᵀ.
    static func trustRegionStep(gradient g: [Double], hessian h: [Double], radius: Double)
        -> (step: [Double], predictedReduction: Double)?
    {
        let k = g.count
        guard let (values, vectors) = try? LAPACK.symmetricEigen(h, order: k) else { return nil }
        let gt = (0..<k).map { i in (0..<k).reduce(0.0) { $0 + vectors[$1 + i * k] * g[$1] } }
        let scale = max(1e-300, values.map(abs).max() ?? 1)
        func coefficients(_ mu: Double) -> [Double] {
            (0..<k).map { i in
                let denominator = values[i] + mu
                if gt[i] == 0 { return 0 }
                return denominator > 1e-14 * scale ? -gt[i] / denominator : (gt[i] > 0 ? -1e300 : 1e300)
            }
        }
        func norm(_ c: [Double]) -> Double { c.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        let minimum = values.min() ?? 0
        var c: [Double]
        if minimum > 1e-12 * scale, norm(coefficients(0)) <= radius {
            c = coefficients(0)
        } else {
            var low = max(0, -minimum) + 1e-12 * scale
            if norm(coefficients(low)) <= radius {
                // Hard case: the gradient has no component along the lowest eigenvector(s);
                // move along it to the boundary.
                c = coefficients(low)
                let rest = radius * radius - c.reduce(0) { $0 + $1 * $1 }
                if let lowest = values.indices.min(by: { values[$0] < values[$1] }), minimum < 0 {
                    c[lowest] += max(0, rest).squareRoot()
                }
            } else {
                var high = low + norm(gt) / radius + scale
                while norm(coefficients(high)) > radius { high *= 2 }
                for _ in 0..<200 {
                    let mid = 0.5 * (low + high)
                    if norm(coefficients(mid)) > radius { low = mid } else { high = mid }
                    if high - low <= 1e-14 * high { break }
                }
                c = coefficients(high)
            }
        }
        var step = [Double](repeating: 0, count: k)
        for i in 0..<k where c[i] != 0 {
            for r in 0..<k { step[r] += vectors[r + i * k] * c[i] }
        }
        // Predicted reduction −(gᵀd + ½dᵀHd) = −Σ (g̃ᵢcᵢ + ½λᵢcᵢ²).
        var modelChange = 0.0
        for i in 0..<k { modelChange += gt[i] * c[i] + 0.5 * values[i] * c[i] * c[i] }
        let predicted = -modelChange
        return (step, predicted)
    }
}
