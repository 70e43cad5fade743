import Foundation

/// Every cross-product the profiled criterion needs, built in one pass over the rows so that each
/// evaluation of the criterion costs nothing per row (Bates et al. 2015, §3.3, eq. 19–21 use
/// ZᵀZ, ZᵀX, Zᵀy, XᵀX, Xᵀy only).
///
/// Two transformations make the sums better conditioned without changing the criterion:
/// - X = Q·R₀ (Householder QR); the engine works with X̃ = X·R₀⁻¹ (orthonormal columns) and
///   β̃ = R₀·β. The REML term log|R_X|² gains the constant log|R₀|², added back.
/// - y is replaced by its OLS residual e₀ = y − X·β_ols, i.e. β is shifted by β_ols. The
///   penalized residual sum of squares r² = e₀ᵀe₀ − ‖c_u‖² − ‖c_β‖² then cancels far fewer
///   digits than yᵀy − … would when y has a large mean.
///
/// Layout (q₁, ℓ₁, q₂, p as in ``ModelStructure``; every block column-major):
/// - per block level j: A_j = Z₁ⱼᵀZ₁ⱼ (q₁×q₁), D_j = Z₁ⱼᵀX̃ (q₁×p), d_j = Z₁ⱼᵀe₀ (q₁);
/// - coupling C_j = Z₁ⱼᵀZ₂ restricted to the dense groups level j's rows touch (q₁×m_j);
/// - dense part: G = Z₂ᵀZ₂ (q₂×q₂), F = Z₂ᵀX̃ (q₂×p), f = Z₂ᵀe₀ (q₂);
/// - X̃ᵀX̃ (p×p), X̃ᵀe₀ (p), e₀ᵀe₀, with compensated dot products.
struct CrossProducts: Sendable {
    let n: Int, p: Int
    let q1: Int, l1: Int, q2: Int

    /// R₀ (p×p upper triangular) with X = Q·R₀.
    let r0: [Double]
    /// β_ols, the least-squares coefficients of y on X.
    let olsCoefficients: [Double]
    /// log|R₀|² = 2·Σ log|R₀,jj|.
    let logDetR0Squared: Double

    let blockGram: [Double]
    let blockX: [Double]
    let blockY: [Double]

    /// `touchedColumnStart[j]..<touchedColumnStart[j+1]`: level j's coupling columns.
    let touchedColumnStart: [Int]
    /// For each coupling column: its index in u₂.
    let touchedColumnIndex: [Int32]
    /// `touchedGroupStart[j]..<touchedGroupStart[j+1]`: the dense groups level j touches (ascending).
    let touchedGroupStart: [Int]
    let touchedGroups: [Int32]
    /// C_j for all levels, level j at `q₁·touchedColumnStart[j]`.
    let coupling: [Double]

    let denseGram: [Double]
    let denseX: [Double]
    let denseY: [Double]

    let xtx: [Double]
    let xty: [Double]
    let yty: Double

    init(problem: MixedModelProblem, structure: ModelStructure) throws(MixedModelError) {
        let n = problem.observationCount, p = problem.fixedEffectCount
        let q1 = structure.blockSize, l1 = structure.blockLevelCount, q2 = structure.denseSize
        self.n = n; self.p = p; self.q1 = q1; self.l1 = l1; self.q2 = q2

        // --- Fixed effects: X = Q·R₀, X̃ = X·R₀⁻¹, e₀ = y − X·β_ols.
        var r0 = [Double](repeating: 0, count: p * p)
        var ols = [Double](repeating: 0, count: p)
        var xt = problem.fixedDesign
        var e0 = problem.response
        var logDetR0 = 0.0
        if p > 0 {
            do {
                var factor = problem.fixedDesign
                let tau = try LAPACK.qr(&factor, rows: n, columns: p)
                for j in 0..<p {
                    for i in 0...j { r0[i + j * p] = factor[i + j * n] }
                }
                // Rank check in the spirit of R's qr(X, tol = 1e-7) (lme4's check.rankX): a column
                // whose component orthogonal to the ones before it is below 1e-7 of its norm.
                for j in 0..<p {
                    let norm = problem.fixedDesign[(j * n)..<((j + 1) * n)].withUnsafeBufferPointer {
                        Compensated.dot($0, $0).squareRoot()
                    }
                    if !(abs(r0[j + j * p]) > 1e-7 * norm) {
                        throw MixedModelError.rankDeficientFixedEffects(column: problem.fixedEffectNames[j])
                    }
                    logDetR0 += 2 * log(abs(r0[j + j * p]))
                }
                var qty = problem.response
                try LAPACK.applyQ(
                    factor: factor, tau: tau, rows: n, reflectors: p, to: &qty, columns: 1, transposed: true)
                var head = Array(qty.prefix(p))
                try LAPACK.solveUpperTriangular(r0, leadingDimension: p, order: p, &head, rightHandSides: 1, transposed: false)
                ols = head
                try xt.withUnsafeMutableBufferPointer { buffer throws(LinearAlgebraError) in
                    guard let base = buffer.baseAddress else { return }
                    try LAPACK.multiplyByInverseUpper(base, rows: n, leadingDimension: n, upper: r0, order: p)
                }
            } catch let error as MixedModelError {
                throw error
            } catch let error as LinearAlgebraError {
                throw .linearAlgebra(error)
            } catch {
                throw .optimizationFailed("unexpected error \(error)")
            }
            for i in 0..<n {
                var fitted = 0.0
                for j in 0..<p { fitted += problem.fixedDesign[i + j * n] * ols[j] }
                e0[i] = problem.response[i] - fitted
            }
        }
        self.r0 = r0
        self.olsCoefficients = ols
        self.logDetR0Squared = logDetR0

        var xtx = [Double](repeating: 0, count: p * p)
        var xty = [Double](repeating: 0, count: p)
        xt.withUnsafeBufferPointer { x in
            e0.withUnsafeBufferPointer { e in
                guard let base = x.baseAddress else { return }
                for j in 0..<p {
                    let cj = UnsafeBufferPointer(start: base + j * n, count: n)
                    for k in 0...j {
                        let ck = UnsafeBufferPointer(start: base + k * n, count: n)
                        let value = Compensated.dot(cj, ck)
                        xtx[j + k * p] = value
                        xtx[k + j * p] = value
                    }
                    xty[j] = Compensated.dot(cj, e)
                }
            }
        }
        self.xtx = xtx
        self.xty = xty
        self.yty = e0.withUnsafeBufferPointer { Compensated.dot($0, $0) }

        // --- Random effects: rows bucketed by block level (counting sort, linear in n).
        var blockGram = [Double](repeating: 0, count: l1 * q1 * q1)
        var blockX = [Double](repeating: 0, count: l1 * q1 * p)
        var blockY = [Double](repeating: 0, count: l1 * q1)
        var touchedColumnStart = [0], touchedGroupStart = [0]
        var touchedColumnIndex: [Int32] = [], touchedGroups: [Int32] = [], coupling: [Double] = []
        var denseGram = [Double](repeating: 0, count: q2 * q2)
        var denseX = [Double](repeating: 0, count: q2 * p)
        var denseY = [Double](repeating: 0, count: q2)

        if let blockLevels = structure.blockLevels {
            var levelStart = [Int](repeating: 0, count: l1 + 1)
            for level in blockLevels { levelStart[Int(level) + 1] += 1 }
            for j in 0..<l1 { levelStart[j + 1] += levelStart[j] }
            var next = levelStart
            var rowOrder = [Int](repeating: 0, count: n)
            for (row, level) in blockLevels.enumerated() {
                rowOrder[next[Int(level)]] = row
                next[Int(level)] += 1
            }

            let blockTerms = structure.blockPositions.map { structure.term(atPosition: $0) }
            let denseTerms = structure.densePositions.map { structure.term(atPosition: $0) }
            let groupCount = structure.groupOffset.count
            var columnOfGroup = [Int](repeating: -1, count: groupCount)
            var z1 = [Double](repeating: 0, count: q1)
            var rowGroups = [Int](repeating: 0, count: denseTerms.count)
            var rowDenseIndex: [Int] = [], rowDenseValue: [Double] = []

            for j in 0..<l1 {
                let rows = rowOrder[levelStart[j]..<levelStart[j + 1]]
                // The dense groups this level touches, ascending.
                var groups: [Int] = []
                for row in rows {
                    for (d, term) in denseTerms.enumerated() {
                        let g = structure.denseGroupOffsets[d] + Int(term.levels[row])
                        if columnOfGroup[g] < 0 { columnOfGroup[g] = 0; groups.append(g) }
                    }
                }
                groups.sort()
                var m = 0
                for g in groups {
                    columnOfGroup[g] = m
                    touchedGroups.append(Int32(g))
                    for c in 0..<structure.groupSize[g] { touchedColumnIndex.append(Int32(structure.groupOffset[g] + c)) }
                    m += structure.groupSize[g]
                }
                var cj = [Double](repeating: 0, count: q1 * m)
                let gramBase = j * q1 * q1, xBase = j * q1 * p, yBase = j * q1

                for row in rows {
                    for (t, term) in blockTerms.enumerated() {
                        let offset = structure.blockColumnOffsets[t]
                        for c in 0..<term.columnCount { z1[offset + c] = term.modelMatrix[row + c * n] }
                    }
                    for b in 0..<q1 {
                        for a in b..<q1 { blockGram[gramBase + a + b * q1] += z1[a] * z1[b] }
                        for k in 0..<p { blockX[xBase + b + k * q1] += z1[b] * xt[row + k * n] }
                        blockY[yBase + b] += z1[b] * e0[row]
                    }
                    guard !denseTerms.isEmpty else { continue }
                    rowDenseIndex.removeAll(keepingCapacity: true)
                    rowDenseValue.removeAll(keepingCapacity: true)
                    for (d, term) in denseTerms.enumerated() {
                        let g = structure.denseGroupOffsets[d] + Int(term.levels[row])
                        rowGroups[d] = g
                        let column = columnOfGroup[g]
                        for c in 0..<term.columnCount {
                            let z = term.modelMatrix[row + c * n]
                            rowDenseIndex.append(structure.groupOffset[g] + c)
                            rowDenseValue.append(z)
                            for a in 0..<q1 { cj[a + (column + c) * q1] += z1[a] * z }
                        }
                    }
                    for (s, u) in rowDenseIndex.enumerated() {
                        let zu = rowDenseValue[s]
                        for (t, v) in rowDenseIndex.enumerated() where v >= u {
                            denseGram[v + u * q2] += rowDenseValue[t] * zu
                        }
                        for k in 0..<p { denseX[u + k * q2] += zu * xt[row + k * n] }
                        denseY[u] += zu * e0[row]
                    }
                }
                for b in 0..<q1 {
                    for a in 0..<b { blockGram[gramBase + a + b * q1] = blockGram[gramBase + b + a * q1] }
                }
                for g in groups { columnOfGroup[g] = -1 }
                coupling.append(contentsOf: cj)
                touchedColumnStart.append(touchedColumnIndex.count)
                touchedGroupStart.append(touchedGroups.count)
            }
            for b in 0..<q2 {
                for a in 0..<b { denseGram[a + b * q2] = denseGram[b + a * q2] }
            }
        }
        self.blockGram = blockGram
        self.blockX = blockX
        self.blockY = blockY
        self.touchedColumnStart = touchedColumnStart
        self.touchedColumnIndex = touchedColumnIndex
        self.touchedGroupStart = touchedGroupStart
        self.touchedGroups = touchedGroups
        self.coupling = coupling
        self.denseGram = denseGram
        self.denseX = denseX
        self.denseY = denseY
    }
}
