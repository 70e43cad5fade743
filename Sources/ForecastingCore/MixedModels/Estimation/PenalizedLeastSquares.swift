import Foundation

/// The Cholesky factorization of the penalized least-squares (PLS) system at one θ
/// (Bates et al. 2015, §3.2–3.3, eq. 18–21):
///
///     [ L      0  ] [ Lᵀ  R_ZX ]   [ ΛᵀZᵀZΛ + I   ΛᵀZᵀX ]
///     [ R_ZXᵀ  R_Xᵀ] [ 0   R_X  ] = [ XᵀZΛ         XᵀX   ],
///
/// with L·c_u = ΛᵀZᵀy, R_Xᵀ·c_β = Xᵀy − R_ZXᵀ·c_u, and the penalized residual sum of squares
/// r²(θ) = yᵀy − ‖c_u‖² − ‖c_β‖² (eq. 28–30).
///
/// L has the block structure of ``ModelStructure``: L₁₁ = diag(L_j) with L_j·L_jᵀ =
/// Λ₁ᵀA_jΛ₁ + I per block level; L₂₁ = [W₁ᵀ … W_ℓᵀ] with W_j = L_j⁻¹Λ₁ᵀC_jΛ₂ (sparse: only
/// the dense columns level j touches); and L₂₂ the Cholesky factor of the Schur complement
/// S = Λ₂ᵀGΛ₂ + I − Σ_j W_jᵀW_j. X, β and y are in the transformed coordinates of
/// ``CrossProducts`` (X̃, β̃, e₀).
struct PLSFactorization: Sendable {
    let theta: [Double]
    /// Λ_k per ordered position, and Λ₁ for a block level.
    let factors: [[Double]]
    let blockLambda: [Double]

    /// L_j per block level (q₁×q₁ lower triangular each).
    var blockCholesky: [Double]
    /// W_j per block level, laid out as ``CrossProducts/coupling``.
    var couplingFactor: [Double]
    /// R_ZX rows of the block part (V_j, q₁×p per level) and c_u there (q₁ per level).
    var blockRZX: [Double]
    var blockCu: [Double]
    /// L₂₂ (q₂×q₂ lower), R_ZX rows of the dense part (q₂×p), c_u there (q₂).
    var denseCholesky: [Double]
    var denseRZX: [Double]
    var denseCu: [Double]
    /// R_X (p×p upper triangular) and c_β, both for X̃.
    var rx: [Double]
    var cBeta: [Double]

    /// log|L|² = log det(ΛᵀZᵀZΛ + I).
    var logDetL2: Double
    /// log|R_X|² for the original X (includes log|R₀|²).
    var logDetRX2: Double
    /// r²(θ), the penalized residual sum of squares at the conditional estimates β̂(θ), û(θ).
    var pwrss: Double

    /// Factors the PLS system at θ.
    /// - Throws: `MixedModelError.linearAlgebra` if a factorization fails (only through
    ///   round-off: every matrix factored is positive definite in exact arithmetic).
    init(theta: [Double], structure: ModelStructure, cross: CrossProducts) throws(MixedModelError) {
        let q1 = cross.q1, l1 = cross.l1, q2 = cross.q2, p = cross.p
        self.theta = theta
        let factors = structure.relativeFactors(theta)
        self.factors = factors
        let lambda1 = structure.blockFactor(factors)
        self.blockLambda = lambda1

        var blockCholesky = [Double](repeating: 0, count: l1 * q1 * q1)
        var couplingFactor = cross.coupling
        var blockRZX = cross.blockX
        var blockCu = cross.blockY
        // Σ_j contributions to the dense part and to the fixed-effect part.
        var schur = [Double](repeating: 0, count: q2 * q2)
        var denseRZX = [Double](repeating: 0, count: q2 * p)
        var denseCu = [Double](repeating: 0, count: q2)
        var vtv = [Double](repeating: 0, count: p * p)
        var vtc = [Double](repeating: 0, count: p)
        var cuSquares = CompensatedSum()
        var logDet = CompensatedSum()
        var failedLevel: Int? = nil

        // Dense-group factors, flattened for pointer access: Λ_k of group g at groupLambdaOffset[g].
        var denseLambda: [Double] = []
        var denseLambdaOffset: [Int] = []
        for position in structure.densePositions {
            denseLambdaOffset.append(denseLambda.count)
            denseLambda.append(contentsOf: factors[position])
        }

        lambda1.withUnsafeBufferPointer { lam in
        cross.blockGram.withUnsafeBufferPointer { gram in
        blockCholesky.withUnsafeMutableBufferPointer { chol in
        couplingFactor.withUnsafeMutableBufferPointer { w in
        blockRZX.withUnsafeMutableBufferPointer { v in
        blockCu.withUnsafeMutableBufferPointer { cu in
        schur.withUnsafeMutableBufferPointer { s in
        denseRZX.withUnsafeMutableBufferPointer { rzx2 in
        denseCu.withUnsafeMutableBufferPointer { cu2 in
        denseLambda.withUnsafeBufferPointer { dl in
        cross.touchedColumnIndex.withUnsafeBufferPointer { columnIndex in
            guard let lam = lam.baseAddress, let chol = chol.baseAddress else { return }
            let w = w.baseAddress, v = v.baseAddress, cu = cu.baseAddress
            var product = 1.0
            var scratch = [Double](repeating: 0, count: q1 * q1)
            scratch.withUnsafeMutableBufferPointer { t in
                guard let t = t.baseAddress, let cu = cu else { return }
                for j in 0..<l1 {
                    // M_j = Λ₁ᵀ A_j Λ₁ + I (eq. 18 restricted to level j), then L_j = chol(M_j).
                    let m = chol + j * q1 * q1
                    for i in 0..<(q1 * q1) { t[i] = gram[j * q1 * q1 + i] }
                    SmallMatrix.multiplyColumnsByLower(t, rows: q1, ld: q1, offset: 0, lam, q1)
                    SmallMatrix.multiplyLowerTransposed(lam, q1, t, q1)
                    for i in 0..<(q1 * q1) { m[i] = t[i] }
                    for i in 0..<q1 { m[i + i * q1] += 1 }
                    guard SmallMatrix.choleskyLower(m, q1) else { failedLevel = j; return }
                    for i in 0..<q1 {
                        let diagonal = m[i + i * q1]
                        if product > 1e150 { logDet.add(2 * log(product)); product = 1 }
                        product *= diagonal
                    }
                    // V_j = L_j⁻¹Λ₁ᵀD_j and c_j = L_j⁻¹Λ₁ᵀd_j (rows of R_ZX and c_u, eq. 19–20).
                    let cj = cu + j * q1
                    SmallMatrix.multiplyLowerTransposed(lam, q1, cj, 1)
                    SmallMatrix.forwardSolve(m, q1, cj, 1)
                    for i in 0..<q1 { cuSquares.addProduct(cj[i], cj[i]) }
                    if p > 0, let v {
                        let vj = v + j * q1 * p
                        SmallMatrix.multiplyLowerTransposed(lam, q1, vj, p)
                        SmallMatrix.forwardSolve(m, q1, vj, p)
                        for b in 0..<p {
                            for a in b..<p {
                                var sum = 0.0
                                for r in 0..<q1 { sum += vj[r + a * q1] * vj[r + b * q1] }
                                vtv[a + b * p] += sum
                            }
                            var sum = 0.0
                            for r in 0..<q1 { sum += vj[r + b * q1] * cj[r] }
                            vtc[b] += sum
                        }
                    }
                    // W_j = L_j⁻¹Λ₁ᵀC_jΛ₂ on the touched columns, then the Schur updates.
                    let start = cross.touchedColumnStart[j], count = cross.touchedColumnStart[j + 1] - start
                    guard count > 0, let w, let s = s.baseAddress, let cu2 = cu2.baseAddress,
                          let dl = dl.baseAddress, let columnIndex = columnIndex.baseAddress else { continue }
                    let wj = w + start * q1
                    SmallMatrix.multiplyLowerTransposed(lam, q1, wj, count)
                    var column = 0
                    for groupSlot in cross.touchedGroupStart[j]..<cross.touchedGroupStart[j + 1] {
                        let g = Int(cross.touchedGroups[groupSlot])
                        let size = structure.groupSize[g]
                        let denseIndex = structure.groupDenseIndex[g]
                        SmallMatrix.multiplyColumnsByLower(
                            wj, rows: q1, ld: q1, offset: column, dl + denseLambdaOffset[denseIndex], size)
                        column += size
                    }
                    SmallMatrix.forwardSolve(m, q1, wj, count)
                    let indices = columnIndex + start
                    // Touched columns are ascending; when they are also contiguous (e.g. a crossed
                    // factor every level meets) the update is a plain dense loop.
                    let first = Int(indices[0])
                    let contiguous = Int(indices[count - 1]) - first == count - 1
                    for b in 0..<count {
                        let ub = Int(indices[b])
                        let wb = wj + b * q1
                        if q1 == 1 && contiguous {
                            let column = s + ub * q2 + first, scale = wb[0]
                            for a in b..<count { column[a] -= wj[a] * scale }
                        } else {
                            for a in b..<count {
                                let wa = wj + a * q1
                                var sum = 0.0
                                for r in 0..<q1 { sum += wa[r] * wb[r] }
                                s[Int(indices[a]) + ub * q2] -= sum
                            }
                        }
                        var sum = 0.0
                        for r in 0..<q1 { sum += wb[r] * cj[r] }
                        cu2[ub] -= sum
                        if p > 0, let rzx2 = rzx2.baseAddress, let v {
                            let vj = v + j * q1 * p
                            for k in 0..<p {
                                var sum = 0.0
                                for r in 0..<q1 { sum += wb[r] * vj[r + k * q1] }
                                rzx2[ub + k * q2] -= sum
                            }
                        }
                    }
                }
            }
            logDet.add(2 * log(product))
        }}}}}}}}}}}
        if let failedLevel {
            throw .linearAlgebra(.lapack(routine: "Cholesky of block level \(failedLevel)", info: 1))
        }

        // Dense part: S = Λ₂ᵀGΛ₂ + I − Σ W_jᵀW_j, L₂₂ = chol(S) (Schur complement of L₁₁).
        if q2 > 0 {
            var s0 = cross.denseGram
            var f0 = cross.denseX
            var y0 = cross.denseY
            s0.withUnsafeMutableBufferPointer { s0 in
            f0.withUnsafeMutableBufferPointer { f0 in
            y0.withUnsafeMutableBufferPointer { y0 in
            denseLambda.withUnsafeBufferPointer { dl in
                guard let s0 = s0.baseAddress, let y0 = y0.baseAddress, let dl = dl.baseAddress else { return }
                for g in 0..<structure.groupOffset.count {
                    let lambda = dl + denseLambdaOffset[structure.groupDenseIndex[g]]
                    let offset = structure.groupOffset[g], size = structure.groupSize[g]
                    SmallMatrix.multiplyColumnsByLower(s0, rows: q2, ld: q2, offset: offset, lambda, size)
                }
                for g in 0..<structure.groupOffset.count {
                    let lambda = dl + denseLambdaOffset[structure.groupDenseIndex[g]]
                    let offset = structure.groupOffset[g], size = structure.groupSize[g]
                    SmallMatrix.multiplyRowsByLowerTransposed(s0, columns: q2, ld: q2, offset: offset, lambda, size)
                    SmallMatrix.multiplyRowsByLowerTransposed(y0, columns: 1, ld: q2, offset: offset, lambda, size)
                    if p > 0, let f0 = f0.baseAddress {
                        SmallMatrix.multiplyRowsByLowerTransposed(f0, columns: p, ld: q2, offset: offset, lambda, size)
                    }
                }
            }}}}
            for b in 0..<q2 {
                for a in b..<q2 { schur[a + b * q2] += s0[a + b * q2] }
                schur[b + b * q2] += 1
                denseCu[b] += y0[b]
            }
            for index in 0..<(q2 * p) { denseRZX[index] += f0[index] }
            do {
                try LAPACK.choleskyFactor(&schur, order: q2, lower: true)
                try LAPACK.solveTriangular(schur, order: q2, lower: true, transposed: false, &denseRZX, rightHandSides: p)
                try LAPACK.solveTriangular(schur, order: q2, lower: true, transposed: false, &denseCu, rightHandSides: 1)
                // R_ZX₂ᵀR_ZX₂ joins Σ V_jᵀV_j.
                try LAPACK.symmetricRankUpdate(denseRZX, rows: q2, columns: p, alpha: 1, beta: 1, &vtv)
            } catch {
                throw .linearAlgebra(error)
            }
            for i in 0..<q2 {
                logDet.add(2 * log(schur[i + i * q2]))
                cuSquares.addProduct(denseCu[i], denseCu[i])
                for k in 0..<p { vtc[k] += denseRZX[i + k * q2] * denseCu[i] }
            }
        }

        // Fixed effects: R_XᵀR_X = X̃ᵀX̃ − R_ZXᵀR_ZX, R_Xᵀc_β = X̃ᵀe₀ − R_ZXᵀc_u (eq. 21).
        var rx = [Double](repeating: 0, count: p * p)
        var cBeta = [Double](repeating: 0, count: p)
        for b in 0..<p {
            for a in b..<p {
                let value = cross.xtx[a + b * p] - (structure.blockSize > 0 || q2 > 0 ? vtv[a + b * p] : 0)
                rx[b + a * p] = value   // upper triangle for R_Xᵀ R_X = … (dpotrf "U")
            }
            cBeta[b] = cross.xty[b] - vtc[b]
        }
        var logDetRX = cross.logDetR0Squared
        var betaSquares = CompensatedSum()
        if p > 0 {
            do {
                try LAPACK.choleskyFactor(&rx, order: p, lower: false)
                try LAPACK.solveTriangular(rx, order: p, lower: false, transposed: true, &cBeta, rightHandSides: 1)
            } catch {
                throw .linearAlgebra(error)
            }
            for i in 0..<p {
                logDetRX += 2 * log(rx[i + i * p])
                betaSquares.addProduct(cBeta[i], cBeta[i])
            }
        }
        // r² = e₀ᵀe₀ − ‖c_u‖² − ‖c_β‖² (eq. 30), the subtractions done in compensated arithmetic.
        var pwrss = CompensatedSum(cross.yty)
        pwrss.add(-cuSquares.hi); pwrss.add(-cuSquares.lo)
        pwrss.add(-betaSquares.hi); pwrss.add(-betaSquares.lo)

        self.blockCholesky = blockCholesky
        self.couplingFactor = couplingFactor
        self.blockRZX = blockRZX
        self.blockCu = blockCu
        self.denseCholesky = schur
        self.denseRZX = denseRZX
        self.denseCu = denseCu
        self.rx = rx
        self.cBeta = cBeta
        self.logDetL2 = logDet.value
        self.logDetRX2 = logDetRX
        self.pwrss = pwrss.value
    }
}

/// The conditional estimates at θ: β̃ = R_X⁻¹c_β, u = L⁻ᵀ(c_u − R_ZX·β̃) (eq. 28–29).
struct PLSSolution: Sendable {
    /// β̃ (coefficients of X̃ for e₀).
    var betaTilde: [Double]
    /// u₁ (q₁ per block level) and u₂ (q₂).
    var blockU: [Double]
    var denseU: [Double]

    init(_ f: PLSFactorization, cross: CrossProducts) throws(MixedModelError) {
        let q1 = cross.q1, l1 = cross.l1, q2 = cross.q2, p = cross.p
        var beta = f.cBeta
        var denseU = f.denseCu
        do {
            try LAPACK.solveTriangular(f.rx, order: p, lower: false, transposed: false, &beta, rightHandSides: 1)
            for i in 0..<q2 {
                var value = denseU[i]
                for k in 0..<p { value -= f.denseRZX[i + k * q2] * beta[k] }
                denseU[i] = value
            }
            try LAPACK.solveTriangular(f.denseCholesky, order: q2, lower: true, transposed: true, &denseU, rightHandSides: 1)
        } catch {
            throw .linearAlgebra(error)
        }
        var blockU = f.blockCu
        f.blockCholesky.withUnsafeBufferPointer { chol in
            blockU.withUnsafeMutableBufferPointer { u in
                guard let chol = chol.baseAddress, let u = u.baseAddress else { return }
                for j in 0..<l1 {
                    let uj = u + j * q1
                    for r in 0..<q1 {
                        var value = uj[r]
                        for k in 0..<p { value -= f.blockRZX[j * q1 * p + r + k * q1] * beta[k] }
                        let start = cross.touchedColumnStart[j], end = cross.touchedColumnStart[j + 1]
                        for column in start..<end {
                            value -= f.couplingFactor[column * q1 + r] * denseU[Int(cross.touchedColumnIndex[column])]
                        }
                        uj[r] = value
                    }
                    SmallMatrix.backSolveTransposed(chol + j * q1 * q1, q1, uj, 1)
                }
            }
        }
        self.betaTilde = beta
        self.blockU = blockU
        self.denseU = denseU
    }
}
