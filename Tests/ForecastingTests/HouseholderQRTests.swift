import Foundation
import Testing
@testable import ForecastingCore

/// ``HouseholderQR`` performs reference LAPACK's dgeqr2 in Swift; its R must be dgeqrf's (``LAPACK/qr(_:rows:columns:)``),
/// including for columns whose norms need dnrm2's scaled sums (tiny and huge entries) and dlarfg's rescaling.
/// (With the reference LAPACK and BLAS the two are the same bits; other LAPACKs may round differently.)
@Suite("Householder QR")
struct HouseholderQRTests {
    /// A deterministic m×n matrix with entries of magnitude about `scale` (and some exact zeros).
    static func matrix(rows m: Int, columns n: Int, scale: Double, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<(m * n)).map { k in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let unit = Double(state >> 11) / Double(1 << 53) - 0.5
            return k % 7 == 3 ? 0 : unit * scale
        }
    }

    static func upper(_ a: [Double], rows m: Int, columns n: Int) -> [Double] {
        var r = [Double](repeating: 0, count: n * n)
        for j in 0..<n { for i in 0...j where i < m { r[i + j * n] = a[i + j * m] } }
        return r
    }

    @Test("R equals dgeqrf's to the last digits", arguments: [
        (1045, 21, 1.0), (64, 5, 1e3), (40, 32, 1e-3), (21, 21, 1.0), (300, 7, 1e-300), (300, 7, 1e300), (50, 3, 1e-310),
    ])
    func matchesLAPACK(_ shape: (Int, Int, Double)) throws {
        let (m, n, scale) = shape
        var mixed = Self.matrix(rows: m, columns: n, scale: scale, seed: UInt64(m * 31 + n))
        // A column of ones and one spanning many magnitudes, as a design's intercept and a skewed count.
        for i in 0..<m { mixed[i] = 1 }
        if n > 2 { for i in 0..<m { mixed[i + 2 * m] *= Double(sign: .plus, exponent: i % 40 - 20, significand: 1) } }
        var reference = mixed
        _ = try LAPACK.qr(&reference, rows: m, columns: n)
        var ours = mixed
        ours.withUnsafeMutableBufferPointer { HouseholderQR.factor($0.baseAddress!, rows: m, columns: n) }
        let expected = Self.upper(reference, rows: m, columns: n), found = Self.upper(ours, rows: m, columns: n)
        let largest = expected.reduce(0) { max($0, abs($1)) }
        for k in expected.indices {
            #expect(abs(found[k] - expected[k]) <= 1e-14 * largest, "R[\(k % n), \(k / n)]: \(found[k]) vs dgeqrf \(expected[k])")
        }
    }
}
