import CLAPACK

/// Thin, checked wrappers over the LAPACK and BLAS routines Forecasting uses.
///
/// This is the only file that imports `CLAPACK`. Matrices are column-major `[Double]`
/// with a leading dimension equal to their row count unless stated, so LAPACK works on
/// Swift storage directly. Sizes are converted with `Int32(exactly:)`, workspace sizes are
/// queried first (`lwork = -1`), and `info != 0` becomes ``LinearAlgebraError/lapack(routine:info:)``.
enum LAPACK {
    static func int(_ value: Int) throws(LinearAlgebraError) -> lapack_int {
        guard let converted = lapack_int(exactly: value) else { throw .dimensionTooLarge(value) }
        return converted
    }

    private static func check(_ info: lapack_int, _ routine: String) throws(LinearAlgebraError) {
        if info != 0 { throw .lapack(routine: routine, info: Int(info)) }
    }

    /// Householder QR of the m×n matrix `a` (dgeqrf). On return `a` holds R above the
    /// diagonal and the reflectors below; the result is the reflectors' scalar factors.
    static func qr(_ a: inout [Double], rows: Int, columns: Int) throws(LinearAlgebraError) -> [Double] {
        var m = try int(rows), n = try int(columns), lda = try int(max(1, rows))
        var tau = [Double](repeating: 0, count: max(1, min(rows, columns)))
        var info: lapack_int = 0
        var query = 0.0, lwork: lapack_int = -1
        dgeqrf_(&m, &n, &a, &lda, &tau, &query, &lwork, &info)
        try check(info, "dgeqrf")
        lwork = lapack_int(max(1, Int(query)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dgeqrf_(&m, &n, &a, &lda, &tau, &work, &lwork, &info)
        try check(info, "dgeqrf")
        return tau
    }

    /// Column-pivoted QR (dgeqp3): A·P = Q·R. Columns with `leading[j] == true` are moved to
    /// the front and factored first. Returns the scalar factors and the 0-based permutation
    /// (`permutation[k]` is the original index of the k-th column of A·P).
    static func pivotedQR(_ a: inout [Double], rows: Int, columns: Int, leading: [Bool])
        throws(LinearAlgebraError) -> (tau: [Double], permutation: [Int])
    {
        var m = try int(rows), n = try int(columns), lda = try int(max(1, rows))
        var jpvt = leading.map { $0 ? lapack_int(1) : 0 }
        var tau = [Double](repeating: 0, count: max(1, min(rows, columns)))
        var info: lapack_int = 0
        var query = 0.0, lwork: lapack_int = -1
        dgeqp3_(&m, &n, &a, &lda, &jpvt, &tau, &query, &lwork, &info)
        try check(info, "dgeqp3")
        lwork = lapack_int(max(1, Int(query)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dgeqp3_(&m, &n, &a, &lda, &jpvt, &tau, &work, &lwork, &info)
        try check(info, "dgeqp3")
        return (tau, jpvt.map { Int($0) - 1 })
    }

    /// Overwrites the m×k matrix `c` with Q·C or Qᵀ·C (dormqr), Q from ``qr(_:rows:columns:)``.
    static func applyQ(
        factor: [Double], tau: [Double], rows: Int, reflectors: Int,
        to c: inout [Double], columns: Int, transposed: Bool
    ) throws(LinearAlgebraError) {
        var m = try int(rows), n = try int(columns), k = try int(reflectors)
        var lda = try int(max(1, rows)), ldc = try int(max(1, rows))
        var side = CChar(UInt8(ascii: "L")), trans = CChar(UInt8(ascii: transposed ? "T" : "N"))
        var info: lapack_int = 0
        var query = 0.0, lwork: lapack_int = -1
        dormqr_(&side, &trans, &m, &n, &k, factor, &lda, tau, &c, &ldc, &query, &lwork, &info, 1, 1)
        try check(info, "dormqr")
        lwork = lapack_int(max(1, Int(query)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dormqr_(&side, &trans, &m, &n, &k, factor, &lda, tau, &c, &ldc, &work, &lwork, &info, 1, 1)
        try check(info, "dormqr")
    }

    /// Solves R·X = B or Rᵀ·X = B for the n×n upper triangle of `r` (leading dimension `ldr`),
    /// overwriting the n×nrhs matrix `b` (dtrtrs).
    static func solveUpperTriangular(
        _ r: [Double], leadingDimension ldr: Int, order: Int,
        _ b: inout [Double], rightHandSides: Int, transposed: Bool
    ) throws(LinearAlgebraError) {
        var n = try int(order), nrhs = try int(rightHandSides)
        var lda = try int(max(1, ldr)), ldb = try int(max(1, order))
        var uplo = CChar(UInt8(ascii: "U")), trans = CChar(UInt8(ascii: transposed ? "T" : "N"))
        var diag = CChar(UInt8(ascii: "N"))
        var info: lapack_int = 0
        dtrtrs_(&uplo, &trans, &diag, &n, &nrhs, r, &lda, &b, &ldb, &info, 1, 1, 1)
        try check(info, "dtrtrs")
    }

    /// (RᵀR)⁻¹ from the n×n upper-triangular `r` (dpotri); returns the full symmetric matrix.
    static func inverseGram(upper r: [Double], order: Int) throws(LinearAlgebraError) -> [Double] {
        var a = r
        var n = try int(order), lda = try int(max(1, order))
        var uplo = CChar(UInt8(ascii: "U"))
        var info: lapack_int = 0
        dpotri_(&uplo, &n, &a, &lda, &info, 1)
        try check(info, "dpotri")
        for j in 0..<order {
            for i in (j + 1)..<max(j + 1, order) { a[i + j * order] = a[j + i * order] }
        }
        return a
    }

    /// Solves the symmetric positive definite system A·X = B (dpotrf + dpotrs).
    static func solvePositiveDefinite(_ a: [Double], order: Int, _ b: inout [Double], rightHandSides: Int)
        throws(LinearAlgebraError)
    {
        var factor = a
        var n = try int(order), nrhs = try int(rightHandSides), lda = try int(max(1, order))
        var uplo = CChar(UInt8(ascii: "U"))
        var info: lapack_int = 0
        dpotrf_(&uplo, &n, &factor, &lda, &info, 1)
        try check(info, "dpotrf")
        dpotrs_(&uplo, &n, &nrhs, factor, &lda, &b, &lda, &info, 1)
        try check(info, "dpotrs")
    }

    /// Singular values of the m×n matrix `a`, largest first (dgesdd, no vectors).
    static func singularValues(_ a: [Double], rows: Int, columns: Int) throws(LinearAlgebraError) -> [Double] {
        var copy = a
        var m = try int(rows), n = try int(columns), lda = try int(max(1, rows))
        var s = [Double](repeating: 0, count: max(1, min(rows, columns)))
        var jobz = CChar(UInt8(ascii: "N"))
        var u = [0.0], vt = [0.0]
        var ldu: lapack_int = 1, ldvt: lapack_int = 1
        var iwork = [lapack_int](repeating: 0, count: 8 * max(1, min(rows, columns)))
        var info: lapack_int = 0
        var query = 0.0, lwork: lapack_int = -1
        dgesdd_(&jobz, &m, &n, &copy, &lda, &s, &u, &ldu, &vt, &ldvt, &query, &lwork, &iwork, &info, 1)
        try check(info, "dgesdd")
        lwork = lapack_int(max(1, Int(query)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dgesdd_(&jobz, &m, &n, &copy, &lda, &s, &u, &ldu, &vt, &ldvt, &work, &lwork, &iwork, &info, 1)
        try check(info, "dgesdd")
        return Array(s.prefix(min(rows, columns)))
    }

    /// B := B·R⁻¹ for the m×n block `b` (leading dimension `ldb`) and n×n upper-triangular `r` (dtrsm).
    static func multiplyByInverseUpper(
        _ b: UnsafeMutablePointer<Double>, rows: Int, leadingDimension ldb: Int,
        upper r: [Double], order: Int
    ) throws(LinearAlgebraError) {
        var m = try int(rows), n = try int(order), lda = try int(max(1, order)), ldbb = try int(max(1, ldb))
        var side = CChar(UInt8(ascii: "R")), uplo = CChar(UInt8(ascii: "U"))
        var trans = CChar(UInt8(ascii: "N")), diag = CChar(UInt8(ascii: "N"))
        var one = 1.0
        dtrsm_(&side, &uplo, &trans, &diag, &m, &n, &one, r, &lda, b, &ldbb, 1, 1, 1, 1)
    }

    /// C := alpha·op(A)·op(B) + beta·C (dgemm), all column-major with the given leading dimensions.
    static func multiply(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        _ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int,
        beta: Double, _ c: UnsafeMutablePointer<Double>, ldc: Int
    ) throws(LinearAlgebraError) {
        var mm = try int(m), nn = try int(n), kk = try int(k)
        var la = try int(max(1, lda)), lb = try int(max(1, ldb)), lc = try int(max(1, ldc))
        var ta = CChar(UInt8(ascii: transposeA ? "T" : "N")), tb = CChar(UInt8(ascii: transposeB ? "T" : "N"))
        var al = alpha, be = beta
        dgemm_(&ta, &tb, &mm, &nn, &kk, &al, a, &la, b, &lb, &be, c, &lc, 1, 1)
    }

    /// y := A·x for the m×n matrix `a` (dgemv).
    static func multiply(_ a: [Double], rows: Int, columns: Int, vector x: [Double]) throws(LinearAlgebraError) -> [Double] {
        var y = [Double](repeating: 0, count: rows)
        guard rows > 0, columns > 0 else { return y }
        var m = try int(rows), n = try int(columns), lda = try int(max(1, rows))
        var trans = CChar(UInt8(ascii: "N"))
        var one = 1.0, zero = 0.0, inc: lapack_int = 1
        dgemv_(&trans, &m, &n, &one, a, &lda, x, &inc, &zero, &y, &inc, 1)
        return y
    }
}

// MARK: - Routines of the linear mixed models (MixedModels/)
//
// Same conventions as above: column-major storage, leading dimension = row count unless given,
// sizes through `int(_:)`, workspace queried first, `info != 0` thrown.

extension LAPACK {
    /// Cholesky factorization in place (dpotrf): A = L·Lᵀ (`lower`) or A = Rᵀ·R. Only the chosen
    /// triangle of `a` is read; the other triangle is set to zero so `a` holds the factor alone.
    /// - Throws: ``LinearAlgebraError/lapack(routine:info:)`` with `info > 0` if A is not positive definite.
    static func choleskyFactor(_ a: inout [Double], order: Int, lower: Bool) throws(LinearAlgebraError) {
        guard order > 0 else { return }
        var n = try int(order), lda = try int(order)
        var uplo = CChar(UInt8(ascii: lower ? "L" : "U"))
        var info: lapack_int = 0
        dpotrf_(&uplo, &n, &a, &lda, &info, 1)
        try check(info, "dpotrf")
        for j in 0..<order {
            if lower {
                for i in 0..<j { a[i + j * order] = 0 }
            } else {
                for i in (j + 1)..<order { a[i + j * order] = 0 }
            }
        }
    }

    /// Solves op(T)·X = B in place for the n×n triangular `t` and the n×nrhs matrix `b` (dtrsm,
    /// left side). `op(T)` is T or Tᵀ.
    static func solveTriangular(
        _ t: [Double], order: Int, lower: Bool, transposed: Bool,
        _ b: inout [Double], rightHandSides: Int
    ) throws(LinearAlgebraError) {
        guard order > 0, rightHandSides > 0 else { return }
        var m = try int(order), n = try int(rightHandSides), lda = try int(order), ldb = try int(order)
        var side = CChar(UInt8(ascii: "L")), uplo = CChar(UInt8(ascii: lower ? "L" : "U"))
        var trans = CChar(UInt8(ascii: transposed ? "T" : "N")), diag = CChar(UInt8(ascii: "N"))
        var one = 1.0
        dtrsm_(&side, &uplo, &trans, &diag, &m, &n, &one, t, &lda, &b, &ldb, 1, 1, 1, 1)
    }

    /// C := alpha·AᵀA + beta·C for the k×n matrix `a` (dsyrk, trans = "T"), then mirrors the lower
    /// triangle so the n×n `c` is full and symmetric.
    static func symmetricRankUpdate(
        _ a: [Double], rows k: Int, columns n: Int, alpha: Double, beta: Double, _ c: inout [Double]
    ) throws(LinearAlgebraError) {
        guard n > 0 else { return }
        if k > 0 {
            var nn = try int(n), kk = try int(k), lda = try int(max(1, k)), ldc = try int(n)
            var uplo = CChar(UInt8(ascii: "L")), trans = CChar(UInt8(ascii: "T"))
            var al = alpha, be = beta
            dsyrk_(&uplo, &trans, &nn, &kk, &al, a, &lda, &be, &c, &ldc, 1, 1)
        } else if beta != 1 {
            for index in c.indices { c[index] *= beta }
        }
        for j in 0..<n {
            for i in (j + 1)..<n { c[j + i * n] = c[i + j * n] }
        }
    }

    /// (L·Lᵀ)⁻¹ from the n×n lower-triangular Cholesky factor `l` (dpotri); returns the full
    /// symmetric matrix.
    static func inverseGram(lower l: [Double], order: Int) throws(LinearAlgebraError) -> [Double] {
        guard order > 0 else { return [] }
        var a = l
        var n = try int(order), lda = try int(order)
        var uplo = CChar(UInt8(ascii: "L"))
        var info: lapack_int = 0
        dpotri_(&uplo, &n, &a, &lda, &info, 1)
        try check(info, "dpotri")
        for j in 0..<order {
            for i in (j + 1)..<order { a[j + i * order] = a[i + j * order] }
        }
        return a
    }

    /// Eigenvalues (ascending) and orthonormal eigenvectors (columns) of the symmetric n×n `a`
    /// (dsyev; only the lower triangle is read).
    static func symmetricEigen(_ a: [Double], order: Int) throws(LinearAlgebraError)
        -> (values: [Double], vectors: [Double])
    {
        guard order > 0 else { return ([], []) }
        var vectors = a
        var n = try int(order), lda = try int(order)
        var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "L"))
        var values = [Double](repeating: 0, count: order)
        var info: lapack_int = 0
        var query = 0.0, lwork: lapack_int = -1
        dsyev_(&jobz, &uplo, &n, &vectors, &lda, &values, &query, &lwork, &info, 1, 1)
        try check(info, "dsyev")
        lwork = lapack_int(max(1, Int(query)))
        var work = [Double](repeating: 0, count: Int(lwork))
        dsyev_(&jobz, &uplo, &n, &vectors, &lda, &values, &work, &lwork, &info, 1, 1)
        try check(info, "dsyev")
        return (values, vectors)
    }
}
