// Error-free transformations and compensated sums (Ogita, Rump & Oishi, "Accurate sum and dot
// product", SIAM J. Sci. Comput. 26(6), 2005). They give results as accurate as if computed in
// twice the working precision, which is what the iterative refinement of least squares needs
// for its residuals.

/// A value held as an unevaluated sum `hi + lo` with `|lo| <= ulp(hi)/2`.
struct CompensatedSum: Sendable {
    var hi: Double
    var lo: Double

    init(_ value: Double = 0) { hi = value; lo = 0 }

    /// The value rounded to one double.
    var value: Double { hi + lo }

    /// Adds `x` exactly into the pair (TwoSum, then a fast renormalization of the tail).
    @inline(__always) mutating func add(_ x: Double) {
        let s = hi + x
        let z = s - hi
        let error = (hi - (s - z)) + (x - z)
        hi = s
        lo += error
    }

    /// Adds the exact product `a·b` into the pair (TwoProduct via FMA).
    @inline(__always) mutating func addProduct(_ a: Double, _ b: Double) {
        let p = a * b
        let e = (-p).addingProduct(a, b)  // fma(a, b, -p): the exact rounding error of the product
        add(p)
        lo += e
    }
}

enum Compensated {
    /// Σ x, accurate to about twice the working precision.
    static func sum(_ values: UnsafeBufferPointer<Double>) -> Double {
        var total = CompensatedSum()
        for x in values { total.add(x) }
        return total.value
    }

    static func sum(_ values: [Double]) -> Double {
        values.withUnsafeBufferPointer { sum($0) }
    }

    /// Σ x·y, accurate to about twice the working precision (Dot2).
    static func dot(_ x: UnsafeBufferPointer<Double>, _ y: UnsafeBufferPointer<Double>) -> Double {
        var total = CompensatedSum()
        for i in 0..<min(x.count, y.count) { total.addProduct(x[i], y[i]) }
        return total.value
    }

    /// Σ x², accurate to about twice the working precision.
    static func sumOfSquares(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { dot($0, $0) }
    }

    /// Σ w·x², accurate to about twice the working precision.
    static func weightedSumOfSquares(_ x: [Double], weights: [Double]?) -> Double {
        guard let weights else { return sumOfSquares(x) }
        var total = CompensatedSum()
        for i in x.indices {
            let wx = weights[i] * x[i]
            total.addProduct(wx, x[i])
            // The rounding of w·x is a relative 2⁻⁵³ perturbation of one term; harmless here.
        }
        return total.value
    }
}
