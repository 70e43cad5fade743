import Foundation

extension LinearMixedModelFit {
    /// σ²·Λ_k·[(ΛᵀZᵀZΛ + I)⁻¹]_block·Λ_kᵀ for every level of every term (problem order).
    ///
    /// Block part, level j: the inverse's block is L_j⁻ᵀ(I + W_j S⁻¹ W_jᵀ)L_j⁻¹ (from
    /// L⁻¹ = [[L₁₁⁻¹, 0], [−L₂₂⁻¹L₂₁L₁₁⁻¹, L₂₂⁻¹]] and L₂₁ = [W₁ᵀ … W_ℓᵀ]). Dense part: S⁻¹'s
    /// diagonal block, since the lower-right block of the inverse is the inverse of the Schur
    /// complement.
    static func conditionalCovariances(
        _ f: PLSFactorization, structure: ModelStructure, cross: CrossProducts,
        inverseSchur: [Double], sigma: Double, terms: [RandomEffectTerm]
    ) -> [[Matrix]] {
        let q1 = cross.q1, l1 = cross.l1, q2 = cross.q2
        let s2 = sigma * sigma
        var result = terms.map { [Matrix](repeating: Matrix(rows: $0.columnCount, columns: $0.columnCount), count: $0.levelCount) }
        var block = [Double](repeating: 0, count: q1 * q1)
        var scratch = [Double](repeating: 0, count: q1 * q1)
        for j in 0..<l1 {
            let start = cross.touchedColumnStart[j], count = cross.touchedColumnStart[j + 1] - start
            // B = I + W_j S⁻¹_tt W_jᵀ.
            for i in 0..<(q1 * q1) { block[i] = 0 }
            for i in 0..<q1 { block[i + i * q1] = 1 }
            for a in 0..<count {
                let ia = Int(cross.touchedColumnIndex[start + a])
                for b in 0..<count {
                    let weight = inverseSchur[ia + Int(cross.touchedColumnIndex[start + b]) * q2]
                    for r in 0..<q1 {
                        let wra = f.couplingFactor[(start + a) * q1 + r] * weight
                        for c in 0..<q1 { block[r + c * q1] += wra * f.couplingFactor[(start + b) * q1 + c] }
                    }
                }
            }
            // L_j⁻ᵀ B L_j⁻¹ = L_j⁻ᵀ (L_j⁻ᵀ B)ᵀ for symmetric B.
            f.blockCholesky.withUnsafeBufferPointer { chol in
                block.withUnsafeMutableBufferPointer { b in
                    scratch.withUnsafeMutableBufferPointer { s in
                        guard let chol = chol.baseAddress, let b = b.baseAddress, let s = s.baseAddress else { return }
                        let l = chol + j * q1 * q1
                        SmallMatrix.backSolveTransposed(l, q1, b, q1)
                        for c in 0..<q1 { for r in 0..<q1 { s[c + r * q1] = b[r + c * q1] } }
                        SmallMatrix.backSolveTransposed(l, q1, s, q1)
                    }
                }
            }
            // σ² Λ₁ (·) Λ₁ᵀ, then each term's diagonal block.
            let lambda = f.blockLambda
            for (b, position) in structure.blockPositions.enumerated() {
                let index = structure.order[position], q = terms[index].columnCount, offset = structure.blockColumnOffsets[b]
                var matrix = Matrix(rows: q, columns: q)
                for r in 0..<q {
                    for c in 0..<q {
                        var value = 0.0
                        for s in 0..<q1 {
                            let left = lambda[(offset + r) + s * q1]
                            if left == 0 { continue }
                            for t in 0..<q1 { value += left * scratch[s + t * q1] * lambda[(offset + c) + t * q1] }
                        }
                        matrix[r, c] = s2 * value
                    }
                }
                result[index][j] = matrix
            }
        }
        for (d, position) in structure.densePositions.enumerated() {
            let index = structure.order[position], term = terms[index], q = term.columnCount
            let lambda = f.factors[position]
            for level in 0..<term.levelCount {
                let offset = structure.denseOffsets[d] + level * q
                var matrix = Matrix(rows: q, columns: q)
                for r in 0..<q {
                    for c in 0..<q {
                        var value = 0.0
                        for s in 0..<q {
                            for t in 0..<q {
                                value += lambda[r + s * q] * inverseSchur[(offset + s) + (offset + t) * q2] * lambda[c + t * q]
                            }
                        }
                        matrix[r, c] = s2 * value
                    }
                }
                result[index][level] = matrix
            }
        }
        return result
    }
}
