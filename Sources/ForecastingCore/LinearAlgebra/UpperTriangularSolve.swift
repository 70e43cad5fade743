// B := B·R⁻¹ by the operations of the reference BLAS dtrsm ('Right', 'Upper', 'No transpose', 'Non-unit',
// alpha = 1): column j of B has R[k, j]·B[:, k] subtracted for k = 0, 1, …, j − 1 (skipping zeros of R),
// then is multiplied by 1/R[j, j]. Each entry sees the same operations in the same order, so the result is
// the same bits as dtrsm with the reference BLAS; it is faster for the leverages of a streamed fit because
// it works on eight rows at a time across all columns (they stay in registers and the first-level cache),
// where dtrsm passes over a whole column of B for each k.

/// The triangular solve behind leverages: the rows of A·R⁻¹ (Q₁'s rows) for a block of rows of A.
enum UpperTriangularSolve {
    /// B := B·R⁻¹ for the `rows`×n block `b` (column-major, leading dimension `ldb`) and the n×n
    /// upper-triangular `r` (column-major, leading dimension n).
    static func multiplyByInverse(_ b: UnsafeMutablePointer<Double>, rows m: Int, leadingDimension ldb: Int,
                                  upper r: [Double], order n: Int) {
        typealias Lanes = ErrorFreeLanes.Lanes
        let width = ErrorFreeLanes.width
        r.withUnsafeBufferPointer { r in
            var i = 0
            while i + width <= m {
                let tile = UnsafeMutableRawPointer(b + i)
                for j in 0..<n {
                    var x = ErrorFreeLanes.load(tile, j * ldb)
                    for k in 0..<j {
                        let a = r[k + j * n]
                        if a != 0 { x = x - Lanes(repeating: a) * ErrorFreeLanes.load(tile, k * ldb) }
                    }
                    ErrorFreeLanes.store(Lanes(repeating: 1 / r[j + j * n]) * x, tile, j * ldb)
                }
                i += width
            }
            while i < m {
                for j in 0..<n {
                    var x = b[i + j * ldb]
                    for k in 0..<j {
                        let a = r[k + j * n]
                        if a != 0 { x = x - a * b[i + k * ldb] }
                    }
                    b[i + j * ldb] = (1 / r[j + j * n]) * x
                }
                i += 1
            }
        }
    }
}
