import Foundation

/// The estimated covariance of one random-effect term, σ²·Λ_kΛ_kᵀ (lme4's `VarCorr`).
public struct VarianceComponent: Sendable {
    /// The grouping factor, e.g. `"rep"`.
    public let groupName: String
    /// The term's columns, e.g. `["Intercept", "demos"]`.
    public let columnNames: [String]
    /// Whether the term's effects are correlated (`.full`) or independent (`.diagonal`).
    public let structure: CovarianceStructure
    /// σ²·Λ_kΛ_kᵀ, q×q.
    public let covariance: Matrix

    /// The variance of each effect (the diagonal of ``covariance``).
    public var variances: [Double] { covariance.diagonal }

    /// The standard deviation of each effect.
    public var standardDeviations: [Double] { variances.map { $0.squareRoot() } }

    /// The correlation matrix (NaN where a standard deviation is 0; 1 on the diagonal).
    public var correlations: Matrix {
        let q = covariance.rows
        let sd = standardDeviations
        var result = Matrix(rows: q, columns: q)
        for j in 0..<q {
            for i in 0..<q {
                result[i, j] = i == j ? 1 : covariance[i, j] / (sd[i] * sd[j])
            }
        }
        return result
    }
}

/// The conditional modes b̂ = Λû of one term (lme4's `ranef`), with their conditional
/// covariances (lme4's `ranef(condVar = TRUE)` "postVar").
///
/// The conditional covariance of level j is σ²·Λ_k·[(ΛᵀZᵀZΛ + I)⁻¹]_jj·Λ_kᵀ: the block of the
/// full inverse for that level's columns, including the contribution of the other terms, and
/// conditional on β = β̂ (as lme4: the uncertainty of β̂ is not included).
public struct ConditionalModes: Sendable {
    /// The grouping factor.
    public let groupName: String
    /// The term's columns.
    public let columnNames: [String]
    /// The level names.
    public let levelNames: [String]
    /// b̂: one row per level, one column per effect (lme4's `ranef(m)[[group]]` layout).
    public let values: Matrix
    /// The q×q conditional covariance matrix of each level.
    public let conditionalCovariances: [Matrix]

    /// The conditional standard errors, one row per level (lme4's `condsd`).
    public var conditionalStandardErrors: Matrix {
        var result = Matrix(rows: levelNames.count, columns: columnNames.count)
        for (level, covariance) in conditionalCovariances.enumerated() {
            for c in 0..<columnNames.count { result[level, c] = covariance[c, c].squareRoot() }
        }
        return result
    }
}
