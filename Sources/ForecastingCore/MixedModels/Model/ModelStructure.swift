/// How the engine lays out θ, Λθ and the spherical random effects u.
///
/// Terms are put in lme4's order (decreasing number of observed levels; Bates et al. 2015,
/// §2.3: "ordered by decreasing number of levels"), which fixes the order of θ. The grouping
/// factor of the first term (the one with the most levels) forms the *block part* of u: all
/// terms on that factor, one q₁×q₁ block per level, so ΛᵀZᵀZΛ + I is block diagonal there. All
/// other terms form the *dense part* u₂ (q₂ columns), handled through a dense Schur complement.
struct ModelStructure: Sendable {
    /// The terms in problem order.
    let terms: [RandomEffectTerm]
    /// `order[k]` is the problem index of the k-th term in lme4's order.
    let order: [Int]
    /// `thetaOffsets[k]..<thetaOffsets[k+1]` is the θ slice of the k-th ordered term.
    let thetaOffsets: [Int]
    /// lme4's lower bounds: 0 for diagonal entries of Λ, −∞ otherwise.
    let thetaLowerBounds: [Double]

    /// Ordered positions of the terms on the block factor, and each one's column offset in a block.
    let blockPositions: [Int]
    let blockColumnOffsets: [Int]
    /// q₁: columns per block (sum of the block terms' q).
    let blockSize: Int
    /// The number of levels of the block factor (0 when there are no random effects).
    let blockLevelCount: Int

    /// Ordered positions of the dense terms, the offset of each in u₂, and of its first group.
    let densePositions: [Int]
    let denseOffsets: [Int]
    let denseGroupOffsets: [Int]
    /// q₂: the length of u₂ (sum over dense terms of q_k × levels_k).
    let denseSize: Int
    /// For each dense group (a level of a dense term): its dense position index, offset in u₂ and size.
    let groupDenseIndex: [Int]
    let groupOffset: [Int]
    let groupSize: [Int]

    init(terms: [RandomEffectTerm]) {
        self.terms = terms
        // lme4 (reformulas::mkReTrms): if any(diff(nl) > 0) then ord <- rev(order(nl)), where nl
        // counts the levels present. rev() of a stable ascending sort puts ties in reverse order.
        let observedLevels = terms.map { term -> Int in
            var seen = [Bool](repeating: false, count: term.levelCount)
            var count = 0
            for level in term.levels where !seen[Int(level)] { seen[Int(level)] = true; count += 1 }
            return count
        }
        var order = Array(terms.indices)
        if zip(observedLevels, observedLevels.dropFirst()).contains(where: { $0 < $1 }) {
            order = terms.indices.sorted { (observedLevels[$0], $0) < (observedLevels[$1], $1) }.reversed()
        }
        self.order = order

        var offsets = [0]
        var lower: [Double] = []
        for index in order {
            let term = terms[index]
            for position in term.thetaPositions {
                lower.append(position.row == position.column ? 0 : -.infinity)
            }
            offsets.append(offsets[offsets.count - 1] + term.thetaCount)
        }
        thetaOffsets = offsets
        thetaLowerBounds = lower

        var blockPositions: [Int] = [], blockColumnOffsets: [Int] = []
        var densePositions: [Int] = [], denseOffsets: [Int] = [], denseGroupOffsets: [Int] = []
        var blockSize = 0, denseSize = 0, groupCount = 0
        var groupDenseIndex: [Int] = [], groupOffset: [Int] = [], groupSize: [Int] = []
        let blockName = order.first.map { terms[$0].groupName }
        for (position, index) in order.enumerated() {
            let term = terms[index]
            if term.groupName == blockName {
                blockPositions.append(position)
                blockColumnOffsets.append(blockSize)
                blockSize += term.columnCount
            } else {
                let denseIndex = densePositions.count
                densePositions.append(position)
                denseOffsets.append(denseSize)
                denseGroupOffsets.append(groupCount)
                for level in 0..<term.levelCount {
                    groupDenseIndex.append(denseIndex)
                    groupOffset.append(denseSize + level * term.columnCount)
                    groupSize.append(term.columnCount)
                }
                denseSize += term.columnCount * term.levelCount
                groupCount += term.levelCount
            }
        }
        self.blockPositions = blockPositions
        self.blockColumnOffsets = blockColumnOffsets
        self.blockSize = blockSize
        self.blockLevelCount = order.first.map { terms[$0].levelCount } ?? 0
        self.densePositions = densePositions
        self.denseOffsets = denseOffsets
        self.denseGroupOffsets = denseGroupOffsets
        self.denseSize = denseSize
        self.groupDenseIndex = groupDenseIndex
        self.groupOffset = groupOffset
        self.groupSize = groupSize
    }

    /// The number of θ entries.
    var thetaCount: Int { thetaOffsets[thetaOffsets.count - 1] }

    /// The term at ordered position k.
    func term(atPosition k: Int) -> RandomEffectTerm { terms[order[k]] }

    /// The block factor's levels per row (nil without random effects).
    var blockLevels: [Int32]? { order.first.map { terms[$0].levels } }

    /// lme4's starting value: 1 on the diagonal of each Λ_k, 0 elsewhere.
    var initialTheta: [Double] { thetaLowerBounds.map { $0 == 0 ? 1 : 0 } }

    /// Λ_k for each ordered position.
    func relativeFactors(_ theta: [Double]) -> [[Double]] {
        (0..<order.count).map { k in
            term(atPosition: k).relativeFactor(theta[thetaOffsets[k]..<thetaOffsets[k + 1]])
        }
    }

    /// Λ₁, the q₁×q₁ block-diagonal (lower-triangular) factor of one level of the block part.
    func blockFactor(_ factors: [[Double]]) -> [Double] {
        let q1 = blockSize
        var lambda = [Double](repeating: 0, count: q1 * q1)
        for (position, offset) in zip(blockPositions, blockColumnOffsets) {
            let q = term(atPosition: position).columnCount
            let factor = factors[position]
            for j in 0..<q {
                for i in 0..<q { lambda[(offset + i) + (offset + j) * q1] = factor[i + j * q] }
            }
        }
        return lambda
    }

    /// θ with the sign of each column of every Λ_k flipped where needed so the diagonal is ≥ 0.
    /// ΛΛᵀ, and so the criterion, is unchanged: the criterion depends on θ only through ΛΛᵀ.
    func canonicalized(_ theta: [Double]) -> [Double] {
        var result = theta
        for k in 0..<order.count {
            let term = term(atPosition: k)
            let positions = term.thetaPositions
            for column in 0..<term.columnCount {
                guard let diagonal = positions.firstIndex(where: { $0.row == column && $0.column == column }),
                      result[thetaOffsets[k] + diagonal] < 0 else { continue }
                for (index, position) in positions.enumerated() where position.column == column {
                    result[thetaOffsets[k] + index] = -result[thetaOffsets[k] + index]
                }
            }
        }
        return result
    }
}
