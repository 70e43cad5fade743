import Foundation

/// A linear mixed model ready to be fitted: the problem plus the cross-products built from it in
/// one pass over the rows.
///
/// ```swift
/// let model = try LinearMixedModel(problem)
/// let fit = try model.fit()
/// print(fit.coefficients, fit.sigma, fit.criterion)
/// ```
///
/// Evaluating the criterion at a θ (``criterion(theta:)``) costs O(ℓ₁q₁³ + Σ_j q₁·m_j² + q₂³ + p³),
/// independent of n (Bates et al. 2015, §3.3).
public struct LinearMixedModel: Sendable {
    /// The data and settings.
    public let problem: MixedModelProblem
    let structure: ModelStructure
    let cross: CrossProducts
    /// The natural scale of each θ entry: 1/√(mean over levels of Σ z²) for the entry's row of
    /// Λ_k, where the +I in ΛᵀZᵀZΛ + I stops dominating. Used to scale the optimizer and the
    /// finite-difference steps.
    let thetaScales: [Double]

    /// Validates the problem and builds the cross-products (one pass over the rows).
    /// - Throws: ``MixedModelError`` for malformed input or a rank-deficient X.
    public init(_ problem: MixedModelProblem) throws(MixedModelError) {
        try problem.validate()
        self.problem = problem
        let structure = ModelStructure(terms: problem.randomEffects)
        self.structure = structure
        let cross = try CrossProducts(problem: problem, structure: structure)
        self.cross = cross
        var scales: [Double] = []
        for k in 0..<structure.order.count {
            let term = structure.term(atPosition: k)
            let q = term.columnCount
            var meanSquares = [Double](repeating: 0, count: q)
            if let b = structure.blockPositions.firstIndex(of: k) {
                let offset = structure.blockColumnOffsets[b]
                for j in 0..<cross.l1 {
                    for r in 0..<q { meanSquares[r] += cross.blockGram[j * cross.q1 * cross.q1 + (offset + r) * (cross.q1 + 1)] }
                }
                meanSquares = meanSquares.map { $0 / Double(max(1, cross.l1)) }
            } else if let d = structure.densePositions.firstIndex(of: k) {
                for level in 0..<term.levelCount {
                    for r in 0..<q {
                        let index = structure.denseOffsets[d] + level * q + r
                        meanSquares[r] += cross.denseGram[index * (cross.q2 + 1)]
                    }
                }
                meanSquares = meanSquares.map { $0 / Double(max(1, term.levelCount)) }
            }
            for position in term.thetaPositions {
                let meanSquare = meanSquares[position.row]
                scales.append(meanSquare > 0 ? min(1e6, max(1e-6, 1 / meanSquare.squareRoot())) : 1)
            }
        }
        self.thetaScales = scales
    }

    /// The number of θ entries.
    public var thetaCount: Int { structure.thetaCount }

    /// lme4's lower bounds on θ: 0 for the diagonal entries of each Λ_k, −∞ elsewhere.
    public var thetaLowerBounds: [Double] { structure.thetaLowerBounds }

    /// lme4's starting value of θ: identity factors.
    public var initialTheta: [Double] { structure.initialTheta }

    /// The problem's term indices in θ order (lme4's ordering by decreasing number of levels).
    public var termOrder: [Int] { structure.order }

    /// θ entry names in lme4's style: `group.column` for a diagonal entry and
    /// `group.row.column` for an off-diagonal one (e.g. `Subject.Days.Intercept`).
    public var thetaNames: [String] {
        structure.order.flatMap { index -> [String] in
            let term = problem.randomEffects[index]
            return term.thetaPositions.map { position in
                position.row == position.column
                    ? "\(term.groupName).\(term.columnNames[position.row])"
                    : "\(term.groupName).\(term.columnNames[position.row]).\(term.columnNames[position.column])"
            }
        }
    }

    /// Factors the PLS system at θ.
    func factor(theta: [Double]) throws(MixedModelError) -> PLSFactorization {
        guard theta.count == thetaCount else { throw .invalidTheta(expected: thetaCount, actual: theta.count) }
        return try PLSFactorization(theta: theta, structure: structure, cross: cross)
    }

    /// The profiled criterion at θ: the REML criterion or the ML deviance (−2 log-likelihood),
    /// as lme4's `devfun` (Bates et al. 2015, eq. 34 and 41).
    ///
    /// - Parameter theta: θ in lme4's order (see ``termOrder``); any real values (the criterion
    ///   depends on θ only through ΛΛᵀ).
    /// - Throws: ``MixedModelError/invalidTheta(expected:actual:)`` for a wrong length.
    public func criterion(theta: [Double]) throws(MixedModelError) -> Double {
        try factor(theta: theta).criterion(method: problem.method, n: cross.n, p: cross.p)
    }
}
