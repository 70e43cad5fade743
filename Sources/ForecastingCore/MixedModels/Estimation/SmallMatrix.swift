/// Kernels for the tiny dense blocks of the block part (q₁ is usually 1 or 2), where calling
/// LAPACK per level would cost more than the arithmetic. All matrices are column-major with
/// leading dimension equal to their row count.
enum SmallMatrix {
    /// In-place lower Cholesky factor of the q×q symmetric positive definite `a` (lower triangle
    /// read; the strict upper triangle is zeroed). Returns false if a pivot is not positive.
    @inline(__always)
    static func choleskyLower(_ a: UnsafeMutablePointer<Double>, _ q: Int) -> Bool {
        for k in 0..<q {
            var pivot = a[k + k * q]
            for t in 0..<k { pivot -= a[k + t * q] * a[k + t * q] }
            guard pivot > 0, pivot.isFinite else { return false }
            let diagonal = pivot.squareRoot()
            a[k + k * q] = diagonal
            for i in (k + 1)..<max(k + 1, q) {
                var value = a[i + k * q]
                for t in 0..<k { value -= a[i + t * q] * a[k + t * q] }
                a[i + k * q] = value / diagonal
            }
            for i in 0..<k { a[i + k * q] = 0 }
        }
        return true
    }

    /// B := L⁻¹·B for the q×q lower-triangular `l` and the q×m matrix `b`.
    @inline(__always)
    static func forwardSolve(_ l: UnsafePointer<Double>, _ q: Int, _ b: UnsafeMutablePointer<Double>, _ m: Int) {
        for c in 0..<m {
            let column = b + c * q
            for i in 0..<q {
                var value = column[i]
                for t in 0..<i { value -= l[i + t * q] * column[t] }
                column[i] = value / l[i + i * q]
            }
        }
    }

    /// B := L⁻ᵀ·B for the q×q lower-triangular `l` and the q×m matrix `b`.
    @inline(__always)
    static func backSolveTransposed(_ l: UnsafePointer<Double>, _ q: Int, _ b: UnsafeMutablePointer<Double>, _ m: Int) {
        for c in 0..<m {
            let column = b + c * q
            for i in stride(from: q - 1, through: 0, by: -1) {
                var value = column[i]
                for t in (i + 1)..<max(i + 1, q) { value -= l[t + i * q] * column[t] }
                column[i] = value / l[i + i * q]
            }
        }
    }

    /// B := Λᵀ·B in place for the q×q lower-triangular `lambda` and the q×m matrix `b`:
    /// (ΛᵀB)[i, c] = Σ_{r ≥ i} Λ[r, i]·B[r, c]; rows are overwritten in increasing order, each
    /// needing only rows at or below it.
    @inline(__always)
    static func multiplyLowerTransposed(_ lambda: UnsafePointer<Double>, _ q: Int, _ b: UnsafeMutablePointer<Double>, _ m: Int) {
        for c in 0..<m {
            let column = b + c * q
            for i in 0..<q {
                var value = 0.0
                for r in i..<q { value += lambda[r + i * q] * column[r] }
                column[i] = value
            }
        }
    }

    /// Columns `offset..<offset+q` of the rows×? matrix `b` (leading dimension `ld`) times the
    /// q×q lower-triangular `lambda`, in place: (BΛ)[:, c] = Σ_{r ≥ c} B[:, r]·Λ[r, c]. Columns
    /// are overwritten in increasing order, each needing only columns at or after it.
    @inline(__always)
    static func multiplyColumnsByLower(
        _ b: UnsafeMutablePointer<Double>, rows: Int, ld: Int, offset: Int,
        _ lambda: UnsafePointer<Double>, _ q: Int
    ) {
        for c in 0..<q {
            let target = b + (offset + c) * ld
            let scale = lambda[c + c * q]
            for i in 0..<rows { target[i] *= scale }
            for r in (c + 1)..<max(c + 1, q) {
                let factor = lambda[r + c * q]
                if factor == 0 { continue }
                let source = b + (offset + r) * ld
                for i in 0..<rows { target[i] += source[i] * factor }
            }
        }
    }

    /// Rows `offset..<offset+q` of the ?×columns matrix `b` (leading dimension `ld`) replaced by
    /// Λᵀ times them: row i becomes Σ_{r ≥ i} Λ[r, i]·row r.
    @inline(__always)
    static func multiplyRowsByLowerTransposed(
        _ b: UnsafeMutablePointer<Double>, columns: Int, ld: Int, offset: Int,
        _ lambda: UnsafePointer<Double>, _ q: Int
    ) {
        for c in 0..<columns {
            let column = b + c * ld + offset
            for i in 0..<q {
                var value = 0.0
                for r in i..<q { value += lambda[r + i * q] * column[r] }
                column[i] = value
            }
        }
    }
}
