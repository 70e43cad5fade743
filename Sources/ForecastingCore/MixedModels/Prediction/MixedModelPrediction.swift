import Foundation

/// The prediction for one new row and the pieces of its variance.
///
/// With e the estimation error of (β̂, b̂): mean = xβ̂ + Σ z b̂ (b̂ = 0 for an unseen level), and
/// - ``fixedVariance`` = x cov(β̂) xᵀ;
/// - ``conditionalRandomVariance`` = z·Var(b − b̂ | β̂)·zᵀ for seen levels (lme4's condVar);
/// - ``newLevelVariance`` = z σ²Λ_kΛ_kᵀ zᵀ summed over unseen levels;
/// - ``meanVariance`` = Var(xβ̂ + zb̂ − xβ − zb), exact (``PredictionCovarianceMethod/joint``),
///   plus the new-level part;
/// - ``residualVariance`` = σ̂².
/// All conditional on θ̂ (the uncertainty of the variance parameters is ignored, as lme4 and
/// merTools do).
public struct MixedModelPrediction: Sendable {
    /// xβ̂ + zb̂.
    public let mean: Double
    /// x cov(β̂) xᵀ.
    public let fixedVariance: Double
    /// The conditional variance of the random part for seen levels, given β̂.
    public let conditionalRandomVariance: Double
    /// The variance of the random part for unseen levels.
    public let newLevelVariance: Double
    /// The exact variance of the estimation error of the mean, including the covariance of β̂
    /// and b̂ − b, plus ``newLevelVariance``.
    public let meanVariance: Double
    /// σ̂².
    public let residualVariance: Double

    /// fixed + conditional random + new level: the independent-parts approximation of the
    /// mean's variance.
    public var independentMeanVariance: Double { fixedVariance + conditionalRandomVariance + newLevelVariance }

    /// The variance of a new observation: ``meanVariance`` + ``residualVariance``.
    public var predictionVariance: Double { meanVariance + residualVariance }
}

/// The prediction of a weighted total of new rows and its variance.
public struct PredictedTotal: Sendable {
    /// Σ wᵢ·meanᵢ.
    public let mean: Double
    /// Var(Σ wᵢ·ŷᵢ − Σ wᵢ·yᵢ) under the chosen method.
    public let variance: Double
}

/// The estimation error of one row's mean as a vector e with Var = σ²·eᵀe between rows.
///
/// With R̃ = [[Lᵀ, R_ZX], [0, R_X]] (R̃ᵀR̃ = the mixed-model-equations matrix in u, β̃) and
/// a = (Λᵀz, R₀⁻ᵀx): e = R̃⁻ᵀa, so e_u = L⁻¹Λᵀz (sparse: one block level plus the dense part)
/// and e_β = R_X⁻ᵀ(R₀⁻ᵀx − R_ZXᵀe_u).
struct PredictionErrorVector {
    var mean: Double
    var blockLevel: Int?
    var blockPart: [Double]
    var densePart: [Double]
    /// e_β (joint) and R_X⁻ᵀR₀⁻ᵀx (fixed effects alone).
    var fixedJoint: [Double]
    var fixedAlone: [Double]
    /// Λ_kᵀz for each unseen level, keyed by (problem term, key).
    var newLevels: [NewLevelKey: [Double]]
}

struct NewLevelKey: Hashable {
    var term: Int
    var key: String
}

extension LinearMixedModelFit {
    /// Predicts new rows.
    ///
    /// - Parameter rows: The rows; each has p fixed values and one entry per term.
    /// - Returns: One ``MixedModelPrediction`` per row.
    /// - Throws: ``MixedModelError/invalidPredictionRow(row:reason:)``.
    public func predict(_ rows: [MixedModelPredictionRow]) throws(MixedModelError) -> [MixedModelPrediction] {
        let s2 = sigma * sigma
        return try rows.enumerated().map { (index, row) throws(MixedModelError) -> MixedModelPrediction in
            let e = try errorVector(row, index: index)
            let block = squaredNorm(e.blockPart), dense = squaredNorm(e.densePart)
            let newLevel = s2 * e.newLevels.values.reduce(0) { $0 + squaredNorm($1) }
            return MixedModelPrediction(
                mean: e.mean, fixedVariance: s2 * squaredNorm(e.fixedAlone),
                conditionalRandomVariance: s2 * (block + dense), newLevelVariance: newLevel,
                meanVariance: s2 * (block + dense + squaredNorm(e.fixedJoint)) + newLevel,
                residualVariance: s2)
        }
    }

    /// The covariance matrix of the predictions of several new rows: rows that share a level (seen
    /// or unseen) covary through it, all rows through β̂ and the dense terms.
    ///
    /// - Parameters:
    ///   - rows: m rows.
    ///   - method: ``PredictionCovarianceMethod/joint`` (default, exact) or the independent-parts
    ///     approximation.
    ///   - includeResidual: Add σ̂² on the diagonal (predicting observations rather than means).
    /// - Returns: An m×m matrix.
    public func predictionCovariance(
        _ rows: [MixedModelPredictionRow], method: PredictionCovarianceMethod = .joint, includeResidual: Bool = true
    ) throws(MixedModelError) -> Matrix {
        let vectors = try rows.enumerated().map { (index, row) throws(MixedModelError) in try errorVector(row, index: index) }
        let m = rows.count, s2 = sigma * sigma
        var result = Matrix(rows: m, columns: m)
        for a in 0..<m {
            for b in 0...a {
                let ea = vectors[a], eb = vectors[b]
                var value = dot(ea.densePart, eb.densePart)
                if let level = ea.blockLevel, level == eb.blockLevel { value += dot(ea.blockPart, eb.blockPart) }
                value += method == .joint ? dot(ea.fixedJoint, eb.fixedJoint) : dot(ea.fixedAlone, eb.fixedAlone)
                for (key, va) in ea.newLevels { if let vb = eb.newLevels[key] { value += dot(va, vb) } }
                value *= s2
                if a == b && includeResidual { value += s2 }
                result[a, b] = value
                result[b, a] = value
            }
        }
        return result
    }

    /// The prediction of a weighted total Σ wᵢ·yᵢ of new rows and its variance, in time linear in
    /// the number of rows (for roll-ups over many rows, where the full covariance matrix would be
    /// too large).
    ///
    /// - Parameters:
    ///   - rows: The rows.
    ///   - weights: One weight per row; nil for a plain sum.
    ///   - method: ``PredictionCovarianceMethod/joint`` (default) or the independent-parts approximation.
    ///   - includeResidual: Include each row's residual variance (σ̂²·Σwᵢ²).
    public func predictTotal(
        _ rows: [MixedModelPredictionRow], weights: [Double]? = nil, method: PredictionCovarianceMethod = .joint,
        includeResidual: Bool = true
    ) throws(MixedModelError) -> PredictedTotal {
        if let weights, weights.count != rows.count {
            throw .dimensionMismatch(what: "weights", expected: rows.count, actual: weights.count)
        }
        var mean = CompensatedSum()
        var blocks: [Int: [Double]] = [:]
        var dense = [Double](repeating: 0, count: model.cross.q2)
        var fixed = [Double](repeating: 0, count: coefficients.count)
        var newLevels: [NewLevelKey: [Double]] = [:]
        var weightSquares = 0.0
        for (index, row) in rows.enumerated() {
            let w = weights?[index] ?? 1
            let e = try errorVector(row, index: index)
            mean.addProduct(w, e.mean)
            weightSquares += w * w
            if let level = e.blockLevel {
                var part = blocks[level] ?? [Double](repeating: 0, count: e.blockPart.count)
                for i in part.indices { part[i] += w * e.blockPart[i] }
                blocks[level] = part
            }
            for i in dense.indices { dense[i] += w * e.densePart[i] }
            let source = method == .joint ? e.fixedJoint : e.fixedAlone
            for i in fixed.indices { fixed[i] += w * source[i] }
            for (key, vector) in e.newLevels {
                var part = newLevels[key] ?? [Double](repeating: 0, count: vector.count)
                for i in part.indices { part[i] += w * vector[i] }
                newLevels[key] = part
            }
        }
        var total = squaredNorm(dense) + squaredNorm(fixed)
        total += blocks.values.reduce(0) { $0 + squaredNorm($1) }
        total += newLevels.values.reduce(0) { $0 + squaredNorm($1) }
        let s2 = sigma * sigma
        return PredictedTotal(mean: mean.value, variance: s2 * total + (includeResidual ? s2 * weightSquares : 0))
    }

    /// e for one row (see ``PredictionErrorVector``).
    func errorVector(_ row: MixedModelPredictionRow, index: Int) throws(MixedModelError) -> PredictionErrorVector {
        let structure = model.structure, cross = model.cross, terms = model.problem.randomEffects
        let f = factorization
        let p = cross.p, q1 = cross.q1, q2 = cross.q2
        guard row.fixed.count == p else {
            throw .invalidPredictionRow(row: index, reason: "expected \(p) fixed-effect values, got \(row.fixed.count)")
        }
        guard row.effects.count == terms.count else {
            throw .invalidPredictionRow(row: index, reason: "expected \(terms.count) random-effect entries, got \(row.effects.count)")
        }
        var mean = zip(row.fixed, coefficients).reduce(0) { $0 + $1.0 * $1.1 }
        var blockLevel: Int? = nil
        var a1 = [Double](repeating: 0, count: q1)
        var a2 = [Double](repeating: 0, count: q2)
        var newLevels: [NewLevelKey: [Double]] = [:]
        for (t, term) in terms.enumerated() {
            let entry = row.effects[t], q = term.columnCount
            guard entry.values.count == q else {
                throw .invalidPredictionRow(row: index, reason: "term '\(term.groupName)' needs \(q) values, got \(entry.values.count)")
            }
            guard entry.values.allSatisfy(\.isFinite), row.fixed.allSatisfy(\.isFinite) else {
                throw .invalidPredictionRow(row: index, reason: "a value is NaN or infinite")
            }
            let position = structure.order.firstIndex(of: t) ?? 0
            let lambda = f.factors[position]
            // Λ_kᵀz.
            let spherical = (0..<q).map { c in (c..<q).reduce(0.0) { $0 + lambda[$1 + c * q] * entry.values[$1] } }
            switch entry.level {
            case let .observed(level):
                guard level >= 0, level < term.levelCount else {
                    throw .invalidPredictionRow(row: index, reason: "level \(level) of '\(term.groupName)' is outside 0..<\(term.levelCount)")
                }
                for c in 0..<q { mean += entry.values[c] * modes[t][level * q + c] }
                if let b = structure.blockPositions.firstIndex(of: position) {
                    if let existing = blockLevel, existing != level {
                        throw .invalidPredictionRow(row: index, reason: "terms of '\(term.groupName)' name different levels")
                    }
                    blockLevel = level
                    for c in 0..<q { a1[structure.blockColumnOffsets[b] + c] = spherical[c] }
                } else if let d = structure.densePositions.firstIndex(of: position) {
                    for c in 0..<q { a2[structure.denseOffsets[d] + level * q + c] += spherical[c] }
                }
            case let .unobserved(key):
                newLevels[NewLevelKey(term: t, key: key ?? "\u{0}row \(index)")] = spherical
            }
        }
        // e_u = L⁻¹a: block level j, then the dense part L₂₂⁻¹(a₂ − W_jᵀe₁).
        var blockPart = [Double](repeating: 0, count: q1)
        if let j = blockLevel {
            blockPart = a1
            f.blockCholesky.withUnsafeBufferPointer { chol in
                blockPart.withUnsafeMutableBufferPointer { b in
                    guard let chol = chol.baseAddress, let b = b.baseAddress else { return }
                    SmallMatrix.forwardSolve(chol + j * q1 * q1, q1, b, 1)
                }
            }
            for column in cross.touchedColumnStart[j]..<cross.touchedColumnStart[j + 1] {
                var value = 0.0
                for r in 0..<q1 { value += f.couplingFactor[column * q1 + r] * blockPart[r] }
                a2[Int(cross.touchedColumnIndex[column])] -= value
            }
        }
        var densePart = a2
        var fixedAlone = row.fixed
        do {
            try LAPACK.solveTriangular(f.denseCholesky, order: q2, lower: true, transposed: false, &densePart, rightHandSides: 1)
            try LAPACK.solveTriangular(cross.r0, order: p, lower: false, transposed: true, &fixedAlone, rightHandSides: 1)
        } catch { throw .linearAlgebra(error) }
        // e_β = R_X⁻ᵀ(R₀⁻ᵀx − R_ZXᵀe_u).
        var fixedJoint = fixedAlone
        for k in 0..<p {
            var value = 0.0
            if let j = blockLevel {
                for r in 0..<q1 { value += f.blockRZX[j * q1 * p + r + k * q1] * blockPart[r] }
            }
            for i in 0..<q2 { value += f.denseRZX[i + k * q2] * densePart[i] }
            fixedJoint[k] -= value
        }
        do {
            try LAPACK.solveTriangular(f.rx, order: p, lower: false, transposed: true, &fixedAlone, rightHandSides: 1)
            try LAPACK.solveTriangular(f.rx, order: p, lower: false, transposed: true, &fixedJoint, rightHandSides: 1)
        } catch { throw .linearAlgebra(error) }
        return PredictionErrorVector(
            mean: mean, blockLevel: blockLevel, blockPart: blockPart, densePart: densePart,
            fixedJoint: fixedJoint, fixedAlone: fixedAlone, newLevels: newLevels)
    }
}

private func squaredNorm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 } }

private func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
