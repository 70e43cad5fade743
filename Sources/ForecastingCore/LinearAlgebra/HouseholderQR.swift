// Householder QR of a thin matrix by the operations of reference LAPACK 3.11's unblocked dgeqr2, which
// dgeqrf calls for matrices of at most 32 columns: dlarfg (with dnrm2 and dlapy2) makes each reflector
// and dlarf (dgemv, then dger) applies it. Each sum is taken in the same order as the Fortran loops, so
// the result is the same bits as dgeqrf's with the reference BLAS; it is faster for the folds of a
// streamed fit because a reflector's dot products with eight columns run side by side (independent
// chains of additions, where dgemv waits on one) and nothing goes through the Fortran interface per column.

/// Householder QR in Swift, for the sequential TSQR folds of ``LeastSquaresFactor``.
enum HouseholderQR {
    /// The widest matrix it factors: dgeqrf's block size, below which dgeqrf is dgeqr2.
    static let maximumColumns = 32

    /// Factors the column-major `rows`×`columns` matrix `a` in place: R on and above the diagonal,
    /// the reflectors' vectors below it (their scalar factors are not kept).
    static func factor(_ a: UnsafeMutablePointer<Double>, rows m: Int, columns n: Int) {
        let k = min(m, n)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, n)) { work in
            guard let work = work.baseAddress else { return }
            for i in 0..<k {
                let column = a + i * m + i
                var alpha = column[0]
                let tau = reflector(length: m - i, alpha: &alpha, x: column + 1)
                column[0] = alpha
                if i < n - 1 {
                    column[0] = 1
                    applyReflector(v: column, tau: tau, rows: m - i, columns: n - i - 1, c: column + m, leadingDimension: m, work: work)
                    column[0] = alpha
                }
            }
        }
    }

    // MARK: dlarfg

    /// dlarfg: the reflector H = I − τ·[1; v][1; v]ᵀ with H·[α; x] = [β; 0]; `x` becomes v and α becomes β.
    private static func reflector(length n: Int, alpha: inout Double, x: UnsafeMutablePointer<Double>) -> Double {
        guard n > 1 else { return 0 }
        var xnorm = norm(x, count: n - 1)
        guard xnorm != 0 else { return 0 }
        var beta = signedOpposite(lapy2(alpha, xnorm), of: alpha)
        let safeMinimum = 0x1p-969  // dlamch('S') / dlamch('E')
        var rescalings = 0
        if abs(beta) < safeMinimum {
            let inverse = 1 / safeMinimum
            repeat {
                rescalings += 1
                scale(x, count: n - 1, by: inverse)
                beta *= inverse
                alpha *= inverse
            } while abs(beta) < safeMinimum && rescalings < 20
            xnorm = norm(x, count: n - 1)
            beta = signedOpposite(lapy2(alpha, xnorm), of: alpha)
        }
        let tau = (beta - alpha) / beta
        scale(x, count: n - 1, by: 1 / (alpha - beta))
        for _ in 0..<rescalings { beta *= safeMinimum }
        alpha = beta
        return tau
    }

    /// −SIGN(value, of) in Fortran: the magnitude with the opposite of `of`'s sign bit.
    @inline(__always)
    private static func signedOpposite(_ value: Double, of reference: Double) -> Double {
        reference.sign == .minus ? abs(value) : -abs(value)
    }

    /// dscal.
    @inline(__always)
    private static func scale(_ x: UnsafeMutablePointer<Double>, count: Int, by factor: Double) {
        for i in 0..<count { x[i] = factor * x[i] }
    }

    /// dlapy2: √(x² + y²) without needless overflow.
    private static func lapy2(_ x: Double, _ y: Double) -> Double {
        if x.isNaN { return y.isNaN ? y : x }
        if y.isNaN { return y }
        let w = max(abs(x), abs(y)), z = min(abs(x), abs(y))
        if z == 0 || w > .greatestFiniteMagnitude { return w }
        let ratio = z / w
        return w * (1 + ratio * ratio).squareRoot()
    }

    /// dnrm2 (Blue's algorithm, as in reference BLAS 3.10 and later): squares of mid-range values
    /// summed as they are, tiny and huge ones scaled into range in sums of their own.
    private static func norm(_ x: UnsafeMutablePointer<Double>, count n: Int) -> Double {
        let tsml = 0x1p-511, tbig = 0x1p486, ssml = 0x1p537, sbig = 0x1p-538
        var notBig = true
        var small = 0.0, medium = 0.0, big = 0.0
        for i in 0..<n {
            let ax = abs(x[i])
            if ax > tbig {
                let s = ax * sbig
                big += s * s
                notBig = false
            } else if ax < tsml {
                if notBig { let s = ax * ssml; small += s * s }
            } else {
                medium += ax * ax
            }
        }
        var scale = 1.0, sum = 0.0
        if big > 0 {
            if medium > 0 || medium.isNaN { big += (medium * sbig) * sbig }
            scale = 1 / sbig
            sum = big
        } else if small > 0 {
            if medium > 0 || medium.isNaN {
                let mediumRoot = medium.squareRoot(), smallRoot = small.squareRoot() / ssml
                let (low, high) = smallRoot > mediumRoot ? (mediumRoot, smallRoot) : (smallRoot, mediumRoot)
                let ratio = low / high
                sum = high * high * (1 + ratio * ratio)
            } else {
                scale = 1 / ssml
                sum = small
            }
        } else {
            sum = medium
        }
        return scale * sum.squareRoot()
    }

    // MARK: dlarf

    /// dlarf('Left'): C := (I − τvvᵀ)·C for the `rows`×`columns` matrix C, v[0] = 1 stored in place.
    /// As dlarf, v's trailing zeros and C's trailing zero columns are left out.
    private static func applyReflector(v: UnsafeMutablePointer<Double>, tau: Double, rows: Int, columns: Int,
                                       c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int,
                                       work: UnsafeMutablePointer<Double>) {
        guard tau != 0 else { return }
        var lastV = rows
        while lastV > 0 && v[lastV - 1] == 0 { lastV -= 1 }
        let lastC = lastNonzeroColumn(c, rows: lastV, columns: columns, leadingDimension: ldc)
        guard lastV > 0, lastC > 0 else { return }
        // dgemv('T'): work = Cᵀv, each entry summed in row order; eight or four columns at a time.
        var l = 0
        while l + 8 <= lastC {
            let c0 = c + l * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
            let c4 = c3 + ldc, c5 = c4 + ldc, c6 = c5 + ldc, c7 = c6 + ldc
            var t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0, t4 = 0.0, t5 = 0.0, t6 = 0.0, t7 = 0.0
            for r in 0..<lastV {
                let vr = v[r]
                t0 = t0 + c0[r] * vr
                t1 = t1 + c1[r] * vr
                t2 = t2 + c2[r] * vr
                t3 = t3 + c3[r] * vr
                t4 = t4 + c4[r] * vr
                t5 = t5 + c5[r] * vr
                t6 = t6 + c6[r] * vr
                t7 = t7 + c7[r] * vr
            }
            work[l] = 0 + t0; work[l + 1] = 0 + t1; work[l + 2] = 0 + t2; work[l + 3] = 0 + t3
            work[l + 4] = 0 + t4; work[l + 5] = 0 + t5; work[l + 6] = 0 + t6; work[l + 7] = 0 + t7
            l += 8
        }
        while l + 4 <= lastC {
            let c0 = c + l * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
            var t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0
            for r in 0..<lastV {
                let vr = v[r]
                t0 = t0 + c0[r] * vr
                t1 = t1 + c1[r] * vr
                t2 = t2 + c2[r] * vr
                t3 = t3 + c3[r] * vr
            }
            work[l] = 0 + t0; work[l + 1] = 0 + t1; work[l + 2] = 0 + t2; work[l + 3] = 0 + t3
            l += 4
        }
        while l < lastC {
            let cl = c + l * ldc
            var t = 0.0
            for r in 0..<lastV { t = t + cl[r] * v[r] }
            work[l] = 0 + t
            l += 1
        }
        // dger: C += (−τ)·v·workᵀ, columns whose entry of work is zero left alone.
        let alpha = -tau
        for l in 0..<lastC where work[l] != 0 {
            let t = alpha * work[l]
            let cl = c + l * ldc
            for r in 0..<lastV { cl[r] = cl[r] + v[r] * t }
        }
    }

    /// iladlc: the number of columns up to the last with a nonzero among the first `rows` rows.
    private static func lastNonzeroColumn(_ c: UnsafeMutablePointer<Double>, rows: Int, columns: Int, leadingDimension ldc: Int) -> Int {
        guard columns > 0 else { return 0 }
        let last = c + (columns - 1) * ldc
        if rows > 0 && (last[0] != 0 || last[rows - 1] != 0) { return columns }
        var j = columns
        while j > 0 {
            let column = c + (j - 1) * ldc
            for i in 0..<rows where column[i] != 0 { return j }
            j -= 1
        }
        return 0
    }
}
