import Dispatch

/// A Householder QR factorization of a design matrix, with the solution of least-squares problems
/// refined to full double accuracy.
///
/// Accuracy comes from three steps (see Björck, *Numerical Methods for Least Squares Problems*,
/// SIAM 1996, §2.9):
/// 1. Columns are scaled by powers of two so each has a 2-norm in [1, 2). Multiplying by a power
///    of two is exact, so the problem is not changed, but the factorization no longer sees the
///    columns' units (Pontius' x² column is 1e13 times its x column).
/// 2. LAPACK factors the scaled copy once (dgeqrf).
/// 3. The solution is refined with residuals computed in twice the working precision
///    (``Compensated``): on the corrected seminormal equations when the scaled design is well
///    conditioned (κ ≤ ``seminormalConditionLimit``), otherwise on the augmented system
///    `[I A; Aᵀ 0][r; x] = [b; c]` (see ``solve(_:)``). Each step costs O(n·p), so a few steps
///    reach the accuracy of the data.
struct LeastSquaresFactorization: Sendable {
    let rows: Int
    let columns: Int
    /// The unscaled design matrix A, column-major n×p.
    let design: [Double]
    /// Power-of-two factors d with A·diag(d) the matrix that was factored.
    let columnScale: [Double]
    /// dgeqrf's output for A·diag(d): R above the diagonal, reflectors below.
    let factor: [Double]
    let tau: [Double]
    /// R of the scaled matrix as a separate p×p upper-triangular matrix.
    let upper: [Double]
    /// The right-hand side given to the initializer, if any, and the first p entries of Qᵀ·b
    /// (b folded into the R-only factorization as one more column), from which ``solve(_:)``
    /// starts instead of the seminormal equations when it is given the same b.
    private let response: [Double]?
    private let projectedResponse: [Double]?

    /// How many refinement steps at most; each normally gains many digits, so this is generous.
    static let maximumRefinementSteps = 10

    /// The fewest rows for which a well-conditioned design is factored without keeping Q (below it Q is cheap).
    static let rowsWithoutReflectors = 16_384

    /// Factors A (column-major, rows × columns). `keepReflectors` keeps Q however the design is conditioned
    /// (by default a well-conditioned design of at least ``rowsWithoutReflectors`` rows keeps R only).
    /// A `response` b (rows values) that will be passed to ``solve(_:)`` is folded into an R-only
    /// factorization as an extra column, so the solution starts from R⁻¹·(Qᵀb)₁ (an error of about κε)
    /// without a pass over A for Aᵀb.
    init(design: [Double], rows: Int, columns: Int, keepReflectors: Bool = false, response: [Double]? = nil) throws(LinearAlgebraError) {
        precondition(response.map { $0.count == rows } ?? true, "LeastSquaresFactorization: the response needs one value per row")
        self.rows = rows
        self.columns = columns
        self.design = design
        var scale = [Double](repeating: 1, count: columns)
        for j in 0..<columns {
            let norm = design.withUnsafeBufferPointer {
                Self.normInOnePass(UnsafeBufferPointer(rebasing: $0[(j * rows)..<((j + 1) * rows)]))
            }
            guard norm > 0, norm.isFinite else { continue }
            scale[j] = Double(sign: .plus, exponent: -norm.exponent, significand: 1)
        }
        self.columnScale = scale
        // R alone first, by Householder QR of chunks of rows that stay in cache, on both cores: a
        // well-conditioned design needs nothing else (the seminormal refinement works from R and A).
        if !keepReflectors, rows >= Self.rowsWithoutReflectors, rows >= columns, columns > 0 {
            let augmented = try Self.upperByChunks(design, rows: rows, columns: columns, scale: scale, response: response)
            let p = columns, width = response == nil ? p : p + 1
            var r = [Double](repeating: 0, count: p * p)
            for j in 0..<p { for i in 0...j { r[i + j * p] = augmented[i + j * width] } }
            let singular = try LAPACK.singularValues(r, rows: columns, columns: columns)
            if let largest = singular.first, let smallest = singular.last, smallest > 0,
               largest / smallest <= Self.seminormalConditionLimit {
                self.upper = r
                self.factor = []
                self.tau = []
                self.response = response
                self.projectedResponse = response == nil ? nil : Array(augmented[(p * width)..<(p * width + p)])
                return
            }
        }
        self.response = nil
        self.projectedResponse = nil
        // The reflectors too, for Björck's refinement: the one copy of A they need, scaled as it is written.
        var scaled = [Double](unsafeUninitializedCapacity: rows * columns) { buffer, count in
            design.withUnsafeBufferPointer { a in
                for j in 0..<columns {
                    let factor = scale[j]
                    for i in 0..<rows { buffer[i + j * rows] = a[i + j * rows] * factor }
                }
            }
            count = rows * columns
        }
        self.tau = try LAPACK.qr(&scaled, rows: rows, columns: columns)
        var r = [Double](repeating: 0, count: columns * columns)
        for j in 0..<columns {
            for i in 0...j where i < rows { r[i + j * columns] = scaled[i + j * rows] }
        }
        self.upper = r
        self.factor = scaled
    }

    /// Whether the Householder reflectors of A are kept (only for designs past ``seminormalConditionLimit``).
    var hasReflectors: Bool { !tau.isEmpty }

    /// R of A·diag(scale) by sequential Householder QR of [R; next rows] over chunks of about a thousand
    /// rows (TSQR), the two halves of the rows on two workers and their R's merged by one more QR.
    /// R is unique up to the signs of its rows, which nothing downstream depends on. With a `response` b,
    /// the R of [A·diag(scale) b], (p + 1)×(p + 1), whose last column holds Qᵀb's first p + 1 entries
    /// (Householder QR factors a column from the columns before it only, so its first p columns are R).
    static func upperByChunks(_ design: [Double], rows n: Int, columns: Int, scale: [Double],
                              response: [Double]? = nil) throws(LinearAlgebraError) -> [Double] {
        let p = response == nil ? columns : columns + 1
        let chunkRows = max(8 * p, 1024)
        let halves = n >= 8 * chunkRows ? 2 : 1
        var uppers = [[Double]](repeating: [], count: halves)
        var failures = [LinearAlgebraError?](repeating: nil, count: halves)
        let responseColumn = response ?? []
        design.withUnsafeBufferPointer { a in
            responseColumn.withUnsafeBufferPointer { b in
                uppers.withUnsafeMutableBufferPointer { uppers in
                    failures.withUnsafeMutableBufferPointer { failures in
                        // Safe to share: each worker reads A and b and writes only its own slots.
                        let job = ChunkJob(design: a, response: b, uppers: uppers, failures: failures)
                        let work: @Sendable (Int) -> Void = { half in
                            let first = half * (n / halves), last = half == halves - 1 ? n : (half + 1) * (n / halves)
                            do throws(LinearAlgebraError) {
                                job.uppers[half] = try foldChunks(job.design, response: job.response, rows: n, columns: p,
                                                                  from: first, to: last, chunkRows: chunkRows, scale: scale)
                            } catch {
                                job.failures[half] = error
                            }
                        }
                        if halves == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: halves, execute: work) }
                    }
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        guard halves == 2 else { return uppers[0] }
        var stacked = [Double](repeating: 0, count: 2 * p * p)
        for j in 0..<p {
            for i in 0...j {
                stacked[i + j * 2 * p] = uppers[0][i + j * p]
                stacked[p + i + j * 2 * p] = uppers[1][i + j * p]
            }
        }
        _ = try LAPACK.qr(&stacked, rows: 2 * p, columns: p)
        var r = [Double](repeating: 0, count: p * p)
        for j in 0..<p { for i in 0...j { r[i + j * p] = stacked[i + j * 2 * p] } }
        return r
    }

    /// R of the scaled rows `first..<last`, folding chunks of `chunkRows` rows into it. `p` counts the
    /// response as the last column when `response` is not empty.
    private static func foldChunks(_ a: UnsafeBufferPointer<Double>, response b: UnsafeBufferPointer<Double>, rows n: Int,
                                   columns p: Int, from first: Int, to last: Int,
                                   chunkRows: Int, scale: [Double]) throws(LinearAlgebraError) -> [Double] {
        let designColumns = b.isEmpty ? p : p - 1
        var r = [Double](repeating: 0, count: p * p)
        var stacked = [Double](repeating: 0, count: (p + chunkRows) * p)
        var start = first, haveR = false
        while start < last {
            let c = min(chunkRows, last - start)
            let top = haveR ? p : 0, height = top + c
            for j in 0..<p {
                let column = j * height
                for i in 0..<top { stacked[column + i] = i <= j ? r[i + j * p] : 0 }
                if j == designColumns {
                    for i in 0..<c { stacked[column + top + i] = b[start + i] }
                    continue
                }
                let d = scale[j], source = j * n + start
                for i in 0..<c { stacked[column + top + i] = a[source + i] * d }
            }
            if p <= HouseholderQR.maximumColumns {
                stacked.withUnsafeMutableBufferPointer { s in
                    if let base = s.baseAddress { HouseholderQR.factor(base, rows: height, columns: p) }
                }
            } else {
                _ = try LAPACK.qr(&stacked, rows: height, columns: p)
            }
            for j in 0..<p { for i in 0..<p { r[i + j * p] = i <= j && i < height ? stacked[i + j * height] : 0 } }
            haveR = true
            start += c
        }
        return r
    }

    /// ``norm(_:)`` bit for bit, reading the values once when it can: the largest and smallest nonzero
    /// magnitudes and the unscaled sum of squares in one pass. When every nonzero magnitude lies in
    /// [largest·2⁻³⁰⁰, largest] and largest in [2⁻²⁰⁰, 2²⁰⁰], no square or partial sum is subnormal or
    /// overflows, with or without ``norm(_:)``'s power-of-two scaling, so scaling commutes with every
    /// rounding and the two results are equal; otherwise it is ``norm(_:)``.
    static func normInOnePass(_ x: UnsafeBufferPointer<Double>) -> Double {
        typealias Lanes = ErrorFreeLanes.Lanes
        let n = x.count, width = ErrorFreeLanes.width
        guard n > 0, let base = x.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var largestLanes = Lanes.zero
        var smallestLanes = Lanes(repeating: .infinity)
        var totals = Lanes.zero
        var notANumber = SIMDMask<SIMD8<Int64>>(repeating: false)
        var i = 0
        while i + width <= n {
            let v = ErrorFreeLanes.load(raw, i)
            let magnitude = v.replacing(with: -v, where: v .< 0)
            largestLanes.replace(with: magnitude, where: magnitude .> largestLanes)
            smallestLanes.replace(with: magnitude, where: magnitude .< smallestLanes .& magnitude .> 0)
            notANumber .|= v .!= v
            totals += v * v
            i += width
        }
        if any(notANumber) { return .nan }
        let tail = i
        var largest = largestLanes.max(), smallest = smallestLanes.min()
        while i < n {
            let v = abs(x[i])
            if v.isNaN { return .nan }
            largest = Swift.max(largest, v)
            if v > 0 { smallest = Swift.min(smallest, v) }
            i += 1
        }
        let limit = Double(sign: .plus, exponent: 200, significand: 1)
        guard largest >= 1 / limit, largest <= limit, smallest >= largest * 0x1p-300 else { return norm(x) }
        var total = totals.sum()
        i = tail
        while i < n { total += x[i] * x[i]; i += 1 }
        return total.squareRoot()
    }

    /// The 2-norm without overflow or underflow (values are scaled by the largest magnitude), in eight
    /// lanes so the sums do not wait on one another.
    static func norm(_ x: UnsafeBufferPointer<Double>) -> Double {
        typealias Lanes = ErrorFreeLanes.Lanes
        let n = x.count, width = ErrorFreeLanes.width
        guard n > 0, let base = x.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var largestLanes = Lanes.zero
        var notANumber = SIMDMask<SIMD8<Int64>>(repeating: false)
        var i = 0
        while i + width <= n {
            let v = ErrorFreeLanes.load(raw, i)
            let magnitude = v.replacing(with: -v, where: v .< 0)
            largestLanes.replace(with: magnitude, where: magnitude .> largestLanes)
            notANumber .|= v .!= v
            i += width
        }
        if any(notANumber) { return .nan }
        var largest = largestLanes.max()
        while i < n {
            let v = abs(x[i])
            if v.isNaN { return .nan }
            largest = Swift.max(largest, v)
            i += 1
        }
        guard largest > 0, largest.isFinite else { return largest }
        // Scaling by a power of two near 1/largest is exact and avoids a division per element.
        let inverse = Double(sign: .plus, exponent: -largest.exponent, significand: 1)
        let scale = Lanes(repeating: inverse)
        var totals = Lanes.zero
        i = 0
        while i + width <= n {
            let s = ErrorFreeLanes.load(raw, i) * scale
            totals += s * s
            i += width
        }
        var total = totals.sum()
        while i < n { let s = x[i] * inverse; total += s * s; i += 1 }
        return (total.squareRoot() / inverse)
    }

    /// Singular values of the column-scaled design (those of R), largest first.
    func scaledSingularValues() throws(LinearAlgebraError) -> [Double] {
        try LAPACK.singularValues(upper, rows: columns, columns: columns)
    }

    /// Singular values of the unscaled design A (those of R·diag(d)⁻¹), largest first.
    func singularValues() throws(LinearAlgebraError) -> [Double] {
        var unscaled = upper
        for j in 0..<columns {
            for i in 0...j { unscaled[i + j * columns] /= columnScale[j] }
        }
        return try LAPACK.singularValues(unscaled, rows: columns, columns: columns)
    }

    /// The solution of min ‖b − A·x‖ and its residual vector, refined to full accuracy.
    ///
    /// A well-conditioned design (scaled condition number up to ``seminormalConditionLimit``) is
    /// refined on the corrected seminormal equations, x ← x + R⁻¹R⁻ᵀAᵀ(b − Ax), which touch A twice
    /// per step; each step shrinks the error by about κ²ε. Worse-conditioned designs take Björck's
    /// refinement on the augmented system, which also applies Q four times per step but converges
    /// while κε < 1.
    func solve(_ b: [Double]) throws(LinearAlgebraError) -> (coefficients: [Double], residuals: [Double], refinementSteps: Int) {
        if !hasReflectors, let projected = projectedResponse, let response, response == b {
            // b was folded into the factorization: x = R⁻¹(Qᵀb)₁, as with Q kept.
            var x = projected
            try LAPACK.solveUpperTriangular(upper, leadingDimension: columns, order: columns, &x, rightHandSides: 1, transposed: false)
            let singular = try scaledSingularValues()
            let condition = (singular.first ?? 1) / (singular.last ?? 1)
            let (r, steps) = try refineSeminormal(x: &x, b: b, condition: condition)
            return (zip(x, columnScale).map { $0 * $1 }, r, steps)
        }
        if !hasReflectors {
            // Without Q: start from the seminormal equations, x = R⁻¹R⁻ᵀA_sᵀb with A_sᵀb in twice the working
            // precision (an error of about κ²ε, which the first corrected step removes).
            let n = rows, p = columns
            var x = [Double](repeating: 0, count: p)
            var untouched = b
            design.withUnsafeBufferPointer { a in
                x.withUnsafeMutableBufferPointer { g in
                    ResidualKernel(a: a, rows: n, columns: p, beta: [Double](repeating: 0, count: p)).run(on: &untouched, gradient: g)
                }
            }
            for j in 0..<p { x[j] *= columnScale[j] }
            try LAPACK.solveUpperTriangular(upper, leadingDimension: p, order: p, &x, rightHandSides: 1, transposed: true)
            try LAPACK.solveUpperTriangular(upper, leadingDimension: p, order: p, &x, rightHandSides: 1, transposed: false)
            let singular = try scaledSingularValues()
            let condition = (singular.first ?? 1) / (singular.last ?? 1)
            let (r, steps) = try refineSeminormal(x: &x, b: b, condition: condition)
            return (zip(x, columnScale).map { $0 * $1 }, r, steps)
        }
        var c = b
        try LAPACK.applyQ(factor: factor, tau: tau, rows: rows, reflectors: columns, to: &c, columns: 1, transposed: true)
        var x = Array(c[0..<columns])
        try LAPACK.solveUpperTriangular(factor, leadingDimension: rows, order: columns, &x, rightHandSides: 1, transposed: false)
        let singular = try scaledSingularValues()
        if let largest = singular.first, let smallest = singular.last, smallest > 0,
           largest / smallest <= Self.seminormalConditionLimit {
            let (r, steps) = try refineSeminormal(x: &x, b: b, condition: largest / smallest)
            return (zip(x, columnScale).map { $0 * $1 }, r, steps)
        }
        var r = c
        for i in 0..<columns { r[i] = 0 }
        try LAPACK.applyQ(factor: factor, tau: tau, rows: rows, reflectors: columns, to: &r, columns: 1, transposed: false)
        let steps = try refine(x: &x, r: &r, b: b, unitRightHandSide: nil)
        return (zip(x, columnScale).map { $0 * $1 }, r, steps)
    }

    /// The largest scaled condition number for which the seminormal refinement is used (κ²ε ≤ 1e-10).
    static let seminormalConditionLimit = 1e3

    /// Corrected seminormal equations (Björck 1996, §2.9.3): r = b − A_s·x and g = A_sᵀr in twice the
    /// working precision (one pass over A, ``ResidualKernel``), then x += R⁻¹R⁻ᵀg, until the correction
    /// stops shrinking or the next one is known to be below the rounding of x. Returns the residual of
    /// the final x and the number of steps.
    ///
    /// Each step shrinks the error by about κ²ε (κ the scaled condition number; Björck 1996, §2.9.3),
    /// so after a correction δ the next one is about `contraction`·‖δ‖ with contraction = 2p·κ²ε, a
    /// generous bound. When that is under half an ulp of x, another step could not change x: only the
    /// residual of the final x is computed (one pass without Aᵀr) instead of a whole step.
    private func refineSeminormal(x: inout [Double], b: [Double], condition: Double) throws(LinearAlgebraError) -> (residuals: [Double], steps: Int) {
        let n = rows, p = columns
        let contraction = 2 * Double(p) * condition * condition * Double.ulpOfOne
        var r = b
        var g = [Double](repeating: 0, count: p)
        var previousCorrection = Double.infinity
        for step in 1...Self.maximumRefinementSteps {
            if step > 1 {
                r.withUnsafeMutableBufferPointer { r in b.withUnsafeBufferPointer { b in r.baseAddress!.update(from: b.baseAddress!, count: n) } }
            }
            let beta = zip(x, columnScale).map { $0 * $1 }
            design.withUnsafeBufferPointer { a in
                g.withUnsafeMutableBufferPointer { g in
                    ResidualKernel(a: a, rows: n, columns: p, beta: beta).run(on: &r, gradient: g)
                }
            }
            for j in 0..<p { g[j] *= columnScale[j] }
            try LAPACK.solveUpperTriangular(upper, leadingDimension: p, order: p, &g, rightHandSides: 1, transposed: true)
            try LAPACK.solveUpperTriangular(upper, leadingDimension: p, order: p, &g, rightHandSides: 1, transposed: false)
            let correction = g.reduce(0) { max($0, abs($1)) }
            let size = x.reduce(0) { max($0, abs($1)) }
            // A correction that does not shrink means the data's accuracy is reached: keep x as it is.
            if !(correction < previousCorrection) || !correction.isFinite { return (r, step - 1) }
            let unchanged = x
            for i in 0..<p { x[i] += g[i] }
            // At the rounding level the residual of the previous x differs from the new one's by A·δx,
            // below the rounding of b itself: no need to compute it again.
            if correction <= 2 * Double.ulpOfOne * size { return (r, step) }
            if contraction * correction <= 0.5 * Double.ulpOfOne * size {
                if !hasReflectors {
                    // A large design (R only): r holds b − A·x_old rounded; the final residual is r − A·δx with
                    // δx = x − x_old as stored (exact: Sterbenz), so it is the residual of the rounded x. A·δx is
                    // tiny (|δx| ≤ κ²ε|x|), so working precision adds a second rounding of r (within one ulp
                    // instead of half) and about pε·|A||δx|: one plain pass instead of one in twice the precision.
                    let change = (0..<p).map { (x[$0] - unchanged[$0]) * columnScale[$0] }
                    design.withUnsafeBufferPointer { a in
                        Self.subtractPlainProduct(a, rows: n, columns: p, beta: change, from: &r)
                    }
                    return (r, step)
                }
                r = b
                design.withUnsafeBufferPointer { a in
                    Self.subtractProduct(a, rows: n, columns: p, beta: zip(x, columnScale).map { $0 * $1 }, from: &r)
                }
                return (r, step)
            }
            previousCorrection = correction / 2
        }
        r = b
        design.withUnsafeBufferPointer { a in
            Self.subtractProduct(a, rows: n, columns: p, beta: zip(x, columnScale).map { $0 * $1 }, from: &r)
        }
        return (r, Self.maximumRefinementSteps)
    }

    /// (AᵀA)⁻¹ for the unscaled design. With `refined`, each column is refined as the solution
    /// of the augmented system with b = 0 and c = −eⱼ (whose x is column j of (AᵀA)⁻¹).
    func inverseGram(refined: Bool) throws(LinearAlgebraError) -> [Double] {
        let p = columns
        var inverse = try LAPACK.inverseGram(upper: upper, order: p)
        if refined {
            for j in 0..<p {
                var z = Array(inverse[(j * p)..<((j + 1) * p)])
                // r = −A_s·z, the residual of the augmented system at this z.
                let beta = zip(z, columnScale).map { $0 * $1 }
                var r = [Double](repeating: 0, count: rows)
                accumulate(into: &r, minus: beta)
                _ = try refine(x: &z, r: &r, b: nil, unitRightHandSide: j)
                for i in 0..<p { inverse[i + j * p] = z[i] }
            }
            // Symmetrize what refinement left slightly unsymmetric.
            for j in 0..<p {
                for i in (j + 1)..<max(j + 1, p) {
                    let mean = 0.5 * (inverse[i + j * p] + inverse[j + i * p])
                    inverse[i + j * p] = mean
                    inverse[j + i * p] = mean
                }
            }
        }
        for j in 0..<p {
            for i in 0..<p { inverse[i + j * p] *= columnScale[i] * columnScale[j] }
        }
        return inverse
    }

    /// A_sᵀr = diag(d)·Aᵀr, each entry computed in twice the working precision.
    private func scaledTransposeProduct(_ r: [Double]) -> [Double] {
        let n = rows
        return design.withUnsafeBufferPointer { a in
            r.withUnsafeBufferPointer { rr in
                (0..<columns).map { j in Compensated.dot(UnsafeBufferPointer(rebasing: a[(j * n)..<((j + 1) * n)]), rr) * columnScale[j] }
            }
        }
    }

    /// r := r − A·beta, each entry computed in twice the working precision.
    private func accumulate(into r: inout [Double], minus beta: [Double]) {
        design.withUnsafeBufferPointer { a in Self.subtractProduct(a, rows: rows, columns: columns, beta: beta, from: &r) }
    }

    /// r := r − A·beta for a column-major rows×columns A, each entry computed in twice the working
    /// precision (TwoSum and exact products), so residuals of a near-perfect fit keep their digits.
    static func subtractProduct(_ a: UnsafeBufferPointer<Double>, rows n: Int, columns: Int, beta: [Double], from r: inout [Double]) {
        ResidualKernel(a: a, rows: n, columns: columns, beta: beta).run(on: &r, gradient: nil)
    }

    /// r := r − A·beta in working precision, rows in cache-sized blocks so each block of r is read once.
    static func subtractPlainProduct(_ a: UnsafeBufferPointer<Double>, rows n: Int, columns: Int, beta: [Double], from r: inout [Double]) {
        guard let aBase = a.baseAddress else { return }
        let blockRows = 2048
        r.withUnsafeMutableBufferPointer { r in
            guard let out = r.baseAddress else { return }
            var start = 0
            while start < n {
                let count = min(blockRows, n - start)
                for j in 0..<columns where beta[j] != 0 {
                    let bj = beta[j], column = aBase + j * n + start, block = out + start
                    for i in 0..<count { block[i] -= column[i] * bj }
                }
                start += count
            }
        }
    }

    /// The same, ignoring a caller's scratch vector (kept for callers that pass one).
    static func subtractProduct(_ a: UnsafeBufferPointer<Double>, rows n: Int, columns: Int, beta: [Double],
                                from r: inout [Double], scratch low: inout [Double]) {
        subtractProduct(a, rows: n, columns: columns, beta: beta, from: &r)
    }

    /// Björck's refinement on the augmented system `[I A_s; A_sᵀ 0][r; x] = [b; c]`, where
    /// `c` is 0, or −e_k when `unitRightHandSide` is k. Returns the number of steps taken.
    private func refine(x: inout [Double], r: inout [Double], b: [Double]?, unitRightHandSide: Int?) throws(LinearAlgebraError) -> Int {
        let n = rows, p = columns
        var previousCorrection = Double.infinity
        for step in 1...Self.maximumRefinementSteps {
            // f = b − r − A_s·x and g = c − A_sᵀ·r, both in twice the working precision.
            var f = [Double](repeating: 0, count: n)
            for i in 0..<n { f[i] = -r[i] }
            if let b {
                // Exact TwoSum of b and −r, folded into the accumulation below via `low`.
                var low = [Double](repeating: 0, count: n)
                for i in 0..<n {
                    let s = b[i] + f[i]
                    let z = s - b[i]
                    low[i] = (b[i] - (s - z)) + (f[i] - z)
                    f[i] = s
                }
                accumulate(into: &f, minus: zip(x, columnScale).map { $0 * $1 })
                for i in 0..<n { f[i] += low[i] }
            } else {
                accumulate(into: &f, minus: zip(x, columnScale).map { $0 * $1 })
            }
            var g = scaledTransposeProduct(r).map { -$0 }
            if let k = unitRightHandSide { g[k] -= 1 }

            // Solve for the corrections with the factorization: u = R⁻ᵀg, Qᵀf = [f₁; f₂],
            // δx = R⁻¹(f₁ − u), δr = Q·[u; f₂].
            var u = g
            try LAPACK.solveUpperTriangular(factor, leadingDimension: n, order: p, &u, rightHandSides: 1, transposed: true)
            var qf = f
            try LAPACK.applyQ(factor: factor, tau: tau, rows: n, reflectors: p, to: &qf, columns: 1, transposed: true)
            var dx = (0..<p).map { qf[$0] - u[$0] }
            try LAPACK.solveUpperTriangular(factor, leadingDimension: n, order: p, &dx, rightHandSides: 1, transposed: false)
            var dr = qf
            for i in 0..<p { dr[i] = u[i] }
            try LAPACK.applyQ(factor: factor, tau: tau, rows: n, reflectors: p, to: &dr, columns: 1, transposed: false)

            let correction = dx.reduce(0) { max($0, abs($1)) }
            let size = x.reduce(0) { max($0, abs($1)) }
            // A correction that does not shrink means refinement has reached the data's accuracy
            // (or the problem is too ill-conditioned for it to converge): keep the current x.
            if !(correction < previousCorrection) || !correction.isFinite { return step - 1 }
            for i in 0..<p { x[i] += dx[i] }
            for i in 0..<n { r[i] += dr[i] }
            if correction <= 2 * Double.ulpOfOne * size { return step }
            previousCorrection = correction / 2
        }
        return Self.maximumRefinementSteps
    }

    /// Leverages hᵢ (the diagonal of the hat matrix) and, when `meatWeights` is given, the
    /// sandwich middle Σ ωᵢ·qᵢqᵢᵀ over rows qᵢ of Q₁ = A_s·R⁻¹. Works in blocks of rows so
    /// no n×p copy of Q₁ is ever held.
    /// Only the first `dataRows` rows are visited (a ridge fit's penalty rows are not data).
    func leverageAndMeat(dataRows: Int? = nil, meatWeights: ((_ row: Int, _ leverage: Double) -> Double)?) throws(LinearAlgebraError) -> (leverage: [Double], meat: [Double]?) {
        let design = self.design
        return try design.withUnsafeBufferPointer { (a) throws(LinearAlgebraError) in
            try leverageAndMeat(of: a, rows: dataRows ?? rows, stride: rows, meatWeights: meatWeights)
        }
    }

    /// The same for the rows of another matrix with this design's columns (a block of a file read
    /// a block at a time): `rows` rows of a column-major matrix with leading dimension `stride`.
    func leverageAndMeat(of design: UnsafeBufferPointer<Double>, rows n: Int, stride: Int,
                         meatWeights: ((_ row: Int, _ leverage: Double) -> Double)?) throws(LinearAlgebraError) -> (leverage: [Double], meat: [Double]?) {
        let p = columns
        let blockRows = max(1, min(n, 4096))
        let blockCount = (n + blockRows - 1) / blockRows
        // Blocks are independent: two workers (the machine's cores) take every other block, each with its
        // own scratch block and its own sum of the middle, added at the end.
        let workers = blockCount >= 4 ? 2 : 1
        var leverage = [Double](repeating: 0, count: n)
        var meats = [[Double]](repeating: meatWeights == nil ? [] : [Double](repeating: 0, count: p * p), count: workers)
        var failures = [LinearAlgebraError?](repeating: nil, count: workers)
        leverage.withUnsafeMutableBufferPointer { leverage in
            meats.withUnsafeMutableBufferPointer { meats in
                failures.withUnsafeMutableBufferPointer { failures in
                    // Safe to share: each worker writes only its own blocks' rows of `leverage` and its own slots
                    // of `meats` and `failures`; `design`, `self` and `meatWeights` are only read.
                    let job = LeverageJob(design: design, leverage: leverage, meats: meats, failures: failures, meatWeights: meatWeights)
                    let work: @Sendable (Int) -> Void = { worker in
                        var block = [Double](repeating: 0, count: blockRows * p)
                        var index = worker
                        while index < blockCount {
                            let start = index * blockRows, count = min(blockRows, n - start)
                            do throws(LinearAlgebraError) {
                                try self.leverageBlock(job.design, start: start, count: count, stride: stride, block: &block,
                                                       blockRows: blockRows, leverage: job.leverage, meat: &job.meats[worker],
                                                       meatWeights: job.meatWeights)
                            } catch {
                                job.failures[worker] = error
                                return
                            }
                            index += workers
                        }
                    }
                    if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        guard meatWeights != nil else { return (leverage, nil) }
        var meat = meats[0]
        for worker in 1..<workers { for k in 0..<(p * p) { meat[k] += meats[worker][k] } }
        return (leverage, meat)
    }

    /// One block of ``leverageAndMeat(of:rows:stride:meatWeights:)``: Q₁'s rows `start..<start + count`
    /// in `block`, their leverages, and their part of the middle added to `meat`.
    private func leverageBlock(_ design: UnsafeBufferPointer<Double>, start: Int, count: Int, stride: Int, block: inout [Double],
                               blockRows: Int, leverage: UnsafeMutableBufferPointer<Double>, meat: inout [Double],
                               meatWeights: ((_ row: Int, _ leverage: Double) -> Double)?) throws(LinearAlgebraError) {
        let p = columns
        for j in 0..<p {
            let d = columnScale[j]
            for i in 0..<count { block[i + j * blockRows] = design[start + i + j * stride] * d }
        }
        block.withUnsafeMutableBufferPointer { b in
            guard let base = b.baseAddress else { return }
            UpperTriangularSolve.multiplyByInverse(base, rows: count, leadingDimension: blockRows, upper: upper, order: p)
        }
        // Columns outer, rows inner: contiguous and vectorized; each row's sum keeps the order j = 0, 1, ….
        block.withUnsafeBufferPointer { q in
            let out = leverage.baseAddress! + start
            for i in 0..<count { out[i] = 0 }
            for j in 0..<p {
                let column = q.baseAddress! + j * blockRows
                for i in 0..<count { out[i] += column[i] * column[i] }
            }
        }
        guard let meatWeights else { return }
        for i in 0..<count {
            let w = meatWeights(start + i, leverage[start + i]).squareRoot()
            for j in 0..<p { block[i + j * blockRows] *= w }
        }
        try block.withUnsafeBufferPointer { (b) throws(LinearAlgebraError) in
            try meat.withUnsafeMutableBufferPointer { (m) throws(LinearAlgebraError) in
                try LAPACK.multiply(transposeA: true, transposeB: false, m: p, n: p, k: count, alpha: 1,
                                    b.baseAddress!, lda: blockRows, b.baseAddress!, ldb: blockRows,
                                    beta: 1, m.baseAddress!, ldc: p)
            }
        }
    }

    /// R_s⁻¹·M·R_s⁻ᵀ mapped back to unscaled coefficients: the sandwich covariance from its middle.
    func sandwich(meat: [Double]) throws(LinearAlgebraError) -> [Double] {
        let p = columns
        var x = meat
        try LAPACK.solveUpperTriangular(upper, leadingDimension: p, order: p, &x, rightHandSides: p, transposed: false)
        var xt = [Double](repeating: 0, count: p * p)
        for j in 0..<p { for i in 0..<p { xt[j + i * p] = x[i + j * p] } }
        try LAPACK.solveUpperTriangular(upper, leadingDimension: p, order: p, &xt, rightHandSides: p, transposed: false)
        var result = [Double](repeating: 0, count: p * p)
        for j in 0..<p {
            for i in 0..<p {
                let symmetric = 0.5 * (xt[i + j * p] + xt[j + i * p])
                result[i + j * p] = symmetric * columnScale[i] * columnScale[j]
            }
        }
        return result
    }

    /// The sandwich covariance from a middle of scores, M = Σ sₖsₖᵀ with sₖ sums of uᵢ = aᵢeᵢ in the
    /// design's own units (clusters, HAC): (AᵀA)⁻¹M(AᵀA)⁻¹. With A = A_s·D⁻¹ and A_s = QR, the middle in
    /// the factor's coordinates is R⁻ᵀ·DMD·R⁻¹, which ``sandwich(meat:)`` then finishes, so every
    /// robust covariance goes through the same triangular solves instead of forming (AᵀA)⁻¹.
    func sandwich(scoreMeat meat: [Double]) throws(LinearAlgebraError) -> [Double] {
        let p = columns
        var x = [Double](repeating: 0, count: p * p)
        for j in 0..<p { for i in 0..<p { x[i + j * p] = meat[i + j * p] * columnScale[i] * columnScale[j] } }
        try LAPACK.solveUpperTriangular(upper, leadingDimension: p, order: p, &x, rightHandSides: p, transposed: true)
        var xt = [Double](repeating: 0, count: p * p)
        for j in 0..<p { for i in 0..<p { xt[j + i * p] = x[i + j * p] } }
        try LAPACK.solveUpperTriangular(upper, leadingDimension: p, order: p, &xt, rightHandSides: p, transposed: true)
        return try sandwich(meat: xt)
    }
}

/// r := r − A·β in twice the working precision and, optionally, g = Aᵀr (of the new r, rounded to
/// doubles) in twice the working precision too, in one pass over A: rows are taken in blocks small
/// enough to stay in cache, so each block of A is read once for both products. Eight rows at a time
/// go through ``ErrorFreeLanes``.
struct ResidualKernel {
    let a: UnsafeBufferPointer<Double>
    let rows: Int
    let columns: Int
    let beta: [Double]

    /// Rows per block: a multiple of the lane width; 256 rows × 100 columns is 200 kB of A.
    static let blockRows = 256

    func run(on r: inout [Double], gradient: UnsafeMutableBufferPointer<Double>?) {
        let n = rows, p = columns, width = ErrorFreeLanes.width
        guard n > 0, p > 0, let aBase = a.baseAddress else {
            if let gradient { for j in 0..<gradient.count { gradient[j] = 0 } }
            return
        }
        typealias Lanes = ErrorFreeLanes.Lanes
        let negated = beta.map { -$0 }
        let splits = negated.map { ErrorFreeLanes.split(Lanes(repeating: $0)) }
        var low = [Double](repeating: 0, count: Self.blockRows)
        var original = [Double](repeating: 0, count: Self.blockRows)
        // Per column: the gradient's lanes (hi, lo), and a scalar pair for rows past the last full lane.
        var gradientHigh = [Lanes](repeating: .zero, count: gradient == nil ? 0 : p)
        var gradientLow = gradientHigh
        var gradientTail = [CompensatedSum](repeating: CompensatedSum(), count: gradient == nil ? 0 : p)
        var nonFinite = false
        r.withUnsafeMutableBufferPointer { high in
            low.withUnsafeMutableBufferPointer { low in
                original.withUnsafeMutableBufferPointer { original in
                    let highRaw = UnsafeMutableRawPointer(high.baseAddress!)
                    let lowRaw = UnsafeMutableRawPointer(low.baseAddress!)
                    var start = 0
                    while start < n {
                        let count = min(Self.blockRows, n - start)
                        let vectorCount = count - count % width
                        for i in 0..<count { low[i] = 0; original[i] = high[start + i] }
                        let blockHigh = highRaw + start * 8
                        for j in 0..<p {
                            let bj = negated[j]
                            if bj == 0 { continue }
                            let b = Lanes(repeating: bj), (bh, bl) = splits[j]
                            let column = UnsafeRawPointer(aBase + j * n + start)
                            var i = 0
                            while i < vectorCount {
                                var h = ErrorFreeLanes.load(blockHigh, i), l = ErrorFreeLanes.load(lowRaw, i)
                                let (product, error) = ErrorFreeLanes.product(ErrorFreeLanes.load(column, i), b, bh: bh, bl: bl)
                                ErrorFreeLanes.accumulate(product, error, &h, &l)
                                ErrorFreeLanes.store(h, blockHigh, i)
                                ErrorFreeLanes.store(l, lowRaw, i)
                                i += width
                            }
                            while i < count {
                                var pair = CompensatedSum(high[start + i])
                                pair.lo = low[i]
                                pair.addProduct(aBase[j * n + start + i], bj)
                                high[start + i] = pair.hi
                                low[i] = pair.lo
                                i += 1
                            }
                        }
                        for i in 0..<count {
                            let value = high[start + i] + low[i]
                            if value.isFinite {
                                high[start + i] = value
                            } else {
                                // A factor beyond 2⁹⁹⁵ overflows Dekker's splitting: this row again with FMA products.
                                var pair = CompensatedSum(original[i])
                                for k in 0..<p { pair.addProduct(aBase[k * n + start + i], negated[k]) }
                                high[start + i] = pair.value
                                nonFinite = nonFinite || !pair.value.isFinite
                            }
                        }
                        if gradient != nil {
                            let residual = UnsafeRawPointer(blockHigh)
                            for j in 0..<p {
                                let column = UnsafeRawPointer(aBase + j * n + start)
                                var h = gradientHigh[j], l = gradientLow[j]
                                var i = 0
                                while i < vectorCount {
                                    let (product, error) = ErrorFreeLanes.product(ErrorFreeLanes.load(column, i),
                                                                                  ErrorFreeLanes.load(residual, i))
                                    ErrorFreeLanes.accumulate(product, error, &h, &l)
                                    i += width
                                }
                                gradientHigh[j] = h
                                gradientLow[j] = l
                                while i < count {
                                    gradientTail[j].addProduct(aBase[j * n + start + i], high[start + i])
                                    i += 1
                                }
                            }
                        }
                        start += count
                    }
                }
            }
        }
        guard let gradient else { return }
        for j in 0..<p {
            var total = ErrorFreeLanes.merge(gradientHigh[j], gradientLow[j])
            total.add(gradientTail[j].hi)
            total.add(gradientTail[j].lo)
            gradient[j] = total.value
        }
        if gradient.contains(where: { !$0.isFinite }) && !nonFinite {
            // The splitting overflowed in a product: the dot products again, with FMA where needed.
            r.withUnsafeBufferPointer { rr in
                for j in 0..<p { gradient[j] = Compensated.dot(UnsafeBufferPointer(start: aBase + j * n, count: n), rr) }
            }
        }
    }
}

/// What the workers of ``LeastSquaresFactorization/leverageAndMeat(of:rows:stride:meatWeights:)`` share; see there
/// why sharing it is safe.
private struct LeverageJob: @unchecked Sendable {
    let design: UnsafeBufferPointer<Double>
    let leverage: UnsafeMutableBufferPointer<Double>
    let meats: UnsafeMutableBufferPointer<[Double]>
    let failures: UnsafeMutableBufferPointer<LinearAlgebraError?>
    let meatWeights: ((_ row: Int, _ leverage: Double) -> Double)?
}

/// What the workers of ``LeastSquaresFactorization/upperByChunks(_:rows:columns:scale:)`` share.
private struct ChunkJob: @unchecked Sendable {
    let design: UnsafeBufferPointer<Double>
    let response: UnsafeBufferPointer<Double>
    let uppers: UnsafeMutableBufferPointer<[Double]>
    let failures: UnsafeMutableBufferPointer<LinearAlgebraError?>
}
