import Foundation

extension CountPrediction {
    /// The covariance of the linear predictors η̂ at `positions` from the estimates: Cₐᵦ = xₐVxᵦᵀ (k × k, row-major).
    public func linearPredictorCovariance(_ positions: [Int]) -> [Double] {
        let p = design.columns, k = positions.count
        // U = X_S·V, so Cₐᵦ = Uₐ·xᵦ.
        let u = positions.map { i in (0..<p).map { a in (0..<p).reduce(0.0) { $0 + design[i, $1] * covariance[$1, a] } } }
        var c = [Double](repeating: 0, count: k * k)
        for a in 0..<k {
            for b in a..<k {
                let value = (0..<p).reduce(0.0) { $0 + u[a][$1] * design[positions[b], $1] }
                c[a * k + b] = value
                c[b * k + a] = value
            }
        }
        return c
    }

    /// The predictive distribution of the count at `position` with `addedVariance` more variance in its
    /// linear predictor η (e.g. from projected activities), integrated by the same Gauss–Hermite rule.
    public func distribution(at position: Int, addingLinearPredictorVariance addedVariance: Double) -> PredictiveCountDistribution {
        let se = linearPredictorSE[position]
        return PredictiveCountDistribution(linearPredictor: linearPredictor[position],
                                           standardError: (se * se + Swift.max(0, addedVariance)).squareRoot(), fit: fit)
    }

    /// The predictive distribution of the sum of the counts at `positions`, with `added` (k × k, row-major,
    /// `nil` for none) more covariance between their linear predictors than the estimates give: the error
    /// of activities projected from history, carried to η by the model's gradient.
    ///
    /// With Cᵢⱼ = xᵢVxⱼᵀ + Aᵢⱼ the joint normal uncertainty of the η's and mᵢ = exp(η̂ᵢ + Cᵢᵢ/2), the law of
    /// total variance gives (see ``total(_:label:)``)
    ///
    ///   E T = Σ mᵢ,  Var T = Σ (mᵢ + mᵢ²e^(Cᵢᵢ)/θ) + Σᵢⱼ mᵢmⱼ(e^(Cᵢⱼ) − 1),
    ///
    /// and the result keeps the parts: ``CountTotal/countVariance`` (the first sum: the counts' own
    /// randomness) and ``CountTotal/estimatesVariance`` (the second sum with the estimates' covariance alone);
    /// the rest of the variance is the added uncertainty's.
    public func total(_ positions: [Int], label: String, addingLinearPredictorCovariance added: [Double]?) -> CountTotal {
        let k = positions.count
        let estimates = linearPredictorCovariance(positions)
        func c(_ a: Int, _ b: Int) -> Double { estimates[a * k + b] + (added?[a * k + b] ?? 0) }
        let m = (0..<k).map { Foundation.exp(linearPredictor[positions[$0]] + c($0, $0) / 2) }
        var total = CompensatedSum(), own = CompensatedSum(), joint = CompensatedSum(), estimatesOnly = CompensatedSum()
        for a in 0..<k {
            total.add(m[a])
            own.add(m[a])
            if let theta = fit.theta { own.add(m[a] * m[a] * Foundation.exp(c(a, a)) / theta) }
            for b in 0..<k {
                joint.add(m[a] * m[b] * Foundation.expm1(c(a, b)))
                estimatesOnly.add(m[a] * m[b] * Foundation.expm1(estimates[a * k + b]))
            }
        }
        var result = CountTotal(label: label, count: k, mean: total.value, variance: own.value + Swift.max(0, joint.value),
                                fittedMean: positions.reduce(0) { $0 + mean[$1] }, level: level)
        result.countVariance = own.value
        result.estimatesVariance = Swift.max(0, Swift.min(estimatesOnly.value, joint.value))
        return result
    }
}

extension CountTotal {
    /// The total as a ``RollUp`` (mean, standard errors from the moments, normal quantiles) for code that
    /// reads roll-ups; its ``RollUp/interval`` is a normal approximation, the whole-number ``interval`` is the one to show.
    public var rollUp: RollUp {
        RollUp(label: label, count: count, mean: mean, meanSE: estimatesVariance.squareRoot(), observationSE: Swift.max(0, variance).squareRoot(),
               dfResidual: .infinity, level: level)
    }

    /// P(total ≥ `target`) for a target that need not be whole: P(T ≥ ⌈target⌉).
    public func probability(ofReaching target: Double) -> Double {
        guard target.isFinite else { return target < 0 ? 1 : 0 }
        return probability(atLeast: Int(Swift.max(0, Swift.min(1e15, target.rounded(.up)))))
    }
}

extension CountPrediction {
    /// Σ μᵢxᵢ over `positions`: the gradient with respect to β of the expected total at the estimates.
    package func meanGradient(_ positions: [Int]) -> [Double] {
        var g = [Double](repeating: 0, count: design.columns)
        for i in positions { for j in 0..<design.columns { g[j] += mean[i] * design[i, j] } }
        return g
    }

    /// gᵀVg with the model's covariance.
    package func quadratic(_ g: [Double]) -> Double {
        var v = 0.0
        for a in g.indices where g[a] != 0 { for b in g.indices { v += g[a] * covariance[a, b] * g[b] } }
        return Swift.max(0, v)
    }
}
