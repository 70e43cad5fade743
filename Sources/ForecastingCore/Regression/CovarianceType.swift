import Foundation

/// How the covariance of the estimates is computed.
///
/// - `nonrobust`: σ²(XᵀWX)⁻¹.
/// - `hc0`…`hc3`: White's heteroskedasticity-consistent sandwich with statsmodels' definitions
///   (MacKinnon & White 1985): HC0 uses the squared residuals; HC1 scales HC0 by n/(n − p); HC2 divides
///   each squared residual by 1 − hᵢ, HC3 by (1 − hᵢ)².
/// - `cluster(columns)`: cluster-robust (CRV1) by one column, or two (Cameron, Gelbach & Miller 2011:
///   V₁ + V₂ − V₁₂). As statsmodels' `cov_type="cluster"` with its defaults: each term is scaled by
///   G/(G − 1)·(n − 1)/(n − p) (`use_correction=True`), and t and F tests use G − 1 degrees of freedom,
///   G the number of clusters (the smaller of the two counts for two-way; `df_correction=True`).
/// - `hac(lags)`: Newey–West with Bartlett weights 1 − l/(L + 1). On a panel with a rep column it is
///   computed within each rep over calendar lags (statsmodels' `cov_type="hac-panel"` with its default
///   correction n/(n − p), and G − 1 degrees of freedom); otherwise over rows in order (statsmodels'
///   `cov_type="HAC"`, no correction, n − p degrees of freedom).
public enum CovarianceType: Sendable, Hashable, CustomStringConvertible, RawRepresentable, Codable {
    case nonrobust
    case hc0
    case hc1
    case hc2
    case hc3
    case cluster([String])
    case hac(lags: Int)

    /// The heteroskedasticity-consistent types.
    public static let heteroskedasticityConsistent: [CovarianceType] = [.hc0, .hc1, .hc2, .hc3]

    /// `nonrobust`, `HC0`…`HC3`, `cluster(rep)`, `cluster(rep, period)` or `HAC(4)`.
    public var rawValue: String {
        switch self {
        case .nonrobust: "nonrobust"
        case .hc0: "HC0"
        case .hc1: "HC1"
        case .hc2: "HC2"
        case .hc3: "HC3"
        case .cluster(let columns): "cluster(\(columns.joined(separator: ", ")))"
        case .hac(let lags): "HAC(\(lags))"
        }
    }

    /// Reads the forms of ``rawValue``.
    public init?(rawValue: String) {
        switch rawValue {
        case "nonrobust": self = .nonrobust
        case "HC0": self = .hc0
        case "HC1": self = .hc1
        case "HC2": self = .hc2
        case "HC3": self = .hc3
        default:
            if rawValue.hasPrefix("cluster("), rawValue.hasSuffix(")") {
                let columns = rawValue.dropFirst(8).dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                guard (1...2).contains(columns.count), columns.allSatisfy({ !$0.isEmpty }) else { return nil }
                self = .cluster(columns)
            } else if rawValue.hasPrefix("HAC("), rawValue.hasSuffix(")"), let lags = Int(rawValue.dropFirst(4).dropLast()), lags >= 0 {
                self = .hac(lags: lags)
            } else {
                return nil
            }
        }
    }

    public var description: String { rawValue }

    /// A sentence for the output: what the standard errors are robust to.
    public var explanation: String {
        switch self {
        case .nonrobust: "Standard errors assume that the covariance matrix of the errors is correctly specified."
        case .hc0, .hc1, .hc2, .hc3: "Standard errors are heteroskedasticity robust (\(rawValue))."
        case .cluster(let columns):
            "Standard errors are robust to correlation within \(columns.map { "'\($0)'" }.joined(separator: " and ")) clusters (CRV1)."
        case .hac(let lags): "Standard errors are heteroskedasticity and autocorrelation robust (Newey–West, \(lags) lags)."
        }
    }
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
    /// For a formula with random effects: REML (default, lme4's default) or ML (to compare models
    /// with different fixed effects by a likelihood-ratio test).
    public var mixedModelMethod: MixedModelMethod = .reml
    /// Relative singular-value threshold under which the design counts as rank deficient, after its
    /// columns are scaled to unit length. `nil` uses max(n, p)·ε, the convention of LAPACK and NumPy.
    public var rankTolerance: Double?
    /// The period and entity columns, needed by `lag`, `season`, `trend` and `adstock`.
    package var panel: PanelLayout?
    /// The response's distribution: ``ResponseFamily/gaussian`` (least squares, the default), or a count
    /// family fitted by IRLS (``ResponseFamily/poisson``, ``ResponseFamily/negativeBinomial``).
    public var family: ResponseFamily = .gaussian
    /// Convergence of IRLS for count families.
    public var irls = IRLSControl()
    /// Clustered covariance: scale by G/(G − 1)·(n − 1)/(n − p) (statsmodels' `use_correction`, default true).
    public var clusterCorrection: Bool = true
    /// Clustered and panel-HAC covariance: t and F on G − 1 degrees of freedom (statsmodels'
    /// `df_correction`, default true); false keeps n − p.
    public var clusterDegreesOfFreedom: Bool = true

    /// Creates fit options.
    public init(weights: String? = nil, covariance: CovarianceType = .nonrobust, ridge: Double? = nil,
                missing: MissingValuePolicy = .drop, rankTolerance: Double? = nil)
    {
        self.weights = weights
        self.covariance = covariance
        self.ridge = ridge
        self.missing = missing
        self.rankTolerance = rankTolerance
    }
}

extension RegressionOptions {
    /// The columns a clustered covariance groups by (none for other types).
    var clusterColumns: [String] {
        if case .cluster(let columns) = covariance { return columns }
        return []
    }
}
