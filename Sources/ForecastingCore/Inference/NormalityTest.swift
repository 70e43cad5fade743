/// A test that the residuals are normally distributed (Jarque–Bera or D'Agostino–Pearson's omnibus),
/// with the moments it is built from.
public struct NormalityTest: Sendable, Equatable {
    /// The test statistic (χ² with 2 degrees of freedom under normality).
    public var statistic: Double
    /// The p-value of ``statistic``: small values mean the residuals are unlikely to be normal.
    public var pValue: Double
    /// The residuals' biased sample skewness m₃/m₂^{3/2} (0 for a symmetric distribution).
    public var skewness: Double
    /// The residuals' biased sample kurtosis m₄/m₂², not excess (3 for a normal distribution).
    public var kurtosis: Double

    /// A test result from its statistic, p-value and the residuals' skewness and kurtosis.
    public init(statistic: Double, pValue: Double, skewness: Double, kurtosis: Double) {
        self.statistic = statistic
        self.pValue = pValue
        self.skewness = skewness
        self.kurtosis = kurtosis
    }
}
