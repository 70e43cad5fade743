/// Which level of a grouping factor a new row belongs to.
public enum LevelReference: Sendable, Hashable {
    /// A level seen in the data, by index into the term's `levelNames`.
    case observed(Int)
    /// A level not in the data. Rows of the same term with the same non-nil key share one draw
    /// of the new level's effect (so their predictions covary); a nil key is a fresh level for
    /// that row alone.
    case unobserved(key: String?)
}

/// The values of one random-effect term in a new row.
public struct RandomEffectValues: Sendable {
    /// The row's level.
    public var level: LevelReference
    /// z, the term's model-matrix row (q values, e.g. `[1, demos]`).
    public var values: [Double]

    /// Creates the values of one term.
    /// - Parameters:
    ///   - level: The level.
    ///   - values: z, one value per column of the term.
    public init(level: LevelReference, values: [Double]) {
        self.level = level
        self.values = values
    }

    /// Creates the values of one term from an optional level index: nil is an unseen level of
    /// its own (``LevelReference/unobserved(key:)`` with a nil key).
    public init(level: Int?, values: [Double]) {
        self.init(level: level.map { .observed($0) } ?? .unobserved(key: nil), values: values)
    }
}

/// A new row to predict: the fixed-design row x and, per random-effect term (problem order), its
/// level and z.
public struct MixedModelPredictionRow: Sendable {
    /// x, p values in the order of the fixed effects.
    public var fixed: [Double]
    /// One entry per term of the problem, in problem order.
    public var effects: [RandomEffectValues]

    /// Creates a row.
    /// - Parameters:
    ///   - fixed: x, p values.
    ///   - effects: One entry per random-effect term, in problem order.
    public init(fixed: [Double], effects: [RandomEffectValues]) {
        self.fixed = fixed
        self.effects = effects
    }
}

/// How the estimation error of β̂ and of the conditional modes are combined.
public enum PredictionCovarianceMethod: Sendable, Hashable {
    /// Exact under the model: σ² times the inverse of the whole mixed-model-equations matrix
    /// [[ΛᵀZᵀZΛ + I, ΛᵀZᵀX], [XᵀZΛ, XᵀX]] (Henderson's prediction-error covariance), which
    /// includes the covariance between β̂ and b̂ − b. Computed from the same Cholesky factor.
    case joint
    /// The common approximation (lme4's condVar plus vcov(β̂), as merTools): the fixed part
    /// x cov(β̂) xᵀ and the conditional variance of b given β̂, treated as independent.
    case independentParts
}
