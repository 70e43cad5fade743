/// How the covariance of the estimates is computed.
///
/// `nonrobust` is σ²(XᵀWX)⁻¹. The HC types are White's heteroskedasticity-consistent sandwich
/// estimators with statsmodels' definitions (MacKinnon & White 1985): HC0 uses the squared residuals;
/// HC1 scales HC0 by n/(n − p); HC2 divides each squared residual by 1 − hᵢ, HC3 by (1 − hᵢ)².
public enum CovarianceType: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case nonrobust
    case hc0 = "HC0"
    case hc1 = "HC1"
    case hc2 = "HC2"
    case hc3 = "HC3"

    public var description: String { rawValue }
}

/// Options for a least-squares fit.
public struct RegressionOptions: Sendable {
    /// A column of positive weights for weighted least squares, or `nil` for ordinary least squares.
    public var weights: String?
    /// The covariance used for standard errors, tests and intervals (default ``CovarianceType/nonrobust``).
    public var covariance: CovarianceType
    /// A ridge penalty λ ≥ 0, or `nil` for none. The fit minimizes
    /// Σ wᵢ(yᵢ − xᵢβ)² + λ Σⱼ SSⱼ βⱼ², where SSⱼ = Σ wᵢ(xᵢⱼ − x̄ⱼ)² (so the penalty does not depend
    /// on the columns' units; it equals a ridge of penalty nλ on standardized columns). The intercept
    /// is not penalized.
    public var ridge: Double?
    /// What to do with rows that have missing values (default: drop them and report how many).
    public var missing: MissingValuePolicy
    /// Relative singular-value threshold under which the design counts as rank deficient, after its
    /// columns are scaled to unit length. `nil` uses max(n, p)·ε, the convention of LAPACK and NumPy.
    public var rankTolerance: Double?
    /// The period and entity columns, needed by `lag`, `season`, `trend` and `adstock`.
    public var panel: PanelLayout?

    /// Creates fit options.
    public init(weights: String? = nil, covariance: CovarianceType = .nonrobust, ridge: Double? = nil,
                missing: MissingValuePolicy = .drop, rankTolerance: Double? = nil, panel: PanelLayout? = nil)
    {
        self.panel = panel
        self.weights = weights
        self.covariance = covariance
        self.ridge = ridge
        self.missing = missing
        self.rankTolerance = rankTolerance
    }
}
