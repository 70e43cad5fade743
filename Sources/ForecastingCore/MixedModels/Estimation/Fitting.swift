import Foundation

/// Settings for ``LinearMixedModel/fit(options:)``.
public struct MixedModelFitOptions: Sendable {
    /// Where the optimizer starts; nil (default) for lme4's start, identity factors.
    public var startingTheta: [Double]?
    /// A cap on criterion evaluations (default 100 000).
    public var maxEvaluations: Int
    /// Whether to compute lmerTest's Satterthwaite ingredients (default true; about 8·#θ²
    /// extra evaluations).
    public var computeSatterthwaite: Bool

    /// Creates options.
    /// - Parameters:
    ///   - startingTheta: The starting θ in lme4's order, or nil for identity factors.
    ///   - maxEvaluations: The evaluation budget, > 0.
    ///   - computeSatterthwaite: Whether to prepare Satterthwaite degrees of freedom.
    public init(startingTheta: [Double]? = nil, maxEvaluations: Int = 100_000, computeSatterthwaite: Bool = true) {
        self.startingTheta = startingTheta
        self.maxEvaluations = maxEvaluations
        self.computeSatterthwaite = computeSatterthwaite
    }
}

extension LinearMixedModel {
    /// Fits the model: minimizes the profiled criterion over θ (Bates et al. 2015, §3.6) and
    /// computes every derived quantity at θ̂.
    ///
    /// The optimizer is a trust-region Newton method on θ scaled to the data (see
    /// `TrustRegionMinimizer`), converged to a relative change of the criterion below 1e-14.
    /// Afterwards each column of each Λ_k is set to zero in turn; if that lowers the criterion
    /// the optimizer restarts from there (so a boundary optimum is never missed), and diagonal
    /// entries that are negligible on their scale are set exactly to 0 when that does not raise
    /// the criterion (as lme4 reports a boundary fit).
    ///
    /// - Parameter options: Start, budget and whether to prepare Satterthwaite df.
    /// - Returns: The fit.
    /// - Throws: ``MixedModelError/optimizationFailed(_:)`` if no finite criterion was found,
    ///   ``MixedModelError/invalidTheta(expected:actual:)`` for a bad starting θ.
    public func fit(options: MixedModelFitOptions = MixedModelFitOptions()) throws(MixedModelError) -> LinearMixedModelFit {
        let k = thetaCount
        let scales = thetaScales
        var evaluations = 0
        let objective: ([Double]) -> Double = { x in
            evaluations += 1
            return (try? self.criterion(theta: zip(x, scales).map(*))) ?? .infinity
        }
        let start = options.startingTheta ?? initialTheta
        guard start.count == k else { throw .invalidTheta(expected: k, actual: start.count) }
        var minimizer = TrustRegionMinimizer()
        minimizer.settings.maxEvaluations = options.maxEvaluations
        var outcome = minimizer.minimize(from: zip(start, scales).map(/), objective)
        guard outcome.value.isFinite else {
            throw .optimizationFailed("the criterion is not finite at the starting value")
        }
        var theta = structure.canonicalized(zip(outcome.x, scales).map(*))
        var value = outcome.value
        var iterations = outcome.iterations
        var converged = outcome.converged

        // Boundary probes: remove one column of one Λ_k (a direction of that term's covariance);
        // if the criterion drops, the optimum lies on that boundary: restart from there.
        var restarts = 0
        probing: while restarts < max(1, k) {
            for candidate in columnRemovals(of: theta) {
                let probe = objective(zip(candidate, scales).map(/))
                guard probe < value - 1e-10 * max(1, abs(value)) else { continue }
                restarts += 1
                let again = minimizer.minimize(from: zip(candidate, scales).map(/), objective)
                iterations += again.iterations
                if again.value < value {
                    outcome = again
                    theta = structure.canonicalized(zip(again.x, scales).map(*))
                    value = again.value
                    converged = again.converged
                    continue probing
                }
            }
            break
        }
        // Exact zeros: a diagonal entry negligible on its scale is set to 0 if that does not raise
        // the criterion beyond round-off.
        for (index, bound) in structure.thetaLowerBounds.enumerated()
        where bound == 0 && theta[index] != 0 && theta[index] <= 1e-5 * scales[index] {
            var candidate = theta
            candidate[index] = 0
            let probe = objective(zip(candidate, scales).map(/))
            if probe <= value + 1e-14 * max(1, abs(value)) {
                theta = candidate
                value = min(value, probe)
            }
        }
        return try LinearMixedModelFit(
            model: self, theta: theta, evaluations: evaluations, iterations: iterations,
            converged: converged, computeSatterthwaite: options.computeSatterthwaite)
    }

    /// θ with one column of one Λ_k set to zero, for each column of each term.
    private func columnRemovals(of theta: [Double]) -> [[Double]] {
        var result: [[Double]] = []
        for k in 0..<structure.order.count {
            let positions = structure.term(atPosition: k).thetaPositions
            for column in 0..<structure.term(atPosition: k).columnCount {
                var candidate = theta
                var changed = false
                for (index, position) in positions.enumerated() where position.column == column {
                    changed = changed || candidate[structure.thetaOffsets[k] + index] != 0
                    candidate[structure.thetaOffsets[k] + index] = 0
                }
                if changed { result.append(candidate) }
            }
        }
        return result
    }
}
