import Foundation

extension LinearMixedModelFit {
    /// Computes every result at θ̂.
    init(
        model: LinearMixedModel, theta: [Double], evaluations: Int, iterations: Int,
        converged: Bool, computeSatterthwaite: Bool
    ) throws(MixedModelError) {
        let structure = model.structure, cross = model.cross, problem = model.problem
        let n = cross.n, p = cross.p, q1 = cross.q1, l1 = cross.l1, q2 = cross.q2
        let f = try model.factor(theta: theta)
        let solution = try PLSSolution(f, cross: cross)

        // β = β_ols + R₀⁻¹β̃ (undo the transformations of CrossProducts).
        var shift = solution.betaTilde
        do {
            try LAPACK.solveTriangular(cross.r0, order: p, lower: false, transposed: false, &shift, rightHandSides: 1)
        } catch { throw .linearAlgebra(error) }
        let beta = zip(cross.olsCoefficients, shift).map { $0 + $1 }

        // b = Λu per problem term, level-major.
        var modes = problem.randomEffects.map { [Double](repeating: 0, count: $0.levelCount * $0.columnCount) }
        for (b, position) in structure.blockPositions.enumerated() {
            let index = structure.order[position], q = problem.randomEffects[index].columnCount
            let lambda = f.factors[position], offset = structure.blockColumnOffsets[b]
            for j in 0..<l1 {
                for r in 0..<q {
                    var value = 0.0
                    for c in 0...r { value += lambda[r + c * q] * solution.blockU[j * q1 + offset + c] }
                    modes[index][j * q + r] = value
                }
            }
        }
        for (d, position) in structure.densePositions.enumerated() {
            let index = structure.order[position], term = problem.randomEffects[index], q = term.columnCount
            let lambda = f.factors[position]
            for level in 0..<term.levelCount {
                for r in 0..<q {
                    var value = 0.0
                    for c in 0...r { value += lambda[r + c * q] * solution.denseU[structure.denseOffsets[d] + level * q + c] }
                    modes[index][level * q + r] = value
                }
            }
        }

        // r² summed directly over the rows at (β̂, û), in compensated arithmetic: the identity
        // r² = yᵀy − ‖c_u‖² − ‖c_β‖² used during optimization loses digits to cancellation.
        var squares = CompensatedSum()
        for i in 0..<n {
            var fitted = 0.0
            for j in 0..<p { fitted += problem.fixedDesign[i + j * n] * beta[j] }
            for (t, term) in problem.randomEffects.enumerated() {
                let q = term.columnCount, level = Int(term.levels[i])
                for c in 0..<q { fitted += term.modelMatrix[i + c * n] * modes[t][level * q + c] }
            }
            let residual = problem.response[i] - fitted
            squares.addProduct(residual, residual)
        }
        for u in solution.blockU { squares.addProduct(u, u) }
        for u in solution.denseU { squares.addProduct(u, u) }
        let pwrss = squares.value

        let method = problem.method
        let sigma = (pwrss / Double(method == .ml ? n : n - p)).squareRoot()
        let criterion = f.criterion(method: method, n: n, p: p, pwrss: pwrss)

        // cov(β̂) = σ²·(R_X R₀)⁻¹(R_X R₀)⁻ᵀ.
        let unscaled = try Self.unscaledCoefficientCovariance(f, cross: cross)
        let covariance = Matrix(rows: p, columns: p, values: unscaled.map { $0 * sigma * sigma })

        // Variance components σ²ΛΛᵀ, problem order.
        var components: [VarianceComponent] = []
        for (index, term) in problem.randomEffects.enumerated() {
            let position = structure.order.firstIndex(of: index) ?? 0
            let q = term.columnCount, lambda = f.factors[position]
            var matrix = Matrix(rows: q, columns: q)
            for a in 0..<q {
                for b in 0..<q {
                    var value = 0.0
                    for c in 0..<q { value += lambda[a + c * q] * lambda[b + c * q] }
                    matrix[a, b] = sigma * sigma * value
                }
            }
            components.append(VarianceComponent(
                groupName: term.groupName, columnNames: term.columnNames, structure: term.covariance, covariance: matrix))
        }

        // S⁻¹ and the conditional covariances.
        let inverseSchur: [Double]
        do { inverseSchur = try LAPACK.inverseGram(lower: f.denseCholesky, order: q2) } catch { throw .linearAlgebra(error) }
        let conditional = Self.conditionalCovariances(
            f, structure: structure, cross: cross, inverseSchur: inverseSchur, sigma: sigma, terms: problem.randomEffects)
        var conditionalModes: [ConditionalModes] = []
        for (index, term) in problem.randomEffects.enumerated() {
            conditionalModes.append(ConditionalModes(
                groupName: term.groupName, columnNames: term.columnNames, levelNames: term.levelNames,
                values: Matrix(rows: term.levelCount, columns: term.columnCount, values: Self.transposed(
                    modes[index], rows: term.columnCount, columns: term.levelCount)),
                conditionalCovariances: conditional[index]))
        }

        self.model = model
        self.theta = theta
        self.coefficients = beta
        self.coefficientCovariance = covariance
        self.sigma = sigma
        self.criterion = criterion
        self.penalizedResidualSumOfSquares = pwrss
        self.logDeterminantL = f.logDetL2
        self.logDeterminantRX = f.logDetRX2
        self.varianceComponents = components
        self.conditionalModes = conditionalModes
        self.evaluations = evaluations
        self.iterations = iterations
        self.converged = converged
        self.factorization = f
        self.solution = solution
        self.inverseSchur = inverseSchur
        self.modes = modes
        self.satterthwaite = computeSatterthwaite
            ? try? SatterthwaiteSupport(model: model, theta: theta, sigma: sigma)
            : nil
    }

    /// (R_X R₀)ᵀ(R_X R₀) inverted: cov(β̂)/σ² in the original coordinates of X.
    static func unscaledCoefficientCovariance(_ f: PLSFactorization, cross: CrossProducts) throws(MixedModelError) -> [Double] {
        let p = cross.p
        guard p > 0 else { return [] }
        var product = [Double](repeating: 0, count: p * p)
        for j in 0..<p {
            for i in 0...j {
                var value = 0.0
                for t in i...j { value += f.rx[i + t * p] * cross.r0[t + j * p] }
                product[i + j * p] = value
            }
        }
        do { return try LAPACK.inverseGram(upper: product, order: p) } catch { throw .linearAlgebra(error) }
    }

    /// The q×r matrix `values` (column-major) transposed to r×q.
    static func transposed(_ values: [Double], rows: Int, columns: Int) -> [Double] {
        var result = [Double](repeating: 0, count: values.count)
        for j in 0..<columns {
            for i in 0..<rows { result[j + i * columns] = values[i + j * rows] }
        }
        return result
    }
}
