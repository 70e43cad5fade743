/// A t test of one linear combination Lβ with Satterthwaite degrees of freedom, as lmerTest's
/// `contest1D` / `summary(m, ddf = "Satterthwaite")`.
public struct ContrastTest: Sendable {
    /// The name (the coefficient's, for a unit contrast).
    public let name: String
    /// Lβ̂.
    public let estimate: Double
    /// √(L cov(β̂) Lᵀ).
    public let standardError: Double
    /// Satterthwaite's ν = 2(L C Lᵀ)² / (g A gᵀ).
    public let degreesOfFreedom: Double
    /// estimate / standardError.
    public let tStatistic: Double
    /// P(|T_ν| ≥ |t|).
    public let pValue: Double
    /// estimate − t_{ν, 1−α/2}·standardError.
    public let lowerBound: Double
    /// estimate + t_{ν, 1−α/2}·standardError.
    public let upperBound: Double
}

extension LinearMixedModelFit {
    /// Satterthwaite's denominator degrees of freedom for the contrast Lβ (lmerTest's `contest1D`):
    /// ν = 2(LCLᵀ)² / (gᵀAg), gᵢ = L·(∂C/∂varparᵢ)·Lᵀ, C = cov(β̂), A = ``SatterthwaiteSupport/varianceParameterCovariance``.
    ///
    /// - Parameter contrast: L, p values, not all zero.
    /// - Throws: ``MixedModelError/invalidContrast(_:)``; ``MixedModelError/optimizationFailed(_:)``
    ///   when the fit has no Satterthwaite support.
    public func satterthwaiteDegreesOfFreedom(contrast: [Double]) throws(MixedModelError) -> Double {
        let p = coefficients.count
        guard contrast.count == p else { throw .invalidContrast("expected \(p) values, got \(contrast.count)") }
        guard contrast.contains(where: { $0 != 0 }) else { throw .invalidContrast("all values are zero") }
        guard let support = satterthwaite else {
            throw .optimizationFailed("Satterthwaite support was not computed for this fit")
        }
        func quadraticForm(_ matrix: Matrix, _ v: [Double]) -> Double {
            var total = 0.0
            for j in 0..<matrix.columns {
                for i in 0..<matrix.rows { total += v[i] * matrix[i, j] * v[j] }
            }
            return total
        }
        let variance = quadraticForm(coefficientCovariance, contrast)
        let gradient = support.covarianceJacobians.map { quadraticForm($0, contrast) }
        let denominator = quadraticForm(support.varianceParameterCovariance, gradient)
        return 2 * variance * variance / denominator
    }

    /// The t test of Lβ with Satterthwaite df.
    ///
    /// - Parameters:
    ///   - contrast: L, p values.
    ///   - name: A label for the result.
    ///   - distributions: The host's t distribution.
    ///   - confidenceLevel: For the interval, in (0, 1); default 0.95.
    public func contrastTest(
        _ contrast: [Double], name: String = "contrast", distributions: some MixedModelDistributions,
        confidenceLevel: Double = 0.95
    ) throws(MixedModelError) -> ContrastTest {
        let df = try satterthwaiteDegreesOfFreedom(contrast: contrast)
        let p = coefficients.count
        var estimate = 0.0, variance = 0.0
        for i in 0..<p {
            estimate += contrast[i] * coefficients[i]
            for j in 0..<p { variance += contrast[i] * coefficientCovariance[i, j] * contrast[j] }
        }
        let se = variance.squareRoot()
        let t = estimate / se
        let quantile = distributions.studentTQuantile(0.5 + 0.5 * confidenceLevel, degreesOfFreedom: df)
        return ContrastTest(
            name: name, estimate: estimate, standardError: se, degreesOfFreedom: df, tStatistic: t,
            pValue: distributions.studentTTwoSidedPValue(t, degreesOfFreedom: df),
            lowerBound: estimate - quantile * se, upperBound: estimate + quantile * se)
    }

    /// lmerTest's coefficient table: one Satterthwaite t test per fixed effect.
    ///
    /// - Parameters:
    ///   - distributions: The host's t distribution.
    ///   - confidenceLevel: For the intervals; default 0.95.
    public func fixedEffectTests(
        distributions: some MixedModelDistributions, confidenceLevel: Double = 0.95
    ) throws(MixedModelError) -> [ContrastTest] {
        var result: [ContrastTest] = []
        for (i, name) in fixedEffectNames.enumerated() {
            var unit = [Double](repeating: 0, count: coefficients.count)
            unit[i] = 1
            result.append(try contrastTest(unit, name: name, distributions: distributions, confidenceLevel: confidenceLevel))
        }
        return result
    }
}
