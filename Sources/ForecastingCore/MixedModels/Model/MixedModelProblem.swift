/// The criterion a linear mixed model is fitted by.
public enum MixedModelMethod: String, Sendable, Hashable {
    /// Restricted (residual) maximum likelihood, lme4's default (Bates et al. 2015, eq. 41).
    case reml
    /// Maximum likelihood (Bates et al. 2015, eq. 34).
    case ml
}

/// The data of a linear mixed model y = Xβ + Zb + ε, b ~ N(0, σ²ΛθΛθᵀ), ε ~ N(0, σ²I)
/// (Bates, Mächler, Bolker & Walker 2015, "Fitting Linear Mixed-Effects Models Using lme4",
/// J. Stat. Softw. 67(1), §1 and §2).
///
/// The formula layer builds this value; the engine (``LinearMixedModel``) never parses formulas.
public struct MixedModelProblem: Sendable {
    /// The response y (n values).
    public var response: [Double]
    /// The fixed-effects design X: n×p values, column-major.
    public var fixedDesign: [Double]
    /// One name per column of X, e.g. `["Intercept", "demos"]`.
    public var fixedEffectNames: [String]
    /// The random-effect terms, in formula order. The engine orders them as lme4 does (see
    /// ``LinearMixedModel/termOrder``).
    public var randomEffects: [RandomEffectTerm]
    /// REML (default) or ML.
    public var method: MixedModelMethod

    /// Creates a problem.
    ///
    /// - Parameters:
    ///   - response: y, n values.
    ///   - fixedDesign: X, n×p column-major; p may be 0.
    ///   - fixedEffectNames: p names.
    ///   - randomEffects: The terms; may be empty (an ordinary linear model fitted by ML/REML).
    ///   - method: `.reml` (default) or `.ml`.
    public init(
        response: [Double], fixedDesign: [Double], fixedEffectNames: [String],
        randomEffects: [RandomEffectTerm], method: MixedModelMethod = .reml
    ) {
        self.response = response
        self.fixedDesign = fixedDesign
        self.fixedEffectNames = fixedEffectNames
        self.randomEffects = randomEffects
        self.method = method
    }

    /// n, the number of observations.
    public var observationCount: Int { response.count }

    /// p, the number of fixed effects.
    public var fixedEffectCount: Int { fixedEffectNames.count }

    /// Checks sizes, finiteness and level indices.
    func validate() throws(MixedModelError) {
        let n = response.count
        let p = fixedEffectNames.count
        guard n > 0 else { throw .noObservations }
        guard fixedDesign.count == n * p else {
            throw .dimensionMismatch(what: "fixed-effects design (n×p)", expected: n * p, actual: fixedDesign.count)
        }
        if let row = response.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteValue(what: "response", row: row) }
        for j in 0..<p {
            for i in 0..<n where !fixedDesign[i + j * n].isFinite {
                throw .nonFiniteValue(what: "fixed-effects column '\(fixedEffectNames[j])'", row: i)
            }
        }
        let minimum = method == .reml ? p + 1 : max(p, 1)
        guard n >= minimum else { throw .tooFewObservations(observations: n, fixedEffects: p) }
        for term in randomEffects {
            let q = term.columnCount
            guard q > 0 else { throw .invalidTerm(group: term.groupName, reason: "it has no columns") }
            guard term.levelCount > 0 else { throw .invalidTerm(group: term.groupName, reason: "it has no levels") }
            guard term.levels.count == n else {
                throw .dimensionMismatch(what: "levels of '\(term.groupName)'", expected: n, actual: term.levels.count)
            }
            guard term.modelMatrix.count == n * q else {
                throw .dimensionMismatch(
                    what: "model matrix of '\(term.groupName)' (n×q)", expected: n * q, actual: term.modelMatrix.count)
            }
            for (row, level) in term.levels.enumerated() where level < 0 || Int(level) >= term.levelCount {
                throw .levelOutOfRange(group: term.groupName, row: row, level: Int(level), levelCount: term.levelCount)
            }
            for c in 0..<q {
                for i in 0..<n where !term.modelMatrix[i + c * n].isFinite {
                    throw .nonFiniteValue(what: "'\(term.columnNames[c])' of '\(term.groupName)'", row: i)
                }
            }
        }
        for (a, first) in randomEffects.enumerated() {
            for second in randomEffects[(a + 1)...] where second.groupName == first.groupName {
                guard second.levels == first.levels, second.levelCount == first.levelCount else {
                    throw .inconsistentGroupingFactor(first.groupName)
                }
            }
        }
    }
}
