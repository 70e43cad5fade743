/// The covariance structure of one random-effect term's q×q covariance matrix σ²ΛΛᵀ.
public enum CovarianceStructure: String, Sendable, Hashable {
    /// Unstructured (correlated effects, lme4's `(1 + x | g)`): Λ is lower triangular with
    /// q(q+1)/2 entries of θ, taken column by column.
    case full
    /// Independent effects (lme4's `(1 + x || g)`, which lme4 expands into one term per column):
    /// Λ is diagonal with q entries of θ.
    case diagonal
}

/// One random-effect term `(z₁ + … + z_q | g)`: a grouping factor and the columns of its
/// model matrix Z_k (Bates et al. 2015, §2.1 and eq. 4–6).
///
/// For `(1 | rep)` pass one column of ones named `"Intercept"`; for `(1 + demos | rep)` pass the
/// ones and the `demos` values; for `(0 + Days | Subject)` pass only `Days`. Nested grouping
/// such as lme4's `(1 | team/rep)` is written as two terms, `"rep:team"` (levels are the observed
/// rep-within-team combinations) and `"team"`. Several terms may share a grouping factor (the `||`
/// expansion); they must then assign every row to the same level.
public struct RandomEffectTerm: Sendable {
    /// The grouping factor's name, e.g. `"rep"` or `"rep:team"`.
    public var groupName: String
    /// The level of each row, in `0..<levelNames.count`.
    public var levels: [Int32]
    /// One name per level.
    public var levelNames: [String]
    /// Z_k: n×q values, column-major (column c is `modelMatrix[c*n ..< (c+1)*n]`).
    public var modelMatrix: [Double]
    /// One name per column of Z_k, e.g. `["Intercept", "demos"]`.
    public var columnNames: [String]
    /// Correlated (`.full`) or independent (`.diagonal`) effects.
    public var covariance: CovarianceStructure

    /// Creates a term.
    ///
    /// - Parameters:
    ///   - groupName: The grouping factor's name.
    ///   - levels: The level of each of the n rows, in `0..<levelNames.count`.
    ///   - levelNames: One name per level.
    ///   - modelMatrix: The n×q model matrix Z_k, column-major.
    ///   - columnNames: q names, one per column of Z_k.
    ///   - covariance: `.full` (default) or `.diagonal`.
    public init(
        groupName: String, levels: [Int32], levelNames: [String], modelMatrix: [Double],
        columnNames: [String], covariance: CovarianceStructure = .full
    ) {
        self.groupName = groupName
        self.levels = levels
        self.levelNames = levelNames
        self.modelMatrix = modelMatrix
        self.columnNames = columnNames
        self.covariance = covariance
    }

    /// A random intercept `(1 | group)`.
    ///
    /// - Parameters:
    ///   - groupName: The grouping factor's name.
    ///   - levels: The level of each row.
    ///   - levelNames: One name per level.
    public static func intercept(groupName: String, levels: [Int32], levelNames: [String]) -> RandomEffectTerm {
        RandomEffectTerm(
            groupName: groupName, levels: levels, levelNames: levelNames,
            modelMatrix: [Double](repeating: 1, count: levels.count), columnNames: ["Intercept"])
    }

    /// q, the number of columns of Z_k.
    public var columnCount: Int { columnNames.count }

    /// The number of levels of the grouping factor.
    public var levelCount: Int { levelNames.count }

    /// The number of θ entries the term contributes: q(q+1)/2 for `.full`, q for `.diagonal`.
    public var thetaCount: Int {
        switch covariance {
        case .full: columnCount * (columnCount + 1) / 2
        case .diagonal: columnCount
        }
    }

    /// Positions (row, column) in Λ_k of the term's θ entries, in lme4's order (lower triangle
    /// column by column).
    var thetaPositions: [(row: Int, column: Int)] {
        switch covariance {
        case .full:
            (0..<columnCount).flatMap { j in (j..<columnCount).map { (row: $0, column: j) } }
        case .diagonal:
            (0..<columnCount).map { (row: $0, column: $0) }
        }
    }

    /// Λ_k (q×q, column-major, lower triangular) from this term's slice of θ.
    func relativeFactor(_ theta: ArraySlice<Double>) -> [Double] {
        let q = columnCount
        var lambda = [Double](repeating: 0, count: q * q)
        for (position, value) in zip(thetaPositions, theta) {
            lambda[position.row + position.column * q] = value
        }
        return lambda
    }
}
