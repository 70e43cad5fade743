import Foundation
import Testing
@testable import ForecastingCore

/// ``UpperTriangularSolve`` performs the reference BLAS dtrsm's operations for B·R⁻¹; its result must be
/// dtrsm's (``LAPACK/multiplyByInverseUpper(_:rows:leadingDimension:upper:order:)``), with zeros in R
/// (which dtrsm skips), a leading dimension past the rows, and row counts that are not a multiple of eight.
/// (With the reference BLAS the two are the same bits; other BLAS libraries may round differently.)
@Suite("Upper triangular solve")
struct UpperTriangularSolveTests {
    @Test("B·R⁻¹ equals dtrsm's", arguments: [(4096, 21, 4096), (13, 5, 16), (7, 3, 7), (100, 32, 128)])
    func matchesBLAS(_ shape: (Int, Int, Int)) throws {
        let (m, n, ldb) = shape
        var state: UInt64 = UInt64(m * 97 + n)
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53) - 0.5
        }
        var r = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            for i in 0..<j where (i + j) % 5 != 2 { r[i + j * n] = next() }
            r[j + j * n] = 1 + abs(next()) * Double(j + 1)
        }
        let b = (0..<(ldb * n)).map { _ in next() * 100 }
        var expected = b, found = b
        try expected.withUnsafeMutableBufferPointer { (x) throws(LinearAlgebraError) in
            try LAPACK.multiplyByInverseUpper(x.baseAddress!, rows: m, leadingDimension: ldb, upper: r, order: n)
        }
        found.withUnsafeMutableBufferPointer { UpperTriangularSolve.multiplyByInverse($0.baseAddress!, rows: m, leadingDimension: ldb, upper: r, order: n) }
        for j in 0..<n {
            for i in 0..<ldb {
                let k = i + j * ldb
                // Rows past `m` are left alone by both.
                #expect(abs(found[k] - expected[k]) <= 1e-13 * max(1, abs(expected[k])), "B[\(i), \(j)]: \(found[k]) vs dtrsm \(expected[k])")
            }
        }
    }
}
