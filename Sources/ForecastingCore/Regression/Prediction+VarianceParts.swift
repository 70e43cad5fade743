/// Where a total's predictive variance comes from, as far as the model itself knows it.
package struct PredictionVarianceParts: Sendable, Equatable {
    /// The estimates' uncertainty: cᵀ cov(β̂) c with c the sum of the rows' fixed-effect design rows.
    package var estimates: Double
    /// A mixed model's rep effects: the rest of the mean's variance (the conditional modes' uncertainty, a
    /// new rep's whole effect variance, and their covariance with the estimates); zero for a fixed-effects model.
    package var repEffect: Double
    /// The new observations' noise (with a pooled model's within-rep correlation of it).
    package var noise: Double
}

extension Prediction {
    /// The parts of the variance of `rollUp`, the total over `positions` (indices into ``rows``) that
    /// `total(positions, label:)` gave; they add up to the squares of its standard errors.
    package func varianceParts(_ positions: [Int], of rollUp: RollUp) -> PredictionVarianceParts {
        let meanVariance = rollUp.meanSE * rollUp.meanSE
        let noise = max(0, rollUp.observationSE * rollUp.observationSE - meanVariance)
        guard let mixed else { return PredictionVarianceParts(estimates: meanVariance, repEffect: 0, noise: noise) }
        let p = covariance.columns
        var c = [Double](repeating: 0, count: p)
        for i in positions { for j in 0..<p { c[j] += mixed.rows[i].fixed[j] } }
        var estimates = 0.0
        for a in 0..<p where c[a] != 0 { for b in 0..<p { estimates += c[a] * covariance[a, b] * c[b] } }
        estimates = min(max(0, estimates), meanVariance)
        return PredictionVarianceParts(estimates: estimates, repEffect: meanVariance - estimates, noise: noise)
    }

    /// The noise variance of a new observation at `position` (σ², or σ²/w with weights).
    package func rowNoiseVariance(at position: Int) -> Double { noiseVariance[position] }

    /// The predictive variance of the row at `position` and the t quantile its interval was drawn with,
    /// so the interval can be widened by another variance with the same quantile.
    package func observationVariance(at position: Int) -> (variance: Double, quantile: Double) {
        let variance: Double
        if let mixed {
            variance = mixed.predictor.predict([mixed.rows[position]]).first?.observationVariance ?? .nan
        } else {
            variance = meanSE[position] * meanSE[position] + noiseVariance[position]
        }
        let halfWidth = observationUpper[position] - mean[position]
        let quantile = variance > 0 ? halfWidth / variance.squareRoot() : 0
        return (max(0, variance), quantile)
    }
}
